"""The one clock the application reads, so that a test can set the time.

``now_utc()`` is the real UTC time unless the app's ``CLOCK_NOW`` setting holds a fixed
moment (a naive UTC ``datetime`` or an ISO string), which is what the time-zone tests do
instead of faking the operating system's clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def now_utc() -> datetime:
    """The current moment in UTC, naive (as the database stores it)."""
    fixed = current_app.config.get("CLOCK_NOW") if has_app_context() else None
    if fixed:
        moment = datetime.fromisoformat(fixed) if isinstance(fixed, str) else fixed
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment
    return datetime.now(UTC).replace(tzinfo=None)


def to_zone(moment: datetime, zone: str) -> datetime:
    """A naive UTC moment as the wall-clock time in ``zone`` (naive)."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def today_in(zone: str) -> date:
    """The calendar date in ``zone`` now."""
    return to_zone(now_utc(), zone).date()
