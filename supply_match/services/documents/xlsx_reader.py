"""The first sheet of an .xlsx, read within a fixed budget.

openpyxl loads what a workbook declares and only then finds out what it costs; a file of
a few kilobytes can make it build millions of rows. This reader checks the zip's
directory first (parts, names, declared sizes, packing ratio), then streams the few parts
it needs (workbook, its relationships, shared strings, styles for dates, the first sheet)
through a byte counter into expat, counting every element, row, cell and string, and
stops at the first limit passed (``import_limits``). It refuses any DOCTYPE, so entity
expansion never starts, and reads no part after the sheet's data.

The values are openpyxl's (read-only, formulas as text): numbers as int or float, dates
as datetime where the cell's number format is a date, ``"=..."`` for a formula.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from supply_match.services.documents import import_limits as limit_errors
from supply_match.services.documents.import_limits import ImportLimits, ReadCounters
from supply_match.services.documents.sheet_errors import unreadable
from supply_match.services.documents.xlsx_parts import (
    EndOfPart,
    Relationships,
    SharedStrings,
    Styles,
    TextCollector,
    WorkbookPart,
)
from supply_match.services.documents.xlsx_zip import BoundedWorkbook

CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def column_letters(index: int) -> str:
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class _Sheet(TextCollector):
    """The rows of ``sheetData``, each as (row number, values by column from A)."""

    small_part = False

    def __init__(self, limits, counters, strings, styles: Styles | None, date1904: bool):
        super().__init__(limits, counters)
        self.strings = strings
        self.date_styles = styles.date_styles if styles else set()
        self.timedelta_styles = styles.timedelta_styles if styles else set()
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.ready: list[tuple[int, list[object]]] = []
        self.row_number = 0
        self.row_values: dict[int, object] = {}
        self.column = 0
        self.cell_type = "n"
        self.cell_style = 0
        self.value: str | None = None
        self.formula: str | None = None
        self.inline: str | None = None
        self.in_phonetic = False

    # The sheet holds nearly all of a workbook's elements: its handlers count and strip
    # the prefix themselves rather than through Part's, one call per element less.
    def _start(self, name, attrs):
        self.depth += 1
        limits, counters = self.limits, self.counters
        counters.xml_elements += 1
        if counters.xml_elements > self.max_elements:
            raise limit_errors.exceeded(limits, "max_xml_elements")
        if self.depth > limits.max_xml_depth:
            raise limit_errors.exceeded(limits, "max_xml_depth")
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            counters.cells_read += 1
            if counters.cells_read > limits.max_cells:
                raise limit_errors.exceeded(limits, "max_cells", self.row_number)
            reference = attrs.get("r")
            if reference:
                match = CELL_REFERENCE.match(reference)
                if match is None:
                    raise unreadable()
                self.column = _column_index(match.group(1))
            else:
                self.column += 1
            if self.column > limits.max_columns:
                raise limit_errors.exceeded(limits, "max_columns", self.row_number)
            self.cell_type = attrs.get("t", "n")
            style = attrs.get("s", "0")
            self.cell_style = int(style) if style.isdigit() else 0
            self.value = self.formula = self.inline = None
        elif name in ("v", "f"):
            self.begin_text()
            self.collecting = True
        elif name == "t":
            if not self.in_phonetic:
                if self.inline is None:
                    self.begin_text()
                self.collecting = True
        elif name == "row":
            counters.rows_read += 1
            number = attrs.get("r", "")
            self.row_number = int(number) if number.isdigit() else self.row_number + 1
            if counters.rows_read > limits.max_rows or self.row_number > limits.max_rows:
                raise limit_errors.exceeded(limits, "max_rows", self.row_number)
            self.row_values = {}
            self.column = 0
        elif name == "is":
            self.begin_text()
            self.inline = ""
        elif name == "rPh":
            self.in_phonetic = True
        elif name == "dimension":
            self._check_dimension(attrs.get("ref", ""))

    def _check_dimension(self, ref: str) -> None:
        match = CELL_REFERENCE.match(ref.rpartition(":")[2])
        if match is None:
            return
        if int(match.group(2)) > self.limits.max_rows:
            raise limit_errors.exceeded(self.limits, "max_rows")
        if _column_index(match.group(1)) > self.limits.max_columns:
            raise limit_errors.exceeded(self.limits, "max_columns")

    def _end(self, name):
        self.depth -= 1
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            value = self._cell_value()
            if value is not None:
                if isinstance(value, str) and len(value) > self.limits.max_cell_chars:
                    raise limit_errors.exceeded(
                        self.limits, "max_cell_chars", self.row_number, column_letters(self.column)
                    )
                self.row_values[self.column] = value
        elif name == "v":
            self.value = self.collected()
            self.collecting = False
        elif name == "f":
            self.formula = self.collected()
            self.collecting = False
        elif name == "t":
            self.collecting = False
        elif name == "is":
            self.inline = self.collected()
            self.collecting = False
        elif name == "rPh":
            self.in_phonetic = False
        elif name == "row":
            if self.row_values:
                width = max(self.row_values)
                values = [self.row_values.get(i) for i in range(1, width + 1)]
            else:
                values = []
            self.ready.append((self.row_number, values))
        elif name == "sheetData":
            raise EndOfPart

    def _cell_value(self) -> object:
        if self.formula is not None:
            return "=" + self.formula
        kind = self.cell_type
        if kind == "inlineStr":
            return self.inline
        raw = self.value
        if not raw:
            return None
        try:
            if kind == "n":
                number = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
                if self.cell_style in self.date_styles:
                    try:
                        return from_excel(
                            number, self.epoch, timedelta=self.cell_style in self.timedelta_styles
                        )
                    except (OverflowError, ValueError):
                        return number  # the date parser then says what is wrong with it
                return number
            if kind == "s":
                return self.strings[int(raw)]
            if kind == "b":
                return bool(int(raw))
        except (ValueError, IndexError):
            raise unreadable() from None
        return raw  # "str" (a formula's text), "e" (an error such as #N/A), "d" (ISO date)


def _relationships(workbook: BoundedWorkbook, part: str) -> dict[str, tuple[str, str]]:
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    reader = Relationships(workbook.limits, workbook.counters, folder)
    if workbook.has(rels_name):
        reader.parse(workbook.chunks(rels_name))
    return reader.by_id


def xlsx_rows(
    data: bytes, limits: ImportLimits, counters: ReadCounters
) -> Iterator[tuple[int, list[object]]]:
    """(row number, values from column A) for each row of the first worksheet that the
    file holds, blank or not; raises ``SheetError`` (``ImportLimitError`` for a limit)."""
    workbook = BoundedWorkbook(data, limits, counters)
    package = _relationships(workbook, "")
    book_part = next(
        (path for kind, path in package.values() if kind == "officeDocument"), "xl/workbook.xml"
    )
    if not workbook.has(book_part):
        raise unreadable()
    book = WorkbookPart(limits, counters)
    book.parse(workbook.chunks(book_part))
    related = _relationships(workbook, book_part)
    sheets = [related.get(rid) for rid in book.sheet_ids]
    sheet_part = next((path for kind, path in filter(None, sheets) if kind == "worksheet"), None)
    if sheet_part is None or not workbook.has(sheet_part):
        raise unreadable()
    strings: list[str] = []
    styles = None
    for kind, path in related.values():
        if kind == "sharedStrings" and workbook.has(path):
            reader = SharedStrings(limits, counters)
            reader.parse(workbook.chunks(path))
            strings = reader.strings
        elif kind == "styles" and workbook.has(path):
            styles = Styles(limits, counters)
            styles.parse(workbook.chunks(path))
    sheet = _Sheet(limits, counters, strings, styles, book.date1904)
    sheet.parse(workbook.chunks(sheet_part))
    return iter(sheet.ready)
