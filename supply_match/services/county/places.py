"""Townships (乡镇/街道) and villages (村) as a county enters them: by form, from a sheet,
or through the API, all checked by the same rules.

A township's code has 9 digits and a village's 12 (the national administrative codes
without the trailing zeros); both begin with the county's 6-digit code from the county
settings, and a village's first 9 digits are its township's. Coordinates are stored in
WGS-84; GCJ-02 points pasted from Amap or Tencent maps are converted. A place is never
deleted: deactivating it keeps it for the households and orders that name it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from supply_match import geo
from supply_match.extensions import db
from supply_match.models import Household, Township, Village
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.county import settings as county_settings
from supply_match.services.errors import NotFoundError
from supply_match.services.unit_of_work import use_case

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
KINDS = ("街道", "镇", "乡")
COORDINATE_SYSTEMS = ("wgs84", "gcj02")


class PlaceError(ValueError):
    """A township or village was refused; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def cell_text(value: object) -> str:
    """A form value or sheet cell as text; Excel turns a long code into a float."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _coordinates(
    values: Mapping[str, object], lat_key: str, lon_key: str, errors: dict[str, str]
) -> tuple[float | None, float | None]:
    lat_text, lon_text = cell_text(values.get(lat_key)), cell_text(values.get(lon_key))
    try:
        lat = float(lat_text)
    except ValueError:
        errors[lat_key] = _("Please enter a latitude in China, for example 29.29.")
        lat = None
    try:
        lon = float(lon_text)
    except ValueError:
        errors[lon_key] = _("Please enter a longitude in China, for example 108.17.")
        lon = None
    if lat is None or lon is None:
        return None, None
    if not (18 <= lat <= 54 and 73 <= lon <= 136):
        errors[lat_key] = _(
            "(%(lat)s, %(lon)s) is not in China: are latitude and longitude swapped?",
            lat=lat,
            lon=lon,
        )
        return None, None
    system = cell_text(values.get("coordinates")).lower().replace("-", "") or "wgs84"
    if system not in COORDINATE_SYSTEMS:
        errors["coordinates"] = _("Write WGS84 or GCJ02.")
        return None, None
    if system == "gcj02":
        lat, lon = geo.gcj02_to_wgs84(lat, lon)
    return round(lat, 6), round(lon, 6)


def _code(value: object, digits: int, errors: dict[str, str]) -> str:
    code = cell_text(value)
    county_code = county_settings.current().county_code
    if not county_code:
        errors["code"] = _("Enter the county's settings (its 6-digit code) first.")
    elif not (code.isdigit() and len(code) == digits):
        errors["code"] = _("The code has %(digits)s digits.", digits=digits)
    elif not code.startswith(county_code):
        errors["code"] = _(
            "The code %(code)s is outside the county: it must begin with %(county)s.",
            code=code,
            county=county_code,
        )
    return code


def check_township(values: Mapping[str, object], township: Township | None) -> dict:
    """The values to store for a township, or ``PlaceError`` listing every bad field."""
    errors: dict[str, str] = {}
    code = _code(values.get("code"), 9, errors)
    name = cell_text(values.get("name"))
    kind = next((kind for kind in KINDS if name.endswith(kind)), None)
    if not name or len(name) > 32:
        errors["name"] = _("Please enter a name of at most 32 characters.")
    elif kind is None:
        errors["name"] = _("A township's name ends in 街道, 镇 or 乡.")
    pinyin = cell_text(values.get("name_pinyin"))
    if len(pinyin) > 64:
        errors["name_pinyin"] = _("Too long (at most %(max)s characters).", max=64)
    lat, lon = _coordinates(values, "lat", "lon", errors)
    other = Township.id != township.id if township is not None else True
    if "code" not in errors and db.session.scalar(
        select(Township.id).where(Township.code == code, other)
    ):
        errors["code"] = _("Another township already has the code %(code)s.", code=code)
    if "name" not in errors and db.session.scalar(
        select(Township.id).where(Township.name == name, other)
    ):
        errors["name"] = _("Another township already has this name.")
    if township is not None and code != township.code and township.villages:
        errors["code"] = _("Its villages' codes begin with this code: it cannot change.")
    if errors:
        raise PlaceError(errors)
    return dict(code=code, name=name, name_pinyin=pinyin, kind=kind, lat=lat, lon=lon)


def check_village(values: Mapping[str, object], village: Village | None) -> dict:
    """The values to store for a village, or ``PlaceError`` listing every bad field."""
    errors: dict[str, str] = {}
    code = _code(values.get("code"), 12, errors)
    township = None
    if "code" not in errors:
        township = db.session.scalar(select(Township).where(Township.code == code[:9]))
        if township is None:
            errors["code"] = _(
                "No township has the code %(code)s (the village code's first 9 digits).",
                code=code[:9],
            )
    name = cell_text(values.get("name"))
    if not name or len(name) > 32:
        errors["name"] = _("Please enter a name of at most 32 characters.")
    lat, lon = _coordinates(values, "lat", "lon", errors)
    point = cell_text(values.get("collection_point")) or (name + "村委会" if name else "")
    if len(point) > 64:
        errors["collection_point"] = _("Too long (at most %(max)s characters).", max=64)
    if cell_text(values.get("collection_lat")) or cell_text(values.get("collection_lon")):
        collection_lat, collection_lon = _coordinates(
            values, "collection_lat", "collection_lon", errors
        )
    else:  # the collection point is usually the village committee's yard
        collection_lat, collection_lon = lat, lon
    contact = cell_text(values.get("collection_contact")) or None
    if contact and len(contact) > 32:
        errors["collection_contact"] = _("Too long (at most %(max)s characters).", max=32)
    mobile = re.sub(r"[\s-]", "", cell_text(values.get("collection_mobile"))) or None
    if mobile and not MOBILE_RE.match(mobile):
        errors["collection_mobile"] = _("Please enter an 11-digit mobile number.")
    groups_text = cell_text(values.get("group_count")).removesuffix("组") or "1"
    if not (groups_text.isdigit() and 1 <= int(groups_text) <= 99):
        errors["group_count"] = _("The number of groups (组), 1 to 99.")
    other = Village.id != village.id if village is not None else True
    if "code" not in errors and db.session.scalar(
        select(Village.id).where(Village.code == code, other)
    ):
        errors["code"] = _("Another village already has the code %(code)s.", code=code)
    if (
        township is not None
        and "name" not in errors
        and db.session.scalar(
            select(Village.id).where(
                Village.township_id == township.id, Village.name == name, other
            )
        )
    ):
        errors["name"] = _("The township has another village of this name.")
    if errors:
        raise PlaceError(errors)
    return dict(
        code=code,
        township=township,
        name=name,
        lat=lat,
        lon=lon,
        collection_point=point,
        collection_lat=collection_lat,
        collection_lon=collection_lon,
        collection_contact=contact,
        collection_mobile=mobile,
        group_count=int(groups_text),
    )


def write_place(record, values: dict) -> None:
    for key, value in values.items():
        setattr(record, key, value)
    # A coordinate a person entered is a surveyed one.
    record.coord_approximate = False


def _save(model, getter, check, values: Mapping[str, object], record_id: int | None):
    record = getter(record_id) if record_id is not None else None
    checked = check(values, record)
    action = "created" if record is None else "edited"
    if record is None:
        record = model()
        db.session.add(record)
    write_place(record, checked)
    db.session.flush()
    audit.record(
        AuditKind.PLACE,
        action,
        record_id=record.id,
        summary=f"{record.code} {record.name}",
        detail={"table": model.__tablename__},
    )
    return record


@use_case
def save_township(values: Mapping[str, object], township_id: int | None = None) -> Township:
    """Add a township (``township_id`` None) or change one; raises ``PlaceError`` or
    ``NotFoundError``."""
    return _save(Township, get_township, check_township, values, township_id)


@use_case
def save_village(values: Mapping[str, object], village_id: int | None = None) -> Village:
    """Add a village (``village_id`` None) or change one; raises ``PlaceError`` or
    ``NotFoundError``."""
    return _save(Village, get_village, check_village, values, village_id)


@use_case
def set_township_active(township_id: int, active: bool) -> Township:
    """Deactivate or reactivate a township; its villages follow a deactivation."""
    township = get_township(township_id)
    township.active = active
    if not active:
        for village in township.villages:
            village.active = False
    audit.record(
        AuditKind.PLACE,
        "activated" if active else "deactivated",
        record_id=township.id,
        summary=f"{township.code} {township.name}",
        detail={"table": "township"},
    )
    return township


@use_case
def set_village_active(village_id: int, active: bool) -> Village:
    """Deactivate or reactivate a village (reactivating needs an active township)."""
    village = get_village(village_id)
    if active and not village.township.active:
        raise PlaceError({"active": _("Reactivate its township first.")})
    village.active = active
    audit.record(
        AuditKind.PLACE,
        "activated" if active else "deactivated",
        record_id=village.id,
        summary=f"{village.code} {village.name}",
        detail={"table": "village"},
    )
    return village


def get_township(township_id: int) -> Township:
    township = db.session.get(Township, township_id)
    if township is None:
        raise NotFoundError(f"township {township_id}")
    return township


def get_village(village_id: int) -> Village:
    village = db.session.get(Village, village_id)
    if village is None:
        raise NotFoundError(f"village {village_id}")
    return village


@dataclass
class VillageRow:
    village: Village
    households: int


def townships(active_only: bool = False) -> list[Township]:
    stmt = select(Township).order_by(Township.code)
    if active_only:
        stmt = stmt.where(Township.active.is_(True))
    return list(db.session.scalars(stmt))


def villages_query(township_id: int | None = None, search: str = "", active: str = ""):
    """Villages in code order, filtered by township, a name or code fragment, and
    ``active`` ("1" active, "0" inactive, else all)."""
    stmt = select(Village).join(Village.township).order_by(Village.code)
    if township_id:
        stmt = stmt.where(Village.township_id == township_id)
    search = search.strip()
    if search:
        pattern = f"%{search}%"
        stmt = stmt.where(or_(Village.name.like(pattern), Village.code.like(pattern)))
    if active == "1":
        stmt = stmt.where(Village.active.is_(True))
    elif active == "0":
        stmt = stmt.where(Village.active.is_(False))
    return stmt


def household_counts(village_ids: list[int]) -> dict[int, int]:
    if not village_ids:
        return {}
    rows = db.session.execute(
        select(Household.village_id, func.count())
        .where(Household.village_id.in_(village_ids))
        .group_by(Household.village_id)
    )
    return dict(rows.all())
