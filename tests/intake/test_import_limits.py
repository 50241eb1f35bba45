"""Every import stays within its budget whatever the file's shape: each hostile file is
refused naming the limit it passed, and the reader's counters show it stopped there
(bytes unpacked, rows, cells, strings and XML elements read), not the clock."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.import_limits import ImportLimits, ReadCounters
from supply_match.services.documents.xlsx_reader import xlsx_rows
from supply_match.services.documents.xlsx_zip import CHUNK_BYTES
from tests import hostile_files as hostile
from tests.conftest import make_app

DEFAULTS = ImportLimits()
# Some shapes are caught by their packing ratio before anything is unpacked; with that
# check off, the counting while reading must stop them all the same.
RATIO_OFF = ImportLimits(max_compression_ratio=10**9)
COLUMNS = [sheets.Column("village", "村")]


@pytest.fixture(scope="module")
def limits_app():
    app = make_app("sqlite://")
    with app.test_request_context():
        yield app


def refusal(filename: str, data: bytes, limits: ImportLimits = DEFAULTS):
    counters = ReadCounters()
    with pytest.raises(sheets.SheetError) as caught:
        sheets.read_table(filename, data, COLUMNS, limits=limits, counters=counters)
    return caught.value, counters


def assert_within_budget(counters: ReadCounters, limits: ImportLimits) -> None:
    assert counters.bytes_unzipped <= limits.max_unzipped_bytes
    assert counters.rows_read <= limits.max_rows + 1
    assert counters.cells_read <= limits.max_cells + 1
    assert counters.strings_read <= limits.max_shared_strings + 1
    assert counters.xml_elements <= limits.max_xml_elements + 1


@pytest.mark.parametrize(
    ("build", "limits", "limit", "nothing_unpacked"),
    [
        (hostile.huge_declared_dimension, DEFAULTS, "IMPORT_MAX_ROWS", False),
        (hostile.empty_rows, DEFAULTS, "IMPORT_MAX_COMPRESSION_RATIO", True),
        (hostile.one_row_far_down, DEFAULTS, "IMPORT_MAX_ROWS", False),
        (hostile.one_row_of_16384_columns, DEFAULTS, "IMPORT_MAX_COLUMNS", False),
        (hostile.many_empty_cells, DEFAULTS, "IMPORT_MAX_COMPRESSION_RATIO", True),
        (hostile.shared_string_bomb, DEFAULTS, "IMPORT_MAX_UNZIPPED_BYTES", True),
        (hostile.many_shared_strings_declared, DEFAULTS, "IMPORT_MAX_SHARED_STRINGS", False),
        (hostile.many_parts, DEFAULTS, "IMPORT_MAX_ZIP_ENTRIES", True),
        (hostile.many_sheets_listed, DEFAULTS, "IMPORT_MAX_SHEETS", False),
        (hostile.huge_styles, DEFAULTS, "IMPORT_MAX_COMPRESSION_RATIO", True),
        (hostile.deeply_nested, DEFAULTS, "IMPORT_MAX_XML_DEPTH", False),
        (hostile.entity_expansion, DEFAULTS, "XML_DOCTYPE", False),
        (hostile.external_entity, DEFAULTS, "XML_DOCTYPE", False),
        # What the packing ratio caught above, counted while read:
        (hostile.empty_rows, RATIO_OFF, "IMPORT_MAX_ROWS", False),
        (hostile.many_empty_cells, RATIO_OFF, "IMPORT_MAX_CELLS", False),
        (hostile.many_shared_strings, RATIO_OFF, "IMPORT_MAX_SHARED_STRINGS", False),
        (hostile.huge_styles, RATIO_OFF, "IMPORT_MAX_XML_ELEMENTS", False),
        (hostile.junk_elements, RATIO_OFF, "IMPORT_MAX_XML_ELEMENTS", False),
        (hostile.one_long_shared_string, RATIO_OFF, "IMPORT_MAX_CELL_CHARS", False),
        (hostile.one_long_inline_string, RATIO_OFF, "IMPORT_MAX_CELL_CHARS", False),
    ],
    ids=lambda value: getattr(value, "__name__", None) if callable(value) else None,
)
def test_a_hostile_workbook_is_refused_within_the_budget(
    limits_app, build, limits, limit, nothing_unpacked
):
    error, counters = refusal("x.xlsx", build(), limits)
    assert getattr(error, "limit", None) == limit
    assert_within_budget(counters, limits)
    if nothing_unpacked:  # refused on what the zip declares, before unpacking anything
        assert counters.bytes_unzipped == 0


def test_the_refusal_says_which_limit_in_chinese(limits_app):
    error, _counters = refusal("x.xlsx", hostile.one_row_far_down())
    assert str(error) == "第 1048576 行：工作表超过 20000 行（空行也算在内）：请分成几个文件"


def test_rows_are_counted_blank_or_not_and_reading_stops_at_the_limit(limits_app):
    _error, counters = refusal("x.xlsx", hostile.empty_rows(), RATIO_OFF)
    assert counters.rows_read == DEFAULTS.max_rows + 1
    # 2,000,000 rows unpack to 12 MB; the reader stopped after the first 20,001.
    assert counters.bytes_unzipped < 20_001 * len("<row/>") + 2 * CHUNK_BYTES


def test_one_row_of_16384_columns_stops_at_the_first_cell_past_the_limit(limits_app):
    error, counters = refusal("x.xlsx", hostile.one_row_of_16384_columns())
    assert counters.cells_read == DEFAULTS.max_columns + 1
    assert error.errors[0].row == 1


def test_a_long_shared_string_is_kept_only_up_to_the_limit(limits_app):
    error, counters = refusal("x.xlsx", hostile.one_long_shared_string(), RATIO_OFF)
    assert (error.errors[0].row, error.errors[0].column) == (1, "A")
    assert counters.strings_read == 1


def test_a_zip_that_understates_a_part_unpacks_no_more_than_it_declares(limits_app):
    error, counters = refusal("x.xlsx", hostile.shared_string_bomb_declared_small())
    assert not hasattr(error, "limit")  # broken, not merely too big
    assert "无法打开" in str(error)
    assert counters.bytes_unzipped < 10_000  # 40 MB packed, 1 kB declared


@pytest.mark.parametrize("build", [hostile.bzip2_packed, hostile.path_traversal])
def test_parts_packed_or_named_as_excel_never_does_are_refused(limits_app, build):
    error, counters = refusal("x.xlsx", build())
    assert "无法打开" in str(error)
    assert counters.bytes_unzipped == 0


@pytest.mark.parametrize(
    ("build", "limit", "row", "column"),
    [
        (hostile.csv_one_gigantic_field, "IMPORT_MAX_CELL_CHARS", 2, None),
        (hostile.csv_long_field, "IMPORT_MAX_CELL_CHARS", 2, "B"),
        (hostile.csv_blank_lines, "IMPORT_MAX_ROWS", 20_001, None),
        (hostile.csv_many_columns, "IMPORT_MAX_COLUMNS", 1, None),
    ],
    ids=lambda value: getattr(value, "__name__", None) if callable(value) else None,
)
def test_a_hostile_csv_is_refused_within_the_budget(limits_app, build, limit, row, column):
    error, counters = refusal("x.csv", build())
    assert error.limit == limit
    assert (error.errors[0].row, error.errors[0].column) == (row, column)
    assert_within_budget(counters, DEFAULTS)


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(limits_app):
    error, counters = refusal("x.xlsx", b"PK" + b"\0" * 2000, ImportLimits(max_bytes=1000))
    assert error.limit == "IMPORT_MAX_BYTES"
    assert counters == ReadCounters()


def test_the_limits_come_from_the_app_settings(limits_app):
    limits_app.config["IMPORT_MAX_ROWS"] = 3
    try:
        counters = ReadCounters()
        with pytest.raises(sheets.SheetError) as caught:
            sheets.read_table("x.csv", "村\n甲\n乙\n丙\n".encode(), COLUMNS, counters=counters)
    finally:
        limits_app.config["IMPORT_MAX_ROWS"] = DEFAULTS.max_rows
    assert caught.value.limit == "IMPORT_MAX_ROWS" and counters.rows_read == 4


def test_the_reader_gives_the_values_openpyxl_gives(limits_app):
    """Text (shared and inline), numbers, dates by their format, booleans, formulas as
    text, gaps between cells and rows: the same values as openpyxl's own reader."""
    book = Workbook()
    sheet = book.active
    sheet.append(["村", "组", "数量", "日期", "是否", "备注"])
    sheet.append(["石嘴村", 3, 2.5, datetime(2020, 3, 5), True, "=1+1"])
    sheet.append([None, None, None, None, None, None])
    sheet["C5"] = "仅此一格"
    sheet["F5"] = 1e20
    sheet["D6"] = datetime(2020, 3, 6)
    sheet["D6"].number_format = 'yyyy"年"m"月"d"日"'
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()

    ours = {number: values for number, values in xlsx_rows(data, DEFAULTS, ReadCounters())}
    theirs = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    for number, row in enumerate(theirs.iter_rows(values_only=True), start=1):
        expected = list(row)
        while expected and expected[-1] is None:
            expected.pop()
        assert ours.get(number, []) == expected
    assert ours[6][3] == datetime(2020, 3, 6)
