// Sorts a table's rows by a column when its header button is pressed: the header cell
// carries data-sort, each row's cell data-value (a number). Pressing again reverses.
document.querySelectorAll("table[data-sortable]").forEach((table) => {
  table.querySelectorAll("th[data-sort]").forEach((header) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = header.textContent;
    header.textContent = "";
    header.appendChild(button);
    button.addEventListener("click", () => {
      const column = header.cellIndex;
      const descending = header.getAttribute("aria-sort") !== "descending";
      table.querySelectorAll("th[data-sort]").forEach((h) => h.removeAttribute("aria-sort"));
      header.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      const value = (row) => parseFloat(row.cells[column].dataset.value || "0");
      rows.sort((a, b) => (descending ? value(b) - value(a) : value(a) - value(b)));
      rows.forEach((row) => body.appendChild(row));
    });
  });
});
