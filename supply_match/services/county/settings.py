"""The county's own settings: its name and code, the service's title, its time zone and
the defaults of a delivery day.

A fresh database has no settings row: ``current()`` then answers the defaults (a county
that has not been set up yet), and ``is_configured()`` tells the setup checklist so.
Every "today" and every clock time the application shows is the county's, through
``county_today()`` and ``county_time()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app, g, has_app_context
from sqlalchemy import select

from supply_match import clock
from supply_match.extensions import db
from supply_match.models import CountySettings
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.county.accounts import N_
from supply_match.services.unit_of_work import use_case

SETTINGS_ID = 1
DEFAULT_TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Settings:
    """The settings as the rest of the application reads them (never a live row)."""

    county_code: str = ""
    county_name: str = ""
    service_title: str = ""
    time_zone: str = DEFAULT_TIME_ZONE
    default_shift_start: time = time(8, 0)
    default_shift_end: time = time(17, 0)
    keep_pesticide_apart: bool = True
    circuity: float = 1.4
    configured: bool = False


class SettingsError(ValueError):
    """The settings were refused; ``errors`` maps field names to English msgids."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def _defaults() -> Settings:
    circuity = 1.4
    if has_app_context():
        circuity = float(current_app.config.get("PLANNING_CIRCUITY", 1.4))
    return Settings(circuity=circuity)


def _from_row(row: CountySettings) -> Settings:
    return Settings(
        county_code=row.county_code,
        county_name=row.county_name,
        service_title=row.service_title,
        time_zone=row.time_zone,
        default_shift_start=row.default_shift_start,
        default_shift_end=row.default_shift_end,
        keep_pesticide_apart=row.keep_pesticide_apart,
        circuity=row.circuity,
        configured=True,
    )


def current() -> Settings:
    """The county's settings, read once per request (or app context)."""
    if has_app_context() and "county_settings" in g:
        return g.county_settings
    row = db.session.get(CountySettings, SETTINGS_ID) if has_app_context() else None
    settings = _from_row(row) if row is not None else _defaults()
    if has_app_context():
        g.county_settings = settings
    return settings


def forget_cached() -> None:
    if has_app_context():
        g.pop("county_settings", None)


def county_today():
    """Today's date in the county."""
    return clock.today_in(current().time_zone)


def county_now() -> datetime:
    """The county's wall-clock time now (naive)."""
    return clock.to_zone(clock.now_utc(), current().time_zone)


def county_time(moment: datetime | None) -> datetime | None:
    """A stored (naive UTC) moment as the county's wall-clock time."""
    if moment is None:
        return None
    return clock.to_zone(moment, current().time_zone)


def time_zone_choices() -> list[str]:
    return sorted(zone for zone in available_timezones() if "/" in zone)


def _parse_time(value: str) -> time | None:
    try:
        return datetime.strptime(value.strip().replace("：", ":"), "%H:%M").time()
    except (ValueError, AttributeError):
        return None


@use_case
def save_settings(
    *,
    county_code: str,
    county_name: str,
    service_title: str,
    time_zone: str,
    default_shift_start: str,
    default_shift_end: str,
    keep_pesticide_apart: bool,
    circuity: str,
) -> Settings:
    """Check and store the county's settings (all of them, or none on any error).

    Raises ``SettingsError`` naming every refused field. Once townships exist the county
    code cannot change, since every place code begins with it.
    """
    errors: dict[str, str] = {}
    county_code = (county_code or "").strip()
    county_name = (county_name or "").strip()
    service_title = (service_title or "").strip()
    time_zone = (time_zone or "").strip()
    if not (county_code.isdigit() and len(county_code) == 6):
        errors["county_code"] = N_("The county's code has 6 digits, e.g. 500243.")
    if not county_name or len(county_name) > 32:
        errors["county_name"] = N_("Please enter the county's name (at most 32 characters).")
    if not service_title or len(service_title) > 40:
        errors["service_title"] = N_("Please enter the service's title (at most 40 characters).")
    try:
        ZoneInfo(time_zone)
        if "/" not in time_zone:
            raise ZoneInfoNotFoundError(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = N_("Unknown time zone; choose one such as Asia/Shanghai.")
    start, end = _parse_time(default_shift_start), _parse_time(default_shift_end)
    if start is None:
        errors["default_shift_start"] = N_("Write a time as 08:00.")
    if end is None:
        errors["default_shift_end"] = N_("Write a time as 08:00.")
    elif start is not None and end <= start:
        errors["default_shift_end"] = N_("The shift must end after it starts.")
    try:
        circuity_value = float(str(circuity).strip())
        if not 1 <= circuity_value <= 3:
            raise ValueError
    except ValueError:
        errors["circuity"] = N_("A circuity factor between 1.0 and 3.0, e.g. 1.4.")
        circuity_value = 1.4
    row = db.session.get(CountySettings, SETTINGS_ID)
    if row is not None and row.county_code != county_code and "county_code" not in errors:
        from supply_match.models import Township

        if db.session.scalar(select(Township.id).limit(1)) is not None:
            errors["county_code"] = N_(
                "Townships are entered already: their codes begin with the county's code, "
                "so it cannot change."
            )
    if errors:
        raise SettingsError(errors)
    if row is None:
        row = CountySettings(id=SETTINGS_ID)
        db.session.add(row)
    row.county_code = county_code
    row.county_name = county_name
    row.service_title = service_title
    row.time_zone = time_zone
    row.default_shift_start = start
    row.default_shift_end = end
    row.keep_pesticide_apart = bool(keep_pesticide_apart)
    row.circuity = circuity_value
    row.updated_at = clock.now_utc()
    db.session.flush()
    audit.record(
        AuditKind.SETTINGS,
        "saved",
        summary=f"{county_name} {county_code} {time_zone}",
        detail={"circuity": circuity_value, "keep_pesticide_apart": bool(keep_pesticide_apart)},
    )
    forget_cached()
    return _from_row(row)
