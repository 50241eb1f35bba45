// Shows one run at a time on the plan's map: pointing at (or focusing) a run's row in the
// runs table, or opening its details, highlights its line and stops and fades the others.
// Without this script every run shows at full strength.
(() => {
  const map = document.querySelector("[data-plan-map] svg");
  if (!map) return;
  const opened = [];

  const show = (key) => {
    map.querySelectorAll(".map-run").forEach((group) => {
      group.classList.toggle("highlighted", group.dataset.run === key);
    });
    document.querySelectorAll(".run-overview tr[data-run]").forEach((row) => {
      row.classList.toggle("highlighted", row.dataset.run === key);
    });
    if (key) map.setAttribute("data-highlight", key);
    else map.removeAttribute("data-highlight");
  };
  const settle = () => show(opened.length ? opened[opened.length - 1] : null);

  document.querySelectorAll(".run-overview tr[data-run]").forEach((row) => {
    row.addEventListener("mouseenter", () => show(row.dataset.run));
    row.addEventListener("focusin", () => show(row.dataset.run));
    row.addEventListener("mouseleave", settle);
    row.addEventListener("focusout", settle);
  });
  document.querySelectorAll("details.run[data-run]").forEach((details) => {
    details.addEventListener("toggle", () => {
      const at = opened.indexOf(details.dataset.run);
      if (at >= 0) opened.splice(at, 1);
      if (details.open) opened.push(details.dataset.run);
      settle();
    });
  });
  map.querySelectorAll(".map-run").forEach((group) => {
    group.addEventListener("click", () => {
      show(map.getAttribute("data-highlight") === group.dataset.run ? null : group.dataset.run);
    });
  });
})();
