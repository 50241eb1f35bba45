"""Hostile workbooks and CSV files, built byte by byte, for the import-limit tests and
``benchmarks/hostile_imports.py``: each shape is a small file that once cost a server
seconds to minutes of CPU or gigabytes of memory to read.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>村</t></is></c></row>'


def sheet_xml(rows: str = HEADER_ROW, before: str = "") -> str:
    return f'<worksheet xmlns="{MAIN}">{before}<sheetData>{rows}</sheetData></worksheet>'


def workbook(
    sheet: str | bytes | None = None,
    *,
    shared_strings: str | bytes | None = None,
    styles: str | bytes | None = None,
    sheets: int = 1,
    extra_parts: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A minimal .xlsx Excel opens: the parts given, the relationships that find them."""
    sheet = sheet_xml() if sheet is None else sheet
    relationships = [
        f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    ]
    if shared_strings is not None:
        relationships.append(
            f'<Relationship Id="rS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    if styles is not None:
        relationships.append(f'<Relationship Id="rY" Type="{RELS}/styles" Target="styles.xml"/>')
    sheet_list = "".join(
        f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, sheets + 1)
    )
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": _content_types(sheets, shared_strings, styles),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="r1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{sheet_list}</sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE_RELS}">{"".join(relationships)}</Relationships>'
        ),
    }
    for n in range(1, sheets + 1):
        parts[f"xl/worksheets/sheet{n}.xml"] = sheet if n == 1 else sheet_xml()
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    if styles is not None:
        parts["xl/styles.xml"] = styles
    parts.update(extra_parts or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def _content_types(sheets: int, shared_strings, styles) -> str:
    """What openpyxl needs to find the parts (this app's reader goes by relationships)."""
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = [("/xl/workbook.xml", f"{office}.sheet.main+xml")]
    overrides += [
        (f"/xl/worksheets/sheet{n}.xml", f"{office}.worksheet+xml") for n in range(1, sheets + 1)
    ]
    if shared_strings is not None:
        overrides.append(("/xl/sharedStrings.xml", f"{office}.sharedStrings+xml"))
    if styles is not None:
        overrides.append(("/xl/styles.xml", f"{office}.styles+xml"))
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides)
        + "</Types>"
    )


def understate_size(data: bytes, part: str, declared: int) -> bytes:
    """The same zip with ``part``'s unpacked size written as ``declared`` in its central
    directory entry: a bomb that claims to be small."""
    name = part.encode()
    at = data.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if data[at + 46 : at + 46 + name_length] == name:
            break
        extra, comment = struct.unpack("<HH", data[at + 30 : at + 34])
        at = data.index(b"PK\x01\x02", at + 46 + name_length + extra + comment)
    return data[: at + 24] + struct.pack("<L", declared) + data[at + 28 :]


# --- xlsx shapes -------------------------------------------------------------------------


def huge_declared_dimension() -> bytes:
    return workbook(sheet_xml(before='<dimension ref="A1:XFD1048576"/>'))


def empty_rows(count: int = 2_000_000) -> bytes:
    return workbook(sheet_xml(HEADER_ROW + "<row/>" * count))


def one_row_far_down() -> bytes:
    return workbook(sheet_xml(HEADER_ROW + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'))


def one_row_of_16384_columns() -> bytes:
    return workbook(sheet_xml("<row>" + "<c><v>1</v></c>" * 16_384 + "</row>"))


def many_empty_cells(rows: int = 20_000, columns: int = 30) -> bytes:
    row = "<row>" + "<c/>" * columns + "</row>"
    return workbook(sheet_xml(HEADER_ROW + row * (rows - 1)))


def shared_strings(strings: str, unique_count: str = "") -> str:
    count = f' uniqueCount="{unique_count}"' if unique_count else ""
    return f'<sst xmlns="{MAIN}"{count}>{strings}</sst>'


def shared_string_bomb(megabytes: int = 40) -> bytes:
    """One shared string that unpacks to ``megabytes`` MB of 'a'."""
    text = "a" * (megabytes * 1024 * 1024)
    return workbook(shared_strings=shared_strings(f"<si><t>{text}</t></si>"))


def shared_string_bomb_declared_small(megabytes: int = 40) -> bytes:
    return understate_size(shared_string_bomb(megabytes), "xl/sharedStrings.xml", 1000)


def many_shared_strings_declared() -> bytes:
    return workbook(shared_strings=shared_strings("<si><t>a</t></si>", "100000000"))


def many_shared_strings(count: int = 300_000) -> bytes:
    return workbook(shared_strings=shared_strings("<si><t>a</t></si>" * count))


def one_long_shared_string(characters: int = 8_000_000) -> bytes:
    text = "长" * characters
    cells = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return workbook(sheet_xml(cells), shared_strings=shared_strings(f"<si><t>{text}</t></si>"))


def one_long_inline_string(characters: int = 8_000_000) -> bytes:
    text = "x" * characters
    return workbook(
        sheet_xml(f'<row r="1"><c r="B1" t="inlineStr"><is><t>{text}</t></is></c></row>')
    )


def many_parts(count: int = 2_000) -> bytes:
    return workbook(extra_parts={f"xl/media/image{n}.png": b"" for n in range(count)})


def many_sheets_listed(count: int = 5_000) -> bytes:
    data = workbook()
    listed = "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId1"/>' for n in range(count))
    book = f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{listed}</sheets></workbook>'
    return _replace_part(data, "xl/workbook.xml", book.encode())


def huge_styles(formats: int = 1_000_000) -> bytes:
    xfs = '<xf numFmtId="0"/>' * formats
    return workbook(styles=f'<styleSheet xmlns="{MAIN}"><cellXfs>{xfs}</cellXfs></styleSheet>')


def junk_elements(count: int = 1_100_000) -> bytes:
    """Elements Excel never writes, before the sheet's data: none is a row or a cell."""
    return workbook(sheet_xml(before="<sheetViews>" + "<x/>" * count + "</sheetViews>"))


def deeply_nested(depth: int = 100_000) -> bytes:
    return workbook(
        sheet_xml(HEADER_ROW + "<row><c>" + "<x>" * depth + "</x>" * depth + "</c></row>")
    )


def entity_expansion() -> bytes:
    """The billion laughs: ten entities of ten of the one before."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    document = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(entities)}]>'
        f'<sst xmlns="{MAIN}"><si><t>&lol9;</t></si></sst>'
    )
    return workbook(shared_strings=document)


def external_entity() -> bytes:
    document = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>')
    )
    return workbook(document)


def bzip2_packed() -> bytes:
    return workbook(compression=zipfile.ZIP_BZIP2)


def path_traversal() -> bytes:
    return workbook(extra_parts={"../../etc/cron.d/evil": b"x"})


def _replace_part(data: bytes, part: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            archive.writestr(
                entry.filename, content if entry.filename == part else source.read(entry)
            )
    return buffer.getvalue()


# --- csv shapes --------------------------------------------------------------------------


def csv_one_gigantic_field(megabytes: int = 4) -> bytes:
    return b"\xe6\x9d\x91\n" + b"a" * (megabytes * 1024 * 1024)


def csv_long_field(characters: int = 10_000) -> bytes:
    return ("村,组\n石嘴村," + "1" * characters + "\n").encode()


def csv_blank_lines(count: int = 4_000_000, header: str = "村") -> bytes:
    return f"{header}\n".encode() + b"\n" * count


def csv_many_columns(count: int = 1_000_000) -> bytes:
    return "村".encode() + b"," * count + b"\n"


XLSX_SHAPES: dict[str, Callable[[], bytes]] = {
    "huge declared dimension": huge_declared_dimension,
    "2,000,000 empty rows": empty_rows,
    "one row numbered 1,048,576": one_row_far_down,
    "one row of 16,384 columns": one_row_of_16384_columns,
    "600,000 empty cells": many_empty_cells,
    "40 MB shared string": shared_string_bomb,
    "40 MB shared string declared 1 kB": shared_string_bomb_declared_small,
    "100 million shared strings declared": many_shared_strings_declared,
    "300,000 shared strings": many_shared_strings,
    "8 million character shared string": one_long_shared_string,
    "8 million character inline string": one_long_inline_string,
    "2,000 parts": many_parts,
    "5,000 sheets listed": many_sheets_listed,
    "1,000,000 cell styles": huge_styles,
    "1,100,000 unknown elements": junk_elements,
    "XML nested 100,000 deep": deeply_nested,
    "entity expansion": entity_expansion,
    "external entity": external_entity,
    "bzip2 packed": bzip2_packed,
    "path traversal": path_traversal,
}

CSV_SHAPES: dict[str, Callable[[], bytes]] = {
    "4 MB field": csv_one_gigantic_field,
    "10,000 character field": csv_long_field,
    "4,000,000 blank lines": csv_blank_lines,
    "1,000,000 columns": csv_many_columns,
}
