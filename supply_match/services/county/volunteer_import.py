"""Volunteers from a sheet, and the sheet of the county's volunteers.

One row per volunteer; a mobile already entered updates that volunteer, so a corrected
sheet can be imported again. Rows are checked by the form's rules
(services/county/volunteers.py); on any error ``SheetError`` names each bad cell and
nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Volunteer
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.county.places import cell_text
from supply_match.services.county.volunteers import (
    VEHICLE_WORDS,
    VolunteerError,
    check_volunteer,
    duty_days_text,
    write_volunteer,
)
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, RowErrors
from supply_match.services.unit_of_work import use_case

NAME = Column("name", "姓名", example="冉建国", width=10, english="Name")
MOBILE = Column(
    "mobile", "手机号", aliases=("手机", "电话"), example="13983512345", width=14, english="Mobile"
)
BRANCH = Column("party_branch", "党支部", example="鹿鸣村党支部", width=18, english="Party branch")
VILLAGE = Column(
    "village",
    "村代码",
    aliases=("所在村代码",),
    example="500243104201",
    width=16,
    english="Village code",
)
VEHICLE = Column(
    "vehicle_type",
    "车辆类型",
    aliases=("车型",),
    example="电动三轮车",
    english_example="electric tricycle",
    width=12,
    english="Vehicle type",
)
PLATE = Column(
    "plate",
    "车牌",
    required=False,
    aliases=("车牌号",),
    example="渝H12345",
    width=12,
    english="Plate",
)
PAYLOAD = Column(
    "payload_kg",
    "载重kg",
    aliases=("载重", "载重（kg）"),
    example="300",
    width=10,
    english="Payload kg",
)
SHIFT_START = Column(
    "shift_start", "开始时间", required=False, example="08:00", width=10, english="Shift starts"
)
SHIFT_END = Column(
    "shift_end", "结束时间", required=False, example="17:00", width=10, english="Shift ends"
)
DUTY = Column(
    "duty_days",
    "值班日",
    aliases=("出车日",),
    example="每天",
    english_example="every day",
    width=10,
    english="Duty days",
)
VOLUNTEER_COLUMNS = [NAME, MOBILE, BRANCH, VILLAGE, VEHICLE, PLATE, PAYLOAD]
VOLUNTEER_COLUMNS += [SHIFT_START, SHIFT_END, DUTY]
# The first word for each type, so that an exported sheet imports again in any language.
SHEET_VEHICLE_WORDS = {str(v): word for word, v in reversed(VEHICLE_WORDS.items())}
HEADERS = {column.key: column for column in VOLUNTEER_COLUMNS}
HEADERS["home_lat"] = VILLAGE

TEMPLATE_NOTES = [
    _l(
        "One row per party-member volunteer; mobiles are unique, and a mobile already known updates that volunteer."
    ),
    _l(
        "Village code: the 12-digit code of the village the volunteer lives in (exported from the Townships and villages page)."
    ),
    _l(
        "Vehicle type, one of: electric tricycle, motor tricycle, motorcycle, minivan, pickup, light truck (or the Chinese names)."
    ),
    _l(
        "Duty days: every day, or weekday numbers such as 1,3,5 (1 is Monday) or 1-5. Without start and end times the county's default shift applies."
    ),
]


@dataclass
class VolunteerImportResult:
    added: int = 0
    updated: int = 0


def template_xlsx() -> bytes:
    return sheets.template_xlsx(VOLUNTEER_COLUMNS, _("Volunteers"), TEMPLATE_NOTES)


@use_case
def import_volunteers(filename: str, data: bytes) -> VolunteerImportResult:
    """Add or update the volunteers of a sheet: all of them, or none (``SheetError``)."""
    rows = sheets.read_table(filename, data, VOLUNTEER_COLUMNS)
    errors = RowErrors()
    existing = {v.mobile: v for v in db.session.scalars(select(Volunteer))}
    seen: dict[str, int] = {}
    result = VolunteerImportResult()
    for row in rows:
        mobile = cell_text(row.values.get("mobile")).replace(" ", "").replace("-", "")
        if mobile in seen:
            errors.at(
                row,
                MOBILE,
                _("Repeats the mobile of row %(row)s.", row=seen[mobile]),
            )
            continue
        seen[mobile] = row.number
        volunteer = existing.get(mobile)
        try:
            values = check_volunteer(row.values, volunteer)
        except VolunteerError as error:
            for key, message in error.errors.items():
                errors.at(row, HEADERS.get(key, NAME), message)
            continue
        if volunteer is None:
            volunteer = Volunteer(active=True)
            db.session.add(volunteer)
            result.added += 1
        else:
            result.updated += 1
        write_volunteer(volunteer, values)
    errors.raise_if_any()
    db.session.flush()
    audit.record_import(AuditKind.VOLUNTEER, filename, created=result.added, updated=result.updated)
    return result


def export_xlsx() -> bytes:
    rows = []
    for volunteer in db.session.scalars(select(Volunteer).order_by(Volunteer.name)):
        rows.append([
            volunteer.name, volunteer.mobile, volunteer.party_branch,
            volunteer.home_village.code if volunteer.home_village else "",
            SHEET_VEHICLE_WORDS.get(volunteer.vehicle_type, volunteer.vehicle_type),
            volunteer.plate or "", volunteer.payload_kg,
            volunteer.shift_start.strftime("%H:%M"), volunteer.shift_end.strftime("%H:%M"),
            duty_days_text(volunteer.duty_days),
        ])  # fmt: skip
    return sheets.write_xlsx(VOLUNTEER_COLUMNS, rows, _("Volunteers"))
