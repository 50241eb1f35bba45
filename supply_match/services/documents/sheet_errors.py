"""What a sheet import reports when it refuses a file: every problem by row and column,
and, when the file is past one of the import limits, which limit it was."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

# Past this many, further errors are counted, not listed: the cadre fixes the first ones.
MAX_LISTED_ERRORS = 200


@dataclass(frozen=True)
class CellError:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _(
                "Row %(row)s, column %(column)s: %(message)s",
                row=self.row,
                column=self.column,
                message=self.message,
            )
        if self.row is not None:
            return _("Row %(row)s: %(message)s", row=self.row, message=self.message)
        if self.column:
            return _("Column %(column)s: %(message)s", column=self.column, message=self.message)
        return self.message


class SheetError(ValueError):
    def __init__(self, errors: Sequence[CellError], total: int | None = None):
        self.errors = list(errors)[:MAX_LISTED_ERRORS]
        self.total = total if total is not None else len(errors)
        super().__init__("; ".join(str(error) for error in self.errors[:5]))


class ImportLimitError(SheetError):
    """The file is past one of the import limits; ``limit`` names its setting
    (``IMPORT_MAX_ROWS``...), so that the reader stops at once and says which it was."""

    def __init__(self, limit: str, message: str, row: int | None = None, column: str | None = None):
        self.limit = limit
        super().__init__([CellError(row, column, message)])


def unreadable(message: str | None = None) -> SheetError:
    """The file is not a workbook we can read (broken, encrypted, or not .xlsx at all)."""
    return SheetError(
        [
            CellError(
                None,
                None,
                message
                or _(
                    "This Excel file cannot be opened: save it as .xlsx in Excel or WPS "
                    "and upload it again."
                ),
            )
        ]
    )
