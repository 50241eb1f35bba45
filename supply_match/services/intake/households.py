"""Households after they are entered: correcting one, importing many without orders, and
merging two records of one household.

Every function keeps a cadre inside their villages (services/scope.py): a household of
another village is ``ForbiddenError`` and an unknown one ``NotFoundError``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from supply_match import geo
from supply_match.extensions import db
from supply_match.models import Household, Order, User, Village
from supply_match.models.audit import AuditKind
from supply_match.services import audit, scope
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, RowErrors
from supply_match.services.errors import ForbiddenError, NotFoundError
from supply_match.services.unit_of_work import use_case

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class HouseholdError(ValueError):
    """A household's change was refused; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def household_for(user: User, household_id: int) -> Household:
    household = db.session.get(Household, household_id)
    if household is None:
        raise NotFoundError(f"household {household_id}")
    if not scope.may_see_village(user, household.village_id):
        raise ForbiddenError(f"household {household_id}")
    return household


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _check(values: Mapping[str, object], village: Village, household: Household | None) -> dict:
    errors: dict[str, str] = {}
    name = _text(values.get("name"))
    if not name or len(name) > 32:
        errors["name"] = _("Please enter the head of household's name (at most 32 characters).")
    mobile = re.sub(r"[\s-]", "", _text(values.get("mobile")))
    if not MOBILE_RE.match(mobile):
        errors["mobile"] = _("Please fill in an 11-digit mobile number.")
    group_text = _text(values.get("group_no")).removesuffix("组")
    group_no = int(group_text) if group_text.isdigit() else 0
    if not 1 <= group_no <= village.group_count:
        errors["group_no"] = _(
            "The group number must be between 1 and %(count)s.", count=village.group_count
        )
    lat_text, lon_text = _text(values.get("lat")), _text(values.get("lon"))
    point = (household.lat, household.lon) if household else (village.lat, village.lon)
    if lat_text or lon_text:
        try:
            lat, lon = float(lat_text), float(lon_text)
            if not geo.in_china(lat, lon):
                raise ValueError
            if values.get("gcj02") in ("1", True):
                lat, lon = geo.gcj02_to_wgs84(lat, lon)
            point = (round(lat, 6), round(lon, 6))
        except ValueError:
            errors["location"] = _(
                "The point is outside China: are latitude and longitude swapped?"
            )
    if not errors:
        other = Household.id != household.id if household is not None else True
        duplicate = db.session.scalar(
            select(Household.id).where(
                Household.village_id == village.id,
                Household.name == name,
                Household.mobile == mobile,
                other,
            )
        )
        if duplicate is not None:
            errors["name"] = _(
                '%(village)s already has the household "%(name)s %(mobile)s".',
                village=village.name,
                name=name,
                mobile=mobile,
            )
    if errors:
        raise HouseholdError(errors)
    return dict(name=name, mobile=mobile, group_no=group_no, lat=point[0], lon=point[1])


@use_case
def update_household(user: User, household_id: int, values: Mapping[str, object]) -> Household:
    """Correct a household's name, mobile, group and home point (``lat``/``lon``, GCJ-02
    when ``gcj02`` is "1"; the stored point when blank). Orders keep their own delivery
    points. Raises ``HouseholdError``, ``NotFoundError`` or ``ForbiddenError``."""
    household = household_for(user, household_id)
    for key, value in _check(values, household.village, household).items():
        setattr(household, key, value)
    audit.record(
        AuditKind.HOUSEHOLD,
        "edited",
        record_id=household.id,
        actor=user,
        summary=f"{household.village.name} {household.name} {household.mobile}",
    )
    return household


@use_case
def merge_households(user: User, keep_id: int, merged_id: int) -> Household:
    """Move every order of ``merged_id`` to ``keep_id`` and delete the merged record; the
    two must be of one village. Raises ``HouseholdError`` or a scope error."""
    if keep_id == merged_id:
        raise HouseholdError({"merged": _("Choose two different households.")})
    keep = household_for(user, keep_id)
    merged = household_for(user, merged_id)
    if keep.village_id != merged.village_id:
        raise HouseholdError({"merged": _("Only two records of one village can be merged.")})
    db.session.execute(
        update(Order).where(Order.household_id == merged.id).values(household_id=keep.id)
    )
    merged_name = f"{merged.name} {merged.mobile}"
    db.session.expire(merged)
    db.session.delete(merged)
    db.session.flush()
    audit.record(
        AuditKind.HOUSEHOLD,
        "merged",
        record_id=keep.id,
        actor=user,
        summary=f"{merged_name} → {keep.name} {keep.mobile}",
        detail={"merged_id": merged_id},
    )
    return keep


TOWNSHIP = Column(
    "township", "乡镇", required=False, example="鹿鸣乡", width=12, english="Township"
)
VILLAGE = Column("village", "村", example="鹿鸣村", width=12, english="Village")
GROUP = Column("group_no", "组", example="3", width=6, english="Group")
NAME = Column(
    "name",
    "户主姓名",
    aliases=("姓名", "户主"),
    example="冉光明",
    width=10,
    english="Head of household",
)
MOBILE = Column(
    "mobile", "手机号", aliases=("手机", "电话"), example="13896012345", width=14, english="Mobile"
)
LAT = Column("lat", "纬度", required=False, example="", width=10, english="Latitude")
LON = Column("lon", "经度", required=False, example="", width=10, english="Longitude")
HOUSEHOLD_COLUMNS = [TOWNSHIP, VILLAGE, GROUP, NAME, MOBILE, LAT, LON]
HEADERS = {c.key: c for c in HOUSEHOLD_COLUMNS} | {"location": LAT}
TEMPLATE_NOTES = [
    _l(
        "One row per household: township (needed when the village's name repeats in the county), village, group, head of household, mobile."
    ),
    _l(
        "Latitude and longitude (WGS-84) may be left empty: the village's position is used, and can be corrected later on the household's page."
    ),
    _l(
        "A household already known (same village, name and mobile) is skipped, so the same sheet can be imported again."
    ),
]


@dataclass
class HouseholdImportResult:
    added: int = 0
    unchanged: int = 0


def template_xlsx() -> bytes:
    return sheets.template_xlsx(HOUSEHOLD_COLUMNS, _("Households"), TEMPLATE_NOTES)


@use_case
def import_households(filename: str, data: bytes, user: User) -> HouseholdImportResult:
    """Add the households of a sheet (no orders) in the user's villages; one already
    there is left as it is. All or nothing: ``SheetError`` names every bad cell."""
    rows = sheets.read_table(filename, data, HOUSEHOLD_COLUMNS)
    errors = RowErrors()
    by_name: dict[str, list[Village]] = defaultdict(list)
    query = scope.villages_query(user).options(selectinload(Village.township))
    for village in db.session.scalars(query):
        by_name[village.name].append(village)
    seen: dict[tuple, int] = {}
    result = HouseholdImportResult()
    for row in rows:
        village_name = _text(row.values.get("village"))
        township_name = _text(row.values.get("township"))
        candidates = [
            v for v in by_name.get(village_name, [])
            if not township_name or v.township.name == township_name
        ]  # fmt: skip
        if len(candidates) != 1:
            message = (
                _("Several villages have this name: fill in the township.")
                if len(candidates) > 1
                else _('"%(name)s" is not one of your villages.', name=village_name)
            )
            errors.at(row, VILLAGE, message)
            continue
        village = candidates[0]
        name = _text(row.values.get("name"))
        mobile = re.sub(r"[\s-]", "", _text(row.values.get("mobile")))
        if db.session.scalar(
            select(Household.id).where(
                Household.village_id == village.id,
                Household.name == name,
                Household.mobile == mobile,
            )
        ):
            result.unchanged += 1
            continue
        try:
            values = _check(row.values, village, None)
        except HouseholdError as error:
            for key, message in error.errors.items():
                errors.at(row, HEADERS.get(key, NAME), message)
            continue
        key = (village.id, values["name"], values["mobile"])
        if key in seen:
            errors.at(row, NAME, _("Repeats row %(row)s.", row=seen[key]))
            continue
        seen[key] = row.number
        db.session.add(Household(village=village, **values))
        result.added += 1
    errors.raise_if_any()
    db.session.flush()
    audit.record_import(
        AuditKind.HOUSEHOLD, filename, created=result.added, unchanged=result.unchanged
    )
    return result
