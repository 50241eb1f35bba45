"""Hand edits to a draft or published plan: move a stop to another run or another place in
its run, lock stops and runs. Every edit re-times the runs it touches and is checked
against payload, time windows and shifts; what breaks a rule comes back as warnings, which
the dispatcher sees before saving."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from supply_match.extensions import db
from supply_match.models import (
    DeliveryRun,
    DeliveryStop,
    Order,
    PlanChange,
    PlanStatus,
    RunStatus,
    StopStatus,
    User,
)
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.documents import route_sheets
from supply_match.services.planning.distances import DistanceError, provider_for
from supply_match.services.planning.loading import seconds
from supply_match.services.planning.pooling import BASE_SERVICE_S, MAX_SERVICE_S, SERVICE_PER_UNIT_S
from supply_match.services.unit_of_work import use_case


class EditRefused(ValueError):
    """The edit breaks a hard rule (locked, started, another outlet); nothing changed."""


@dataclass(frozen=True)
class EditWarning:
    run_id: int
    message: str


class MoveNotConfirmed(Exception):
    """The move would break soft rules (``warnings``) and was not confirmed: it was rolled
    back, to be shown to the dispatcher and saved only once they confirm."""

    def __init__(self, warnings: list[EditWarning]) -> None:
        super().__init__("; ".join(w.message for w in warnings))
        self.warnings = warnings


def _service_s(stop: DeliveryStop) -> int:
    units = sum(int(-(-item.quantity // 1)) for item in stop.items)
    return min(MAX_SERVICE_S, BASE_SERVICE_S + SERVICE_PER_UNIT_S * units)


def retime(run: DeliveryRun, circuity: float | None = None) -> list[EditWarning]:
    """Recompute arrivals, distance, duration and load of ``run``; return broken rules."""
    volunteer = run.volunteer
    circuity = circuity or run.plan.settings.get("circuity", 1.4)
    points = [(volunteer.home_lat, volunteer.home_lon), (run.outlet.lat, run.outlet.lon)]
    points += [(stop.lat, stop.lon) for stop in run.stops]
    points.append((volunteer.home_lat, volunteer.home_lon))
    try:
        # Inside the edit's transaction: read stored legs, write none.
        matrices = provider_for(circuity, remember=False).matrices(points, [volunteer.vehicle_type])
    except DistanceError as error:
        raise EditRefused(str(error)) from None
    warnings = _time_stops(run, matrices.distance_m, matrices.duration_s[volunteer.vehicle_type])
    run.duration_s = run.end_s - run.start_s
    run.load_kg = sum((stop.weight_kg for stop in run.stops), Decimal(0))
    warnings += _limit_warnings(run)
    warnings += _trip_overlaps(run)
    return warnings


def _time_stops(run: DeliveryRun, distance, travel) -> list[EditWarning]:
    """Walk home -> outlet -> stops -> home (indices of ``distance`` and ``travel``),
    setting each stop's arrival and departure and the run's start, end and distance;
    a stop reached after its window closes is a warning."""
    clock = max(seconds(run.volunteer.shift_start), run.start_s or 0)
    run.start_s = clock
    total_m = int(distance[0][1])
    clock += int(travel[0][1])
    previous = 1
    warnings: list[EditWarning] = []
    for index, stop in enumerate(run.stops, start=2):
        clock += int(travel[previous][index])
        total_m += int(distance[previous][index])
        window = _window_of(stop)
        if window and clock < window[0]:
            clock = window[0]
        if window and clock > window[1]:
            warnings.append(
                EditWarning(
                    run.id,
                    _(
                        "Stop %(number)d %(label)s: arrives about %(arrival)s, later than"
                        " the %(latest)s asked for",
                        number=stop.position + 1,
                        label=stop.label,
                        arrival=_hhmm(clock),
                        latest=_hhmm(window[1]),
                    ),
                )
            )
        stop.arrival_s = clock
        clock += _service_s(stop)
        stop.departure_s = clock
        previous = index
    last = len(run.stops) + 2
    run.end_s = clock + int(travel[previous][last])
    run.distance_m = total_m + int(distance[previous][last])
    return warnings


def _limit_warnings(run: DeliveryRun) -> list[EditWarning]:
    """The run's load over its vehicle's payload, and its return after the shift ends."""
    volunteer = run.volunteer
    warnings: list[EditWarning] = []
    if run.load_kg > volunteer.payload_kg:
        warnings.append(
            EditWarning(
                run.id,
                _(
                    "%(name)s: load %(load)s kg exceeds the vehicle's %(payload)s kg payload",
                    name=volunteer.name,
                    load=run.load_kg,
                    payload=volunteer.payload_kg,
                ),
            )
        )
    if run.end_s > seconds(volunteer.shift_end):
        warnings.append(
            EditWarning(
                run.id,
                _(
                    "%(name)s: back about %(end)s, after the shift ends at %(shift_end)s",
                    name=volunteer.name,
                    end=_hhmm(run.end_s),
                    shift_end=_hhmm(seconds(volunteer.shift_end)),
                ),
            )
        )
    return warnings


def _trip_overlaps(run: DeliveryRun) -> list[EditWarning]:
    """A volunteer's trips follow one another: a longer trip must not run into the next."""
    trips = sorted(
        (r for r in run.plan.runs if r.volunteer_id == run.volunteer_id), key=lambda r: r.trip
    )
    warnings = []
    for earlier, later in zip(trips, trips[1:], strict=False):
        if run in (earlier, later) and earlier.end_s > later.start_s:
            warnings.append(
                EditWarning(
                    run.id,
                    _(
                        "%(name)s: trip %(earlier)d ends about %(end)s, after trip %(later)d"
                        " should start at %(start)s",
                        name=run.volunteer.name,
                        earlier=earlier.trip,
                        later=later.trip,
                        end=_hhmm(earlier.end_s),
                        start=_hhmm(later.start_s),
                    ),
                )
            )
    return warnings


def _hhmm(value: int) -> str:
    return f"{value // 3600:02d}:{value % 3600 // 60:02d}"


def _window_of(stop: DeliveryStop) -> tuple[int, int] | None:
    windows = []
    for item in stop.items:
        order: Order = item.order
        if order.window_start is not None:
            windows.append((seconds(order.window_start), seconds(order.window_end)))
    if not windows:
        return None
    return max(w[0] for w in windows), min(w[1] for w in windows)


def _editable(run: DeliveryRun) -> None:
    if run.status != RunStatus.PLANNED:
        raise EditRefused(
            _(
                "%(name)s has started delivering; this run can no longer change.",
                name=run.volunteer.name,
            )
        )
    if run.locked:
        raise EditRefused(_("%(name)s's run is locked; unlock it first.", name=run.volunteer.name))


@use_case
def move_stop(
    stop: DeliveryStop,
    target: DeliveryRun,
    position: int,
    user: User | None = None,
    *,
    confirmed: bool = True,
    site_url: str | None = None,
) -> list[EditWarning]:
    """Move ``stop`` to ``target`` at ``position`` (0-based), re-time both runs and commit;
    returns the warnings (payload, windows, shifts). The route sheets are queued with links
    under ``site_url``.

    Raises ``EditRefused`` for a move no rule allows, and ``MoveNotConfirmed`` (nothing
    saved) when the move has warnings and ``confirmed`` is false."""
    source = stop.run
    if target.plan_id != source.plan_id:
        raise EditRefused(_("A stop can only move within the same day's plan."))
    if stop.status != StopStatus.PENDING:
        raise EditRefused(_("This stop is already delivered or marked failed; it cannot move."))
    if stop.locked:
        raise EditRefused(_("This stop is locked; unlock it first."))
    _editable(source)
    _editable(target)
    if target.outlet_id != source.outlet_id:
        raise EditRefused(
            _(
                "These goods load at %(outlet)s; the stop can only move to a run loading there.",
                outlet=source.outlet.name,
            )
        )
    # Renumber instead of moving the object between collections, which would make it an
    # orphan of its old run for a moment.
    target_order = [s for s in target.stops if s is not stop]
    position = max(0, min(position, len(target_order)))
    target_order.insert(position, stop)
    if source is not target:
        for index, each in enumerate(s for s in source.stops if s is not stop):
            each.position = index
    for index, each in enumerate(target_order):
        each.position = index
    stop.run_id = target.id
    db.session.flush()
    db.session.expire(source, ["stops"])
    db.session.expire(target, ["stops"])
    db.session.expire(stop, ["run"])
    warnings = retime(target)
    if source is not target:
        warnings += retime(source)
    # Volunteers see the change once the dispatcher publishes again.
    source.plan.status = PlanStatus.DRAFT
    source.plan.changes.append(
        PlanChange(
            user=user,
            action="moved_stop",
            detail={
                "stop_id": stop.id,
                "from_run": source.id,
                "to_run": target.id,
                "position": position,
                "warnings": [w.message for w in warnings],
            },
        )
    )
    db.session.flush()
    audit.record(
        AuditKind.STOP,
        "moved",
        record_id=stop.id,
        actor=user,
        summary=f"{stop.label}: {source.volunteer.name} → {target.volunteer.name}",
        detail={"from_run": source.id, "to_run": target.id, "position": position},
    )
    if warnings and not confirmed:
        raise MoveNotConfirmed(warnings)
    route_sheets.queue_sheets(source.plan, site_url)
    return warnings


@use_case
def set_locked(target: DeliveryRun | DeliveryStop, locked: bool, user: User | None = None) -> None:
    """Lock or unlock a run or a stop (re-optimizing keeps what is locked), committed."""
    target.locked = locked
    plan = target.plan if isinstance(target, DeliveryRun) else target.run.plan
    kind = "run" if isinstance(target, DeliveryRun) else "stop"
    plan.changes.append(
        PlanChange(user=user, action="locked" if locked else "unlocked", detail={kind: target.id})
    )
    db.session.flush()
    name = target.volunteer.name if kind == "run" else target.label
    audit.record(
        AuditKind(kind),
        "locked" if locked else "unlocked",
        record_id=target.id,
        actor=user,
        summary=f"{plan.delivery_date.isoformat()} {name}",
    )
