"""Outlets (农资销售网点) from a sheet, checked by the outlet form's rules
(services/supply/catalogue.py): an outlet's name already entered updates it; on any error
``SheetError`` names each bad cell and nothing is written."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from supply_match.extensions import db
from supply_match.models import Outlet, Township
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, RowErrors
from supply_match.services.supply.catalogue import read_outlet
from supply_match.services.unit_of_work import use_case

NAME = Column(
    "name",
    "网点名称",
    aliases=("网点", "名称"),
    example="鹿鸣乡农资店",
    width=24,
    english="Outlet name",
)
TOWNSHIP = Column(
    "township", "乡镇", aliases=("乡镇代码",), example="鹿鸣乡", width=12, english="Township"
)
ADDRESS = Column("address", "地址", example="鹿鸣乡场镇街 12 号", width=24, english="Address")
LAT = Column("lat", "纬度", example="29.3512", width=10, english="Latitude")
LON = Column("lon", "经度", example="108.2931", width=10, english="Longitude")
OPENS = Column(
    "opens_at", "开门时间", required=False, example="08:00", width=10, english="Opens at"
)
CLOSES = Column(
    "closes_at", "关门时间", required=False, example="18:00", width=10, english="Closes at"
)
CONTACT = Column("contact_name", "联系人", example="冉光明", width=10, english="Contact")
MOBILE = Column(
    "contact_mobile",
    "联系电话",
    aliases=("手机号",),
    example="13896012345",
    width=14,
    english="Contact mobile",
)
OUTLET_COLUMNS = [NAME, TOWNSHIP, ADDRESS, LAT, LON, OPENS, CLOSES, CONTACT, MOBILE]
HEADERS = {c.key: c for c in OUTLET_COLUMNS} | {"township_id": TOWNSHIP}
TEMPLATE_NOTES = [
    _l("One row per outlet; an outlet name already known updates that outlet."),
    _l(
        "Township by name or 9-digit code; latitude and longitude in WGS-84; opening and closing times default to 08:00 and 18:00."
    ),
]


@dataclass
class OutletImportResult:
    added: int = 0
    updated: int = 0


def template_xlsx() -> bytes:
    return sheets.template_xlsx(OUTLET_COLUMNS, _("Outlets"), TEMPLATE_NOTES)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%H:%M")
    return "" if value is None else str(value).strip()


@use_case
def import_outlets(filename: str, data: bytes) -> OutletImportResult:
    """Add or update the outlets of a sheet: all of them, or none (``SheetError``)."""
    rows = sheets.read_table(filename, data, OUTLET_COLUMNS)
    errors = RowErrors()
    townships: dict[str, Township] = {}
    for township in db.session.scalars(select(Township)):
        townships[township.name] = township
        townships[township.code] = township
    outlets = {o.name: o for o in db.session.scalars(select(Outlet))}
    seen: dict[str, int] = {}
    result = OutletImportResult()
    for row in rows:
        values = {key: _text(value) for key, value in row.values.items()}
        name = values.get("name", "")
        if name in seen:
            errors.at(row, NAME, _("Repeats row %(row)s.", row=seen[name]))
            continue
        seen[name] = row.number
        township = townships.get(values.get("township", ""))
        form = MultiDict({
            **values,
            "township_id": str(township.id) if township else "",
            "opens_at": values.get("opens_at") or "08:00",
            "closes_at": values.get("closes_at") or "18:00",
            "active": "1",
        })  # fmt: skip
        outlet = outlets.get(name)
        checked, problems = read_outlet(form, outlet)
        if problems:
            for key, message in problems.items():
                errors.at(row, HEADERS.get(key, NAME), message)
            continue
        if outlet is None:
            outlet = Outlet()
            db.session.add(outlet)
            result.added += 1
        else:
            result.updated += 1
        for key, value in checked.items():
            setattr(outlet, key, value)
        # Flushed so that a later row's name check sees this one.
        db.session.flush()
    errors.raise_if_any()
    audit.record_import(AuditKind.OUTLET, filename, created=result.added, updated=result.updated)
    return result
