// On a phone a table marked `cards` shows one card per row (app.css); each cell is led by
// its column's heading, copied here into data-label once so that templates need not repeat
// every heading on every cell. Without this script the cards still show every value.
(function () {
  "use strict";
  function label(table) {
    var headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headRow) return;
    var headings = [];
    Array.prototype.forEach.call(headRow.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) headings.push(cell.textContent.trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var heading = headings[column];
          if (heading && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heading);
          column += cell.colSpan || 1;
        });
      });
    });
  }
  document.querySelectorAll("table.cards").forEach(label);
})();
