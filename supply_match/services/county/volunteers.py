"""Volunteers (党员志愿者) and their vehicles as the county enters them: by form, from a
sheet, through the API, or by approving a sign-up (services/county/signup.py).

A volunteer lives in a village, which gives their township and, unless their own point
is entered, where their runs start. Mobiles are unique among volunteers. A volunteer is
never deleted: deactivating one with published runs ahead needs a confirmation that
names those runs, which stay as published (the dispatcher moves their stops).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    PlanStatus,
    VehicleType,
    Village,
    Volunteer,
)
from supply_match.models.audit import AuditKind
from supply_match.models.volunteer import ALL_DAYS as ALL_DAYS_MASK
from supply_match.services import audit
from supply_match.services.county import settings as county_settings
from supply_match.services.county.places import cell_text
from supply_match.services.errors import NotFoundError
from supply_match.services.unit_of_work import use_case

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
MAX_PAYLOAD_KG = 10_000
# What a sheet may write for each vehicle type, besides its code.
VEHICLE_WORDS = {
    "电动三轮车": VehicleType.ELECTRIC_TRICYCLE,
    "电三轮": VehicleType.ELECTRIC_TRICYCLE,
    "农用三轮车": VehicleType.MOTOR_TRICYCLE,
    "三轮车": VehicleType.MOTOR_TRICYCLE,
    "摩托车": VehicleType.MOTORCYCLE,
    "微型面包车": VehicleType.MINIVAN,
    "面包车": VehicleType.MINIVAN,
    "皮卡": VehicleType.PICKUP,
    "轻型货车": VehicleType.LIGHT_TRUCK,
    "货车": VehicleType.LIGHT_TRUCK,
    # The English labels, as an English sheet writes them (compared in lower case).
    "electric tricycle": VehicleType.ELECTRIC_TRICYCLE,
    "motor tricycle": VehicleType.MOTOR_TRICYCLE,
    "motorcycle": VehicleType.MOTORCYCLE,
    "minivan": VehicleType.MINIVAN,
    "pickup": VehicleType.PICKUP,
    "light truck": VehicleType.LIGHT_TRUCK,
}
EVERY_DAY_WORDS = ("每天", "全部", "全周", "every day", "daily")
WEEKDAY_WORDS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


class VolunteerError(ValueError):
    """A volunteer's details were refused; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def parse_duty_days(value: object) -> int | None:
    """A bit mask (bit 0 Monday) from a list of weekday numbers 0-6, or from text such as
    "每天", "一三五", "周一至周五" or "1,3,5" (1 is Monday); None when unreadable."""
    if isinstance(value, list | tuple | set):
        try:
            days = {int(day) for day in value}
        except ValueError:
            return None
        if not days or not days <= set(range(7)):
            return None
        return sum(1 << day for day in days)
    text = cell_text(value).replace("周", "").replace("星期", "")
    if text in ("", *EVERY_DAY_WORDS) or text.lower() in EVERY_DAY_WORDS:
        return ALL_DAYS_MASK if text else None
    ranged = re.fullmatch(
        r"([一二三四五六日天1-7])\s*(?:至|到|-|~)\s*([一二三四五六日天1-7])", text
    )
    if ranged:
        start, end = (_weekday(part) for part in ranged.groups())
        if start > end:
            return None
        return sum(1 << day for day in range(start, end + 1))
    days = set()
    for char in re.sub(r"[\s,，、;；]", "", text):
        if char not in WEEKDAY_WORDS and not ("1" <= char <= "7"):
            return None
        days.add(_weekday(char))
    return sum(1 << day for day in days) or None


def _weekday(char: str) -> int:
    return WEEKDAY_WORDS[char] if char in WEEKDAY_WORDS else int(char) - 1


def _time(value: object, default: time) -> time | None:
    if isinstance(value, time):
        return value
    text = cell_text(value).replace("：", ":")
    if not text:
        return default
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        return None


def _village(value: object) -> Village | None:
    """A village by id (a form's choice) or by 12-digit code (a sheet)."""
    text = cell_text(value)
    if len(text) == 12 and text.isdigit():
        return db.session.scalar(select(Village).where(Village.code == text))
    if text.isdigit():
        return db.session.get(Village, int(text))
    return None


def check_volunteer(values: Mapping[str, object], volunteer: Volunteer | None) -> dict:
    """The values to store for a volunteer, or ``VolunteerError`` listing every bad field.

    ``values``: name, mobile, party_branch, village (id or code), vehicle_type (code or
    Chinese word), plate, payload_kg, shift_start, shift_end ("08:00"; the county's
    default shift when blank), duty_days (weekday numbers or text), and optionally
    home_lat/home_lon (WGS-84; the village's point when blank).
    """
    errors: dict[str, str] = {}
    name = cell_text(values.get("name"))
    if not name or len(name) > 32:
        errors["name"] = _("Please enter a name of at most 32 characters.")
    mobile = re.sub(r"[\s-]", "", cell_text(values.get("mobile")))
    if not MOBILE_RE.match(mobile):
        errors["mobile"] = _("Please enter an 11-digit mobile number.")
    else:
        other = Volunteer.id != volunteer.id if volunteer is not None else True
        taken = db.session.scalar(select(Volunteer.name).where(Volunteer.mobile == mobile, other))
        if taken:
            errors["mobile"] = _(
                "The volunteer %(name)s already has the mobile %(mobile)s.",
                name=taken,
                mobile=mobile,
            )
    branch = cell_text(values.get("party_branch"))
    if not branch or len(branch) > 64:
        errors["party_branch"] = _("Please enter the party branch (at most 64 characters).")
    village = _village(values.get("village"))
    # A volunteer entered before villages were asked for keeps their township.
    legacy = (
        village is None
        and volunteer is not None
        and volunteer.home_village_id is None
        and not cell_text(values.get("village"))
    )
    if village is None and not legacy:
        errors["village"] = _("Please choose the village the volunteer lives in.")
    elif village is not None and not village.active:
        errors["village"] = _("The village %(name)s is deactivated.", name=village.name)
    vehicle_text = cell_text(values.get("vehicle_type"))
    vehicle = (
        VEHICLE_WORDS.get(vehicle_text)
        or VEHICLE_WORDS.get(vehicle_text.lower())
        or (vehicle_text if vehicle_text in {str(v) for v in VehicleType} else None)
    )
    if vehicle is None:
        errors["vehicle_type"] = _(
            "Please choose a vehicle type (电动三轮车, 农用三轮车, 摩托车, 微型面包车, 皮卡, 轻型货车)."
        )
    plate = cell_text(values.get("plate")) or None
    if plate and len(plate) > 16:
        errors["plate"] = _("Too long (at most %(max)s characters).", max=16)
    payload_text = cell_text(values.get("payload_kg")).lower().removesuffix("kg").strip()
    try:
        payload = int(float(payload_text))
        if not 0 < payload <= MAX_PAYLOAD_KG or payload != float(payload_text):
            raise ValueError
    except ValueError:
        errors["payload_kg"] = _("The payload in whole kilograms, 1 to 10000.")
        payload = None
    county = county_settings.current()
    start = _time(values.get("shift_start"), county.default_shift_start)
    end = _time(values.get("shift_end"), county.default_shift_end)
    if start is None:
        errors["shift_start"] = _("Please enter a time such as 08:00.")
    if end is None:
        errors["shift_end"] = _("Please enter a time such as 08:00.")
    elif start is not None and end <= start:
        errors["shift_end"] = _("The shift must end after it starts.")
    duty_days = parse_duty_days(values.get("duty_days"))
    if duty_days is None:
        errors["duty_days"] = _("Please give at least one duty day (e.g. 每天 or 一三五).")
    home_lat, home_lon = _home(values, village, errors)
    if legacy and home_lat is None:
        home_lat, home_lon = volunteer.home_lat, volunteer.home_lon
    if errors:
        raise VolunteerError(errors)
    return dict(
        name=name,
        mobile=mobile,
        party_branch=branch,
        home_village=village,
        township_id=village.township_id if village is not None else volunteer.township_id,
        vehicle_type=str(vehicle),
        plate=plate,
        payload_kg=payload,
        shift_start=start,
        shift_end=end,
        duty_days=duty_days,
        home_lat=home_lat,
        home_lon=home_lon,
    )


def _home(values, village: Village | None, errors: dict) -> tuple[float | None, float | None]:
    lat_text, lon_text = cell_text(values.get("home_lat")), cell_text(values.get("home_lon"))
    if not lat_text and not lon_text:
        return (village.lat, village.lon) if village is not None else (None, None)
    try:
        lat, lon = float(lat_text), float(lon_text)
        if not (18 <= lat <= 54 and 73 <= lon <= 136):
            raise ValueError
    except ValueError:
        errors["home_lat"] = _("Please enter a latitude in China, for example 29.29.")
        return None, None
    return lat, lon


def get_volunteer(volunteer_id: int) -> Volunteer:
    volunteer = db.session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFoundError(f"volunteer {volunteer_id}")
    return volunteer


def write_volunteer(volunteer: Volunteer, values: dict) -> None:
    for key, value in values.items():
        setattr(volunteer, key, value)


@use_case
def save_volunteer(values: Mapping[str, object], volunteer_id: int | None = None) -> Volunteer:
    """Add a volunteer (``volunteer_id`` None) or change one; raises ``VolunteerError`` or
    ``NotFoundError``."""
    volunteer = get_volunteer(volunteer_id) if volunteer_id is not None else None
    checked = check_volunteer(values, volunteer)
    action = "created" if volunteer is None else "edited"
    if volunteer is None:
        volunteer = Volunteer(active=True)
        db.session.add(volunteer)
    write_volunteer(volunteer, checked)
    db.session.flush()
    audit.record(
        AuditKind.VOLUNTEER,
        action,
        record_id=volunteer.id,
        summary=f"{volunteer.name} {volunteer.mobile}",
    )
    return volunteer


def runs_ahead(volunteer_id: int) -> list[DeliveryRun]:
    """The volunteer's runs on published plans from the county's today on."""
    return list(
        db.session.scalars(
            select(DeliveryRun)
            .join(DeliveryRun.plan)
            .where(
                DeliveryRun.volunteer_id == volunteer_id,
                DeliveryPlan.status == PlanStatus.PUBLISHED,
                DeliveryPlan.delivery_date >= county_settings.county_today(),
            )
            .order_by(DeliveryPlan.delivery_date, DeliveryRun.trip)
        )
    )


class RunsAhead(Exception):
    """Deactivating was not confirmed while the volunteer has published runs ahead."""

    def __init__(self, runs: list[DeliveryRun]):
        self.runs = runs
        super().__init__(f"{len(runs)} published runs ahead")


@use_case
def set_volunteer_active(volunteer_id: int, active: bool, confirmed: bool = False) -> Volunteer:
    """Deactivate or reactivate a volunteer. Deactivating one with published runs ahead
    raises ``RunsAhead`` (listing them) unless ``confirmed``."""
    volunteer = get_volunteer(volunteer_id)
    if not active and not confirmed:
        ahead = runs_ahead(volunteer_id)
        if ahead:
            raise RunsAhead(ahead)
    volunteer.active = active
    audit.record(
        AuditKind.VOLUNTEER,
        "activated" if active else "deactivated",
        record_id=volunteer.id,
        summary=f"{volunteer.name} {volunteer.mobile}",
    )
    return volunteer


def volunteers_query(
    township_id: int | None = None,
    vehicle_type: str = "",
    weekday: int | None = None,
    active: str = "1",
    search: str = "",
):
    """Volunteers by name, filtered by township, vehicle type, a duty weekday (0 Monday)
    and ``active`` ("1" active, "0" inactive, else all)."""
    stmt = select(Volunteer).order_by(Volunteer.township_id, Volunteer.name)
    if township_id:
        stmt = stmt.where(Volunteer.township_id == township_id)
    if vehicle_type:
        stmt = stmt.where(Volunteer.vehicle_type == vehicle_type)
    if weekday is not None and 0 <= weekday <= 6:
        stmt = stmt.where(Volunteer.duty_days.op("&")(1 << weekday) != 0)
    if active == "1":
        stmt = stmt.where(Volunteer.active.is_(True))
    elif active == "0":
        stmt = stmt.where(Volunteer.active.is_(False))
    search = search.strip()
    if search:
        stmt = stmt.where(Volunteer.name.like(f"%{search}%") | Volunteer.mobile.like(f"%{search}%"))
    return stmt


def duty_day_numbers(mask: int) -> list[int]:
    return [day for day in range(7) if mask >> day & 1]


def duty_days_text(mask: int) -> str:
    """The mask as a sheet writes it: 每天, or the weekdays such as 一三五."""
    if mask == ALL_DAYS_MASK:
        return "每天"
    return "".join("一二三四五六日"[day] for day in duty_day_numbers(mask))
