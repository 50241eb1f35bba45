"""The budget every sheet import stays within, whatever the file's shape.

A few kilobytes of .xlsx can declare a million rows, unpack to gigabytes or nest its XML
without end. The readers therefore check what a file declares before reading it and
count what they actually read (bytes unpacked, rows, cells, strings, XML elements) as
they go, stopping at the first limit passed with an ``ImportLimitError`` that names it.
The limits are settings (``IMPORT_MAX_*`` in ``config.py``); ``ReadCounters`` shows what
a read cost, for tests and the benchmark.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from flask import current_app, has_app_context
from flask_babel import gettext as _

from supply_match.services.documents.sheet_errors import ImportLimitError

MIB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """One import's limits; each field's setting is its name upper-cased with ``IMPORT_``
    in front (``max_rows`` is ``IMPORT_MAX_ROWS``)."""

    max_bytes: int = 5 * MIB  # the uploaded file itself
    max_rows: int = 20_000  # rows read, blank or not, the header included
    max_columns: int = 200  # a cell further right than this refuses the file
    max_cells: int = 320_000  # cells read, blank or not (20,000 rows of 16)
    max_cell_chars: int = 2_000  # characters in one cell or one shared string
    max_unzipped_bytes: int = 32 * MIB  # all parts read from an .xlsx, unpacked
    max_compression_ratio: int = 200  # a part larger than 1 MiB unpacked, to its packed size
    max_zip_entries: int = 500  # parts in the .xlsx
    max_sheets: int = 100
    max_shared_strings: int = 200_000  # distinct texts of the workbook
    max_xml_elements: int = 1_000_000  # over all parts read
    max_xml_depth: int = 40  # Excel writes about 6 levels

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> ImportLimits:
        """The limits set in ``config``; a setting it lacks keeps its default."""
        values = {}
        for spec in fields(cls):
            key = "IMPORT_" + spec.name.upper()
            if key in config:
                values[spec.name] = int(config[key])  # type: ignore[call-overload]
        return cls(**values)

    @classmethod
    def current(cls) -> ImportLimits:
        """The running app's limits, or the defaults outside an app (scripts, benchmark)."""
        return cls.from_config(current_app.config if has_app_context() else {})


@dataclass
class ReadCounters:
    """What a read has cost so far; the readers raise as soon as one passes its limit."""

    bytes_unzipped: int = 0
    rows_read: int = 0
    cells_read: int = 0
    strings_read: int = 0
    xml_elements: int = 0
    parts_read: int = 0


def N_(message: str) -> str:
    """Marks an English msgid for extraction; ``exceeded`` translates it when raising."""
    return message


# What the user reads for each limit, by ImportLimits field; %(limit)s is its value.
MESSAGES = {
    "max_rows": N_(
        "The sheet has more than %(limit)s rows (blank rows count too): split it into "
        "several files."
    ),
    "max_columns": N_(
        "The sheet has cells beyond column %(limit)s: delete the columns the template "
        "does not have."
    ),
    "max_cells": N_(
        "The sheet has more than %(limit)s cells (blank cells count too): split it into "
        "several files."
    ),
    "max_cell_chars": N_("The cell holds more than %(limit)s characters."),
    "max_unzipped_bytes": N_(
        "The workbook unpacks to more than %(limit)s MB: copy only the sheet to import "
        "into a new workbook."
    ),
    "max_compression_ratio": N_(
        "A part of the workbook unpacks to more than %(limit)s times its packed size, "
        "which is refused as unsafe: copy the sheet into a new workbook."
    ),
    "max_zip_entries": N_(
        "The workbook holds more than %(limit)s parts: copy only the sheet to import "
        "into a new workbook."
    ),
    "max_sheets": N_(
        "The workbook has more than %(limit)s sheets: copy only the sheet to import "
        "into a new workbook."
    ),
    "max_shared_strings": N_(
        "The workbook holds more than %(limit)s different texts: split it into several files."
    ),
    "max_xml_elements": N_(
        "The workbook is too complex to read (more than %(limit)s XML elements): copy "
        "only the sheet to import into a new workbook."
    ),
    "max_xml_depth": N_(
        "The workbook's XML is nested more than %(limit)s levels deep, which is refused as unsafe."
    ),
}


def exceeded(
    limits: ImportLimits, field: str, row: int | None = None, column: str | None = None
) -> ImportLimitError:
    """The error for passing ``limits.<field>``, at ``row``/``column`` where known."""
    value = getattr(limits, field)
    shown = f"{value / MIB:g}" if field.endswith("_bytes") else value
    return ImportLimitError(
        "IMPORT_" + field.upper(), _(MESSAGES[field], limit=shown), row=row, column=column
    )


def declares_entities() -> ImportLimitError:
    # Excel never writes a DOCTYPE; one is how XML entity expansion bombs begin.
    return ImportLimitError(
        "XML_DOCTYPE",
        _("The workbook's XML declares a document type or entities, which is refused as unsafe."),
    )
