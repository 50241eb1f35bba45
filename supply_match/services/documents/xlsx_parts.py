"""Expat over the small parts of an .xlsx (workbook, relationships, shared strings,
styles), every element counted and its depth checked, any DOCTYPE refused."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

from supply_match.services.documents import import_limits as limit_errors
from supply_match.services.documents.import_limits import ImportLimits, ReadCounters
from supply_match.services.documents.sheet_errors import unreadable

# The small parts may use this fraction of the element budget (1/10).
SMALL_PART_SHARE = 10
# Number formats that are dates in a Chinese (or Japanese, Korean) Excel: ECMA-376 18.8.30.
CJK_DATE_FORMAT_IDS = frozenset(range(27, 37)) | frozenset(range(50, 59))


class EndOfPart(Exception):
    """Raised by a handler once it has what it needs: the rest of the part is not read."""


def local_name(name: str) -> str:
    # Namespaces are not resolved (a third faster); a prefix, as in <x:row>, is dropped.
    return name.rpartition(":")[2] if ":" in name else name


class Part:
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
        self.start(local_name(name), attrs)

    def _end(self, name: str) -> None:
        self.depth -= 1
        self.end(local_name(name))

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
        except EndOfPart:
            pass
        except expat.ExpatError:
            raise unreadable() from None
        finally:
            parser.StartElementHandler = parser.EndElementHandler = None
            parser.CharacterDataHandler = None


def _refuse_doctype(*_args) -> None:
    raise limit_errors.declares_entities()


class Relationships(Part):
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


class WorkbookPart(Part):
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
            raise EndOfPart


class TextCollector(Part):
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


class SharedStrings(TextCollector):
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


class Styles(Part):
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
            raise EndOfPart
