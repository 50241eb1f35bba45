"""Volunteers from a sheet, and the sheet of the county's volunteers.

One row per volunteer; a mobile already entered updates that volunteer, so a corrected
sheet can be imported again. Rows are checked by the form's rules
(services/county/volunteers.py); on any error ``SheetError`` names each bad cell and
nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
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

NAME = Column("name", "姓名", example="冉建国", width=10)
MOBILE = Column("mobile", "手机号", aliases=("手机", "电话"), example="13983512345", width=14)
BRANCH = Column("party_branch", "党支部", example="鹿鸣村党支部", width=18)
VILLAGE = Column("village", "村代码", aliases=("所在村代码",), example="500243104201", width=16)
VEHICLE = Column("vehicle_type", "车辆类型", aliases=("车型",), example="电动三轮车", width=12)
PLATE = Column("plate", "车牌", required=False, aliases=("车牌号",), example="渝H12345", width=12)
PAYLOAD = Column("payload_kg", "载重kg", aliases=("载重", "载重（kg）"), example="300", width=10)
SHIFT_START = Column("shift_start", "开始时间", required=False, example="08:00", width=10)
SHIFT_END = Column("shift_end", "结束时间", required=False, example="17:00", width=10)
DUTY = Column("duty_days", "值班日", aliases=("出车日",), example="每天", width=10)
VOLUNTEER_COLUMNS = [NAME, MOBILE, BRANCH, VILLAGE, VEHICLE, PLATE, PAYLOAD]
VOLUNTEER_COLUMNS += [SHIFT_START, SHIFT_END, DUTY]
# The first word for each type, so that an exported sheet imports again in any language.
SHEET_VEHICLE_WORDS = {str(v): word for word, v in reversed(VEHICLE_WORDS.items())}
HEADERS = {column.key: column.header for column in VOLUNTEER_COLUMNS}
HEADERS["home_lat"] = VILLAGE.header

TEMPLATE_NOTES = [
    "每行一名党员志愿者；手机号不能重复，已有的手机号会更新该志愿者。",
    "村代码填志愿者所住村的 12 位代码（在“乡镇和村”页面可以导出）。",
    "车辆类型填：电动三轮车、农用三轮车、摩托车、微型面包车、皮卡、轻型货车。",
    "值班日填“每天”，或星期几，如“一三五”“周一至周五”。开始、结束时间不填时用本县的默认班次。",
]


@dataclass
class VolunteerImportResult:
    added: int = 0
    updated: int = 0


def template_xlsx() -> bytes:
    return sheets.template_xlsx(VOLUNTEER_COLUMNS, "志愿者", TEMPLATE_NOTES)


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
            errors.add(
                row.number,
                MOBILE.header,
                _("Repeats the mobile of row %(row)s.", row=seen[mobile]),
            )
            continue
        seen[mobile] = row.number
        volunteer = existing.get(mobile)
        try:
            values = check_volunteer(row.values, volunteer)
        except VolunteerError as error:
            for key, message in error.errors.items():
                errors.add(row.number, HEADERS.get(key, NAME.header), message)
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
    return sheets.write_xlsx(VOLUNTEER_COLUMNS, rows, "志愿者")
