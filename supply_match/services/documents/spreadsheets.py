"""Reading and writing the spreadsheets cadres and dispatchers already keep.

``read_table`` turns an uploaded .xlsx or .csv into rows keyed by column, or raises
``SheetError`` listing every problem by row and column in the user's language. Parsers for the
cell types that recur (text, mobile, positive quantity, date, time range) live here too,
so that every import validates the same way.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from supply_match.services.documents.csv_reader import csv_rows
from supply_match.services.documents.import_limits import ImportLimits, ReadCounters
from supply_match.services.documents.sheet_errors import (
    CellError,
    ImportLimitError,
    SheetError,
)
from supply_match.services.documents.xlsx_reader import xlsx_rows

# The default upload limit; a deployment sets IMPORT_MAX_BYTES (and the other limits).
MAX_UPLOAD_BYTES = ImportLimits().max_bytes

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class Column:
    """A sheet's column: ``header`` is its Chinese heading, ``english`` its English one;
    an import reads either (and the aliases), templates and messages use ``title``."""

    key: str
    header: str
    required: bool = True
    aliases: tuple[str, ...] = ()
    example: str = ""
    width: int = 14
    english: str = ""
    english_example: str | None = None  # when the Chinese example is a word, not data

    @property
    def title(self) -> str:
        """The heading in the reader's language."""
        return self.english if self.english and reads_english() else self.header

    @property
    def shown_example(self) -> str:
        if self.english_example is not None and reads_english():
            return self.english_example
        return self.example


def reads_english() -> bool:
    """Whether the current reader (request, or forced locale) reads English."""
    locale = get_locale()
    return locale is not None and locale.language == "en"


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict[str, object] = field(default_factory=dict)
    # Each column's heading as the file writes it (either language, or an alias), so that
    # an error names the column the way the person who made the file will find it.
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, column: Column) -> str:
        return self.headers.get(column.key) or column.title


class RowErrors:
    """Collects errors while rows are checked, so that all of them are reported at once."""

    def __init__(self) -> None:
        self.errors: list[CellError] = []

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(CellError(row, column, message))

    def at(self, row: Row, column: Column, message: str) -> None:
        """An error in ``row``'s cell of ``column``, named by the file's own heading."""
        self.add(row.number, row.header(column), message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise SheetError(self.errors)

    def __bool__(self) -> bool:
        return bool(self.errors)


def _normalise_header(text: object) -> str:
    return re.sub(r"[\s*＊:：()（）]", "", str(text or "")).lower()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(
    filename: str,
    data: bytes,
    columns: Sequence[Column],
    *,
    limits: ImportLimits | None = None,
    counters: ReadCounters | None = None,
) -> list[Row]:
    """Rows of the first sheet, keyed by ``Column.key``; blank rows are skipped.

    Reads within ``limits`` (by default the app's ``IMPORT_MAX_*`` settings) and counts
    what it read into ``counters`` when given. Raises ``SheetError`` listing every problem
    by row and column; ``ImportLimitError`` (a ``SheetError``) names the limit passed.
    """
    limits = limits or ImportLimits.current()
    counters = counters if counters is not None else ReadCounters()
    if len(data) > limits.max_bytes:
        limit_mb = f"{limits.max_bytes / 1024 / 1024:g}"
        raise ImportLimitError(
            "IMPORT_MAX_BYTES",
            _(
                "The file is too large (%(size)s KB; the limit is %(limit)s MB): "
                "split it into several files.",
                size=len(data) // 1024,
                limit=limit_mb,
            ),
        )
    if not data:
        raise SheetError([CellError(None, None, _("The file is empty."))])
    name = filename.lower()
    if name.endswith(".xlsx"):
        raw_rows = xlsx_rows(data, limits, counters)
    elif name.endswith(".csv"):
        raw_rows = csv_rows(data, limits, counters)
    elif name.endswith(".xls"):
        raise SheetError(
            [
                CellError(
                    None,
                    None,
                    _("Old .xls files are not supported: save it as .xlsx and upload it again."),
                )
            ]
        )
    else:
        raise SheetError([CellError(None, None, _("Only .xlsx and .csv files can be uploaded."))])
    return _rows_by_column(raw_rows, columns)


def _rows_by_column(
    raw_rows: Iterable[tuple[int, list[object]]], columns: Sequence[Column]
) -> list[Row]:
    header_index: dict[str, int] | None = None
    file_headers: dict[str, str] = {}
    rows: list[Row] = []
    errors = RowErrors()
    wanted = {}
    for column in columns:
        for label in (column.header, column.english, column.key, *column.aliases):
            if not label:
                continue
            wanted[_normalise_header(label)] = column
    for number, raw in raw_rows:
        if header_index is None:
            if all(is_blank(cell) for cell in raw):
                continue
            header_index = {}
            for position, cell in enumerate(raw):
                column = wanted.get(_normalise_header(cell))
                if column is not None and column.key not in header_index:
                    header_index[column.key] = position
                    file_headers[column.key] = str(cell).strip().rstrip("*＊").strip()
            missing = [c.title for c in columns if c.required and c.key not in header_index]
            if missing:
                raise SheetError(
                    [
                        CellError(
                            number,
                            None,
                            _(
                                "The header lacks these columns: %(columns)s. Please use the "
                                "downloaded template.",
                                columns=_(", ").join(missing),
                            ),
                        )
                    ]
                )
            continue
        if all(is_blank(cell) for cell in raw):
            continue
        values: dict[str, object] = {}
        for key, position in header_index.items():
            cell = raw[position] if position < len(raw) else None
            if isinstance(cell, str):
                cell = cell.strip()
                if cell.startswith("="):
                    errors.add(
                        number,
                        file_headers[key],
                        _(
                            "The cell holds a formula: copy it and paste it back as values "
                            "(Paste Special > Values)."
                        ),
                    )
                    continue
                if cell == "":
                    cell = None
            values[key] = cell
        rows.append(Row(number, values, file_headers))
    if header_index is None:
        raise SheetError([CellError(None, None, _("The file has no header and no data."))])
    errors.raise_if_any()
    if not rows:
        raise SheetError([CellError(None, None, _("The file has no data rows."))])
    return rows


# Cell parsers: each returns the parsed value or raises ValueError with a message for the user.


def text(value: object, max_length: int = 64) -> str:
    if is_blank(value):
        raise ValueError(_("Must not be empty."))
    result = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        result = str(int(value))
    if len(result) > max_length:
        raise ValueError(_("Too long (at most %(max)s characters).", max=max_length))
    return result


def mobile(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = re.sub(r"[\s-]", "", str(value or ""))
    if not MOBILE_RE.match(result):
        raise ValueError(_('The mobile number "%(value)s" is not 11 digits.', value=value or ""))
    return result


def positive_quantity(value: object) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        raise ValueError(_('The quantity "%(value)s" is not a number.', value=value)) from None
    if not result.is_finite() or result <= 0:
        raise ValueError(_("The quantity must be more than 0."))
    if result != result.quantize(Decimal("0.01")):
        raise ValueError(_("The quantity may have at most two decimals."))
    if result >= Decimal("1e9"):
        raise ValueError(_("The quantity is too large."))
    return result


def non_negative_quantity(value: object) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        raise ValueError(_('The quantity "%(value)s" is not a number.', value=value)) from None
    if result.is_finite() and result == 0:
        return Decimal(0)
    if result.is_finite() and result < 0:
        raise ValueError(_("The quantity cannot be negative."))
    return positive_quantity(value)


def positive_int(value: object) -> int:
    try:
        number = Decimal(str(value).strip().removesuffix("组"))
    except (InvalidOperation, AttributeError):
        raise ValueError(_('"%(value)s" is not a whole number.', value=value)) from None
    if number != number.to_integral_value() or number <= 0:
        raise ValueError(_("Must be a positive whole number."))
    return int(number)


_DATE_PATTERNS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def a_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value or "").strip()
    for pattern in _DATE_PATTERNS:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(_('The date "%(value)s" is not valid; write it as 2020-03-05.', value=raw))


def time_range(value: object) -> tuple[time, time]:
    """'08:00-12:00' (also with ~, 至, －, full-width colons)."""
    raw = str(value or "").strip().replace("：", ":")
    parts = re.split(r"\s*(?:-|~|～|至|－|—)\s*", raw)
    try:
        start, end = (datetime.strptime(part, "%H:%M").time() for part in parts)
    except ValueError:
        raise ValueError(
            _('The time range "%(value)s" is not valid; write it as 08:00-12:00.', value=raw)
        ) from None
    if end <= start:
        raise ValueError(_("The end of the time range must be after its start."))
    return start, end


def check(errors: RowErrors, row: Row, column: Column, parser: Callable[[object], object]):
    """Parse one cell; on failure record the error and return None."""
    value = row.values.get(column.key)
    if is_blank(value):
        if column.required:
            errors.at(row, column, _("Must not be empty."))
        return None
    try:
        return parser(value)
    except ValueError as error:
        errors.at(row, column, str(error))
        return None


def write_xlsx(
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    title: str,
    notes: Sequence[str] = (),
) -> bytes:
    """A workbook with a bold, frozen header row; ``notes`` go to a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([column.title for column in columns])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_xlsx_safe(value) for value in row])
    if notes:
        help_sheet = workbook.create_sheet(_("How to fill in")[:31])
        help_sheet.column_dimensions["A"].width = 100
        for note in notes:
            help_sheet.append([str(note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> bytes:
    """The same table as UTF-8 CSV with a byte-order mark (so Excel reads the Chinese),
    values that would run as formulas written as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.title for column in columns])
    for row in rows:
        writer.writerow(["" if value is None else _xlsx_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(columns: Sequence[Column], title: str, notes: Sequence[str]) -> bytes:
    """A blank sheet to fill in: required headers starred, one example row, the notes."""
    headers = [
        Column(c.key, c.title + ("*" if c.required else ""), c.required, width=c.width)
        for c in columns
    ]
    return write_xlsx(headers, [[c.shown_example for c in columns]], str(title), notes)


def _xlsx_safe(value: object) -> object:
    # A value that Excel would read as a formula is written as text, never executed.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _looks_numeric(value):
        return "'" + value
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def _looks_numeric(value: str) -> bool:
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True
