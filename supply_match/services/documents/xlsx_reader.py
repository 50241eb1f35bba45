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

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from supply_match.services.documents import import_limits as limit_errors
from supply_match.services.documents.import_limits import ImportLimits, ReadCounters
from supply_match.services.documents.sheet_errors import unreadable

CHUNK_BYTES = 64 * 1024
# Past this size unpacked, a part's packing ratio is checked (small XML packs very well).
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# A central directory entry is 46 bytes plus its name (at most 255 here) and extras.
MAX_DIRECTORY_BYTES_PER_ENTRY = 46 + 255 + 256
MAX_NAME_CHARS = 255
SMALL_PART_SHARE = 10
# Number formats that are dates in a Chinese (or Japanese, Korean) Excel: ECMA-376 18.8.30.
CJK_DATE_FORMAT_IDS = frozenset(range(27, 37)) | frozenset(range(50, 59))
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")


class _EndOfPart(Exception):
    """Raised by a handler once it has what it needs: the rest of the part is not read."""


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


def _check_directory_record(data: bytes, limits: ImportLimits) -> None:
    """Refuse a zip whose end record declares too many parts before zipfile reads them."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if end < 0 or len(data) - end < 22:
        raise unreadable()
    _sig, _disk, _cd_disk, _here, entries, directory_bytes, _offset, _comment = struct.unpack(
        "<4s4H2LH", data[end : end + 22]
    )
    if entries != 0xFFFF and entries > limits.max_zip_entries:
        raise limit_errors.exceeded(limits, "max_zip_entries")
    if directory_bytes != 0xFFFFFFFF and directory_bytes > (
        limits.max_zip_entries * MAX_DIRECTORY_BYTES_PER_ENTRY
    ):
        raise limit_errors.exceeded(limits, "max_zip_entries")


def _safe_name(name: str) -> bool:
    parts = name.split("/")
    return (
        0 < len(name) <= MAX_NAME_CHARS
        and not name.startswith("/")
        and "\\" not in name
        and "\x00" not in name
        and ".." not in parts
    )


class BoundedWorkbook:
    """An .xlsx's zip, checked on opening; ``chunks`` unpacks one part within the budget."""

    def __init__(self, data: bytes, limits: ImportLimits, counters: ReadCounters):
        self.limits = limits
        self.counters = counters
        _check_directory_record(data, limits)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            entries = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise unreadable() from None
        if len(entries) > limits.max_zip_entries:
            raise limit_errors.exceeded(limits, "max_zip_entries")
        names = [entry.filename for entry in entries]
        if len(set(names)) != len(names) or not all(_safe_name(name) for name in names):
            raise unreadable()
        if sum(entry.file_size for entry in entries) > limits.max_unzipped_bytes:
            raise limit_errors.exceeded(limits, "max_unzipped_bytes")
        for entry in entries:
            if entry.file_size > RATIO_CHECKED_FROM_BYTES and entry.file_size > (
                limits.max_compression_ratio * max(entry.compress_size, 1)
            ):
                raise limit_errors.exceeded(limits, "max_compression_ratio")
        self.entries = {entry.filename: entry for entry in entries}

    def has(self, name: str) -> bool:
        return name in self.entries

    def chunks(self, name: str) -> Iterator[bytes]:
        entry = self.entries.get(name)
        if entry is None:
            raise unreadable()
        # zipfile bounds each inflate call only for deflate; bzip2 and LZMA could unpack
        # a bomb in one call, and Excel and WPS never use them.
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise unreadable()
        if entry.flag_bits & 0x1:  # encrypted
            raise unreadable()
        self.counters.parts_read += 1
        try:
            with self.zip.open(entry) as part:
                while chunk := part.read(CHUNK_BYTES):
                    self.counters.bytes_unzipped += len(chunk)
                    if self.counters.bytes_unzipped > self.limits.max_unzipped_bytes:
                        raise limit_errors.exceeded(self.limits, "max_unzipped_bytes")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError):
            raise unreadable() from None


def _local(name: str) -> str:
    # Namespaces are not resolved (a third faster); a prefix, as in <x:row>, is dropped.
    return name.rpartition(":")[2] if ":" in name else name


class _Part:
    """Expat over one part, with the element count and depth checked for every element.
    Subclasses handle ``start``/``end``/``text`` by local name (prefix dropped).

    The sheet and the shared strings may use the whole element budget; the small parts
    (workbook, relationships, styles) a tenth of it, as their handlers cost more each.
    """

    small_part = True

    def __init__(self, limits: ImportLimits, counters: ReadCounters):
        self.limits = limits
        self.counters = counters
        self.depth = 0
        share = limits.max_xml_elements // SMALL_PART_SHARE if self.small_part else None
        self.max_elements = min(
            limits.max_xml_elements,
            counters.xml_elements + share if share is not None else limits.max_xml_elements,
        )

    def start(self, name: str, attrs: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        counters = self.counters
        counters.xml_elements += 1
        if counters.xml_elements > self.max_elements:
            raise limit_errors.exceeded(self.limits, "max_xml_elements")
        if self.depth > self.limits.max_xml_depth:
            raise limit_errors.exceeded(self.limits, "max_xml_depth")
        self.start(_local(name), attrs)

    def _end(self, name: str) -> None:
        self.depth -= 1
        self.end(_local(name))

    def parse(self, chunks: Iterator[bytes]) -> None:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self.text
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_doctype
        try:
            for chunk in chunks:
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _EndOfPart:
            pass
        except expat.ExpatError:
            raise unreadable() from None
        finally:
            parser.StartElementHandler = parser.EndElementHandler = None
            parser.CharacterDataHandler = None


def _refuse_doctype(*_args) -> None:
    raise limit_errors.declares_entities()


class _Relationships(_Part):
    def __init__(self, limits, counters, base: str):
        super().__init__(limits, counters)
        self.base = base
        self.by_id: dict[str, tuple[str, str]] = {}  # id: (type's last word, part name)

    def start(self, name, attrs):
        if name == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join(self.base, target)
            kind = attrs.get("Type", "").rpartition("/")[2]
            self.by_id[attrs.get("Id", "")] = (kind, posixpath.normpath(path))


class _WorkbookPart(_Part):
    def __init__(self, limits, counters):
        super().__init__(limits, counters)
        self.sheet_ids: list[str] = []
        self.date1904 = False

    def start(self, name, attrs):
        if name == "sheet":
            if len(self.sheet_ids) >= self.limits.max_sheets:
                raise limit_errors.exceeded(self.limits, "max_sheets")
            # r:id, whatever the relationships namespace's prefix is in this file
            ids = [value for key, value in attrs.items() if key.endswith(":id")]
            self.sheet_ids.append(ids[0] if ids else "")
        elif name == "workbookPr":
            self.date1904 = attrs.get("date1904", "0").lower() in ("1", "true")

    def end(self, name):
        if name == "sheets":
            raise _EndOfPart


class _TextCollector(_Part):
    """Collects a text's characters, keeping at most one past the cell limit."""

    def __init__(self, limits, counters):
        super().__init__(limits, counters)
        self.collecting = False
        self.pieces: list[str] = []
        self.length = 0

    def begin_text(self) -> None:
        self.pieces = []
        self.length = 0

    def text(self, data):
        if self.collecting and self.length <= self.limits.max_cell_chars:
            self.pieces.append(data)
            self.length += len(data)

    def collected(self) -> str:
        joined = "".join(self.pieces)
        return joined[: self.limits.max_cell_chars + 1]


class _SharedStrings(_TextCollector):
    small_part = False

    def __init__(self, limits, counters):
        super().__init__(limits, counters)
        self.strings: list[str] = []
        self.in_phonetic = False

    def _start(self, name, attrs):  # counts itself, as the sheet's does
        self.depth += 1
        limits, counters = self.limits, self.counters
        counters.xml_elements += 1
        if counters.xml_elements > self.max_elements:
            raise limit_errors.exceeded(limits, "max_xml_elements")
        if self.depth > limits.max_xml_depth:
            raise limit_errors.exceeded(limits, "max_xml_depth")
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "t":
            self.collecting = not self.in_phonetic
        elif name == "si":
            counters = self.counters
            counters.strings_read += 1
            if counters.strings_read > self.limits.max_shared_strings:
                raise limit_errors.exceeded(self.limits, "max_shared_strings")
            self.begin_text()
        elif name == "rPh":
            self.in_phonetic = True
        elif name == "sst":
            declared = attrs.get("uniqueCount") or "0"
            if declared.isdigit() and int(declared) > self.limits.max_shared_strings:
                raise limit_errors.exceeded(self.limits, "max_shared_strings")

    def _end(self, name):
        self.depth -= 1
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "t":
            self.collecting = False
        elif name == "si":
            self.strings.append(self.collected())
        elif name == "rPh":
            self.in_phonetic = False


class _Styles(_Part):
    """Which cell styles (``s="3"``) show a date; nothing else of the styles is kept."""

    def __init__(self, limits, counters):
        super().__init__(limits, counters)
        self.custom_formats: dict[int, str] = {}
        self.in_cell_formats = False
        self.date_styles: set[int] = set()
        self.timedelta_styles: set[int] = set()
        self.kinds: dict[int, str] = {}
        self.count = 0

    def start(self, name, attrs):
        if name == "numFmt":
            format_id = attrs.get("numFmtId", "")
            if format_id.isdigit():
                self.custom_formats[int(format_id)] = attrs.get("formatCode", "")[:256]
        elif name == "cellXfs":
            self.in_cell_formats = True
        elif name == "xf" and self.in_cell_formats:
            format_id = attrs.get("numFmtId", "0")
            number = int(format_id) if format_id.isdigit() else 0
            kind = self.kinds.get(number)
            if kind is None:
                kind = self.kinds[number] = self._kind(number)
            if kind:
                self.date_styles.add(self.count)
                if kind == "timedelta":
                    self.timedelta_styles.add(self.count)
            self.count += 1

    def _kind(self, number: int) -> str:
        """'date', 'timedelta' or '' for a number format (looked up once per format)."""
        code = self.custom_formats.get(number) or BUILTIN_FORMATS.get(number, "General")
        if number in CJK_DATE_FORMAT_IDS or is_date_format(code):
            return "timedelta" if is_timedelta_format(code) else "date"
        return ""

    def end(self, name):
        if name == "cellXfs":
            raise _EndOfPart


class _Sheet(_TextCollector):
    """The rows of ``sheetData``, each as (row number, values by column from A)."""

    small_part = False

    def __init__(self, limits, counters, strings, styles: _Styles | None, date1904: bool):
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
    # the prefix themselves rather than through _Part's, one call per element less.
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
            raise _EndOfPart

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
    reader = _Relationships(workbook.limits, workbook.counters, folder)
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
    book = _WorkbookPart(limits, counters)
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
            reader = _SharedStrings(limits, counters)
            reader.parse(workbook.chunks(path))
            strings = reader.strings
        elif kind == "styles" and workbook.has(path):
            styles = _Styles(limits, counters)
            styles.parse(workbook.chunks(path))
    sheet = _Sheet(limits, counters, strings, styles, book.date1904)
    sheet.parse(workbook.chunks(sheet_part))
    return iter(sheet.ready)
