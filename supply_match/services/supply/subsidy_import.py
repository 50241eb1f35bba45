"""The county's subsidy programmes (补贴项目) from a sheet, and back out to one.

One row per programme: its name, the share of an order it pays, and whether it is in
use. A name already entered updates that programme. Checked by the programme form's
rules (services/intake/payments.save_programme): every row first, each problem named by
row and column, nothing written on any error; a row equal to what is stored changes
nothing, so a re-import is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import AuditKind, SubsidyProgramme
from supply_match.services import audit
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, Row, RowErrors
from supply_match.services.intake import payments
from supply_match.services.unit_of_work import use_case

NAME = Column(
    "name", "项目名称", aliases=("补贴项目", "名称"), example="春耕化肥补贴", width=28,
    english="Programme", english_example="Spring fertilizer subsidy",
)  # fmt: skip
SHARE = Column(
    "share_percent", "补贴比例（%）", aliases=("补贴比例", "比例"), example="30", width=14,
    english="Share (%)",
)  # fmt: skip
ACTIVE = Column(
    "active", "启用", required=False, aliases=("是否启用",), example="是", width=8,
    english="In use", english_example="yes",
)  # fmt: skip
PROGRAMME_COLUMNS = [NAME, SHARE, ACTIVE]
TEMPLATE_NOTES = [
    _l(
        "One row per programme: its name, the whole percent of an order it pays (1 to 100), "
        "and whether it is in use (yes or no; blank: yes)."
    ),
    _l(
        "A name already entered updates that programme. A programme not in use stays on "
        "the orders that name it but is offered for no new order."
    ),
]
_YES = {"是", "启用", "yes", "y", "true", "1"}
_NO = {"否", "停用", "no", "n", "false", "0"}


@dataclass
class ProgrammeImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def template_xlsx() -> bytes:
    return sheets.template_xlsx(PROGRAMME_COLUMNS, _("Subsidy programmes"), TEMPLATE_NOTES)


def export_xlsx() -> bytes:
    """Every programme, in use or not, in the import's layout."""
    rows = [
        [p.name, p.share_percent, _("yes") if p.active else _("no")]
        for p in payments.programmes(active_only=False)
    ]
    return sheets.write_xlsx(PROGRAMME_COLUMNS, rows, _("Subsidy programmes"))


def _active(value: object) -> bool:
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(_("Write yes or no (是 or 否)."))


def _share_text(value: object) -> str:
    # A sheet gives 30 as 30.0; anything else goes to the form's rule as written.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value or "").strip()


@use_case
def import_programmes(filename: str, data: bytes) -> ProgrammeImportResult:
    """Add or update the programmes of a sheet: all of them, or none (``SheetError``)."""
    rows = sheets.read_table(filename, data, PROGRAMME_COLUMNS)
    errors = RowErrors()
    existing = {p.name: p for p in db.session.scalars(select(SubsidyProgramme))}
    seen: dict[str, int] = {}
    result = ProgrammeImportResult()
    for row in rows:
        name = str(row.values.get(NAME.key) or "").strip()
        if name in seen:
            errors.at(row, NAME, _("Repeats row %(row)s.", row=seen[name]))
            continue
        seen[name] = row.number
        active = sheets.check(errors, row, ACTIVE, _active)
        _save_row(row, name, active, existing.get(name), errors, result)
    if not rows:
        errors.add(None, None, _("The sheet has no rows to import."))
    errors.raise_if_any()
    audit.record(
        AuditKind.PRICE,
        "programmes_imported",
        summary=f"{filename}: +{result.added} ~{result.updated}",
        detail={"added": result.added, "updated": result.updated},
    )
    return result


def _save_row(
    row: Row,
    name: str,
    active: bool | None,
    programme: SubsidyProgramme | None,
    errors: RowErrors,
    result: ProgrammeImportResult,
) -> None:
    share = _share_text(row.values.get(SHARE.key))
    before = (programme.share_percent, programme.active) if programme else None
    try:
        saved = payments.save_programme(programme.id if programme else None, name, share, active)
    except payments.ProgrammeError as refused:
        columns = {"name": NAME, "share_percent": SHARE}
        for key, message in refused.errors.items():
            errors.at(row, columns.get(key, NAME), message)
        return
    if programme is None:
        result.added += 1
    elif before == (saved.share_percent, saved.active):
        result.unchanged += 1
    else:
        result.updated += 1
