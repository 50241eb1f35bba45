// Draws the board's map after the page has loaded: the table is what a dispatcher reads
// first, and the map (every run's line, the volunteers' positions) was most of the
// page's size and time. The page refreshes every 30 seconds, and the map with it.
(() => {
  const holder = document.querySelector("[data-board-map]");
  if (!holder) return;
  const failed = () => {
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = holder.dataset.failed;
    holder.replaceChildren(hint);
  };
  fetch(holder.dataset.boardMap, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((answer) => (answer.ok ? answer.json() : Promise.reject(answer.status)))
    .then((data) => {
      // The server draws the SVG and escapes every name in it (services/documents/svg_map.py).
      holder.innerHTML = data.svg;
    })
    .catch(failed);
})();
