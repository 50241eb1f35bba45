"""The rows of an uploaded CSV, read within the import limits (``import_limits``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import gettext as _

from supply_match.services.documents import import_limits as limit_errors
from supply_match.services.documents.import_limits import ImportLimits, ReadCounters
from supply_match.services.documents.sheet_errors import CellError, SheetError
from supply_match.services.documents.xlsx_reader import column_letters


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise SheetError(
            [
                CellError(
                    None,
                    None,
                    _(
                        "This is not a text CSV file (it holds binary data): save it as "
                        "UTF-8 CSV or .xlsx."
                    ),
                )
            ]
        )
    for encoding in ("utf-8-sig", "gb18030"):
        # Excel in Chinese saves CSV as GBK (a subset of GB18030) unless told otherwise.
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(
        [
            CellError(
                None,
                None,
                _(
                    "The file's encoding is not recognised: save it as UTF-8 or GBK CSV, "
                    "or as .xlsx."
                ),
            )
        ]
    )


def csv_rows(
    data: bytes, limits: ImportLimits, counters: ReadCounters
) -> Iterator[tuple[int, list[object]]]:
    """(row number, fields) for every record, blank lines included; raises ``SheetError``
    (``ImportLimitError`` for a limit)."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    number = 0
    while True:
        try:
            fields = next(reader, None)
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                # csv's own cap (128 Ki characters) is past ours: the same refusal.
                raise limit_errors.exceeded(limits, "max_cell_chars", number + 1) from None
            raise SheetError(
                [CellError(None, None, _("CSV format error: %(error)s", error=error))]
            ) from None
        if fields is None:
            return
        number += 1
        counters.rows_read = number
        if number > limits.max_rows:
            raise limit_errors.exceeded(limits, "max_rows", number)
        if len(fields) > limits.max_columns:
            raise limit_errors.exceeded(limits, "max_columns", number)
        counters.cells_read += len(fields)
        if counters.cells_read > limits.max_cells:
            raise limit_errors.exceeded(limits, "max_cells", number)
        if fields and max(map(len, fields)) > limits.max_cell_chars:
            position = next(i for i, f in enumerate(fields) if len(f) > limits.max_cell_chars)
            raise limit_errors.exceeded(
                limits, "max_cell_chars", number, column_letters(position + 1)
            )
        yield number, fields
