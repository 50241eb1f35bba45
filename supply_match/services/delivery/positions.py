"""Where volunteers are, with their consent: a phone whose volunteer turned sharing on
sends its position with its updates while the page is open and online; the board shows
each volunteer's last position and when it was seen.

Only the last position is kept (one row per volunteer, never a track), at most one every
``MIN_INTERVAL_S``; positions from before the county's today are deleted by
``forget_old_positions``, which the worker runs when it starts and every position post
runs first, so yesterday's whereabouts never outlive the day.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from supply_match.extensions import db
from supply_match.models import DeliveryPlan, DeliveryRun, Volunteer, VolunteerPosition
from supply_match.models._types import utcnow
from supply_match.services.county import settings as county_settings
from supply_match.services.unit_of_work import unit_of_work, use_case

MIN_INTERVAL_S = 30
MAX_ACCURACY_M = 100_000


def _number(value: object, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and low <= number <= high else None


def read_position(position: object) -> tuple[float, float, int | None] | None:
    """``{"lat": .., "lon": .., "accuracy_m": ..}`` as the phone sent it, checked: WGS-84
    degrees in range, an optional accuracy in metres up to 100 km. None for anything else
    (text, booleans, NaN, out of range, a missing coordinate)."""
    if not isinstance(position, dict):
        return None
    lat = _number(position.get("lat"), -90, 90)
    lon = _number(position.get("lon"), -180, 180)
    if lat is None or lon is None:
        return None
    accuracy = position.get("accuracy_m")
    if accuracy is not None:
        accuracy = _number(accuracy, 0, MAX_ACCURACY_M)
        if accuracy is None:
            return None
        accuracy = round(accuracy)
    return lat, lon, accuracy


def _start_of_today_utc() -> datetime:
    """The county's midnight today, as a naive UTC moment (how the database keeps time)."""
    now_local = county_settings.county_now()
    midnight_local = datetime.combine(now_local.date(), datetime.min.time())
    return utcnow() - (now_local - midnight_local)


def _forget_before(moment: datetime) -> int:
    result = db.session.execute(
        delete(VolunteerPosition).where(VolunteerPosition.received_at < moment)
    )
    return result.rowcount or 0


@use_case
def forget_old_positions() -> int:
    """Delete every position received before the county's today; returns how many."""
    return _forget_before(_start_of_today_utc())


def record_from_phone(volunteer: Volunteer, position: object) -> str:
    """Keep the phone's position as the volunteer's last one, in its own transaction.
    Answers ``kept``, ``too_soon`` (one kept less than ``MIN_INTERVAL_S`` ago: nothing
    written) or ``invalid`` (``read_position`` refused it)."""
    read = read_position(position)
    if read is None:
        return "invalid"
    lat, lon, accuracy = read
    now = utcnow()
    try:
        with unit_of_work():
            _forget_before(_start_of_today_utc())
            row = db.session.scalar(
                select(VolunteerPosition).where(VolunteerPosition.volunteer_id == volunteer.id)
            )
            if row is not None and now - row.received_at < timedelta(seconds=MIN_INTERVAL_S):
                return "too_soon"
            if row is None:
                row = VolunteerPosition(volunteer_id=volunteer.id)
                db.session.add(row)
            row.lat, row.lon, row.accuracy_m = lat, lon, accuracy
            row.seen_at = row.received_at = now
    except IntegrityError:
        return "too_soon"  # a second tab kept one at the same moment
    return "kept"


def positions_for_plan(plan: DeliveryPlan) -> dict[int, VolunteerPosition]:
    """Volunteer id -> their last position seen today, for the volunteers of ``plan``'s
    runs (one query)."""
    volunteers = select(DeliveryRun.volunteer_id).where(DeliveryRun.plan_id == plan.id)
    statement = select(VolunteerPosition).where(
        VolunteerPosition.volunteer_id.in_(volunteers),
        VolunteerPosition.received_at >= _start_of_today_utc(),
    )
    return {row.volunteer_id: row for row in db.session.scalars(statement)}
