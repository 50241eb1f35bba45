"""Changing a published day while it runs: a volunteer withdrawn for the rest of the day,
orders added at 10:00. Both are re-planned around what is done.

What is done stays: delivered and failed stops, and each run's done part. Each run that is
still going becomes a solver vehicle that starts where its volunteer is now (the last
marked stop, at the later of that mark and now) or, for a run not started, at home no
earlier than now; a started run that takes more goods goes back to its outlet to load
them. Its own stops not yet done ride only with it. The stops that must find a place (the
withdrawn volunteer's, the added orders') may go to any run loading at their outlet whose
volunteer covers their village.

A run that gains nothing keeps its stops, order and times exactly as published, so its
volunteer is not disturbed. ``propose`` only reads: it returns a proposal (JSON-ready)
that ``proposals.accept`` applies as a new plan version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

import solver
from supply_match import clock
from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    Order,
    OrderLine,
    OrderStatus,
    Outlet,
    RunStatus,
    StopItem,
    StopStatus,
    Volunteer,
)
from supply_match.services.errors import NotFoundError
from supply_match.services.planning.distances import DistanceError, DistanceProvider, provider_for
from supply_match.services.planning.edits import _service_s, _window_of
from supply_match.services.planning.loading import eligible_orders, orders_by_ids, seconds
from supply_match.services.planning.pooling import (
    INCOMPATIBLE_CLASSES,
    PooledStop,
    pool_orders,
)
from supply_match.services.planning.problem import to_pool_orders
from supply_match.services.planning.settings import PlanningError, PlanningSettings
from supply_match.services.planning.vehicles import item_limit, range_m

DAY_S = 24 * 3600


@dataclass(frozen=True)
class DayChange:
    """What the dispatcher asked: withdraw ``volunteer_id`` and/or add ``order_ids``;
    ``now_s`` (seconds after the day's midnight) when the change is made (default: now)."""

    volunteer_id: int | None = None
    order_ids: tuple[int, ...] = ()
    now_s: int | None = None


def now_on(day: date, zone: str) -> int:
    """Seconds after ``day``'s midnight in ``zone`` now: 0 before the day, a day after it."""
    moment = clock.to_zone(clock.now_utc(), zone)
    if moment.date() < day:
        return 0
    if moment.date() > day:
        return DAY_S
    return seconds(moment.time())


def load_plan(day: date) -> DeliveryPlan | None:
    """The day's plan with everything re-planning reads (runs, volunteers and their areas,
    outlets, stops, their villages and goods), in a fixed number of queries: a 2,000-stop
    day loaded one stop at a time costs thousands."""
    runs = selectinload(DeliveryPlan.runs)
    stops = runs.selectinload(DeliveryRun.stops)
    items = stops.selectinload(DeliveryStop.items)
    volunteer = runs.selectinload(DeliveryRun.volunteer)
    return db.session.scalar(
        select(DeliveryPlan)
        .where(DeliveryPlan.delivery_date == day)
        .options(
            volunteer.selectinload(Volunteer.area_townships),
            volunteer.selectinload(Volunteer.area_villages),
            runs.selectinload(DeliveryRun.outlet),
            stops.selectinload(DeliveryStop.village),
            items.selectinload(StopItem.order),
            items.selectinload(StopItem.order_line).selectinload(OrderLine.product),
            selectinload(DeliveryPlan.unassigned),
        )
    )


def _done(stop: DeliveryStop) -> bool:
    return stop.status != StopStatus.PENDING


def _classes(stop: DeliveryStop) -> frozenset[str]:
    return frozenset(item.order_line.product.category for item in stop.items)


@dataclass
class _Places:
    points: list[tuple[float, float]] = field(default_factory=list)
    _index: dict[tuple, int] = field(default_factory=dict)

    def at(self, key: tuple, lat: float, lon: float) -> int:
        if key not in self._index:
            self._index[key] = len(self.points)
            self.points.append((lat, lon))
        return self._index[key]


@dataclass
class _Vehicle:
    """A run still going, as the solver will see it."""

    run: DeliveryRun
    start: int
    start_s: int
    home: int
    outlet: int
    done_path: list[int]
    """Locations of the done part, from home through the outlet to the last marked stop."""


def _mark_s(stop: DeliveryStop, day: date, zone: str) -> int:
    """When the stop was marked, in the day's seconds (its planned departure if unknown)."""
    marked = clock.to_zone(stop.updated_at, zone) if stop.updated_at else None
    if marked is None or marked.date() != day:
        return stop.departure_s
    return seconds(marked.time())


def _vehicle_of(run, places, now_s, day, zone, earlier_end) -> _Vehicle:
    v = run.volunteer
    home = places.at(("home", v.id), v.home_lat, v.home_lon)
    outlet = places.at(("outlet", run.outlet_id), run.outlet.lat, run.outlet.lon)
    done = [s for s in run.stops if _done(s)]
    path = [home, outlet] + [places.at(("stop", s.id), s.lat, s.lon) for s in done]
    if done:
        last = done[-1]
        start, start_s = path[-1], max(now_s, _mark_s(last, day, zone))
    else:
        start, start_s = home, max(now_s, seconds(v.shift_start), earlier_end)
    return _Vehicle(run, start, start_s, home, outlet, path)


def _next_trip_starts(runs: Sequence[DeliveryRun]) -> dict[int, int]:
    """Run id -> when the same volunteer's next trip leaves: a run that takes more goods
    must be back by then."""
    by_volunteer: dict[int, list[DeliveryRun]] = {}
    for run in runs:
        by_volunteer.setdefault(run.volunteer_id, []).append(run)
    starts = {}
    for trips in by_volunteer.values():
        trips.sort(key=lambda r: r.trip)
        for earlier, later in zip(trips, trips[1:], strict=False):
            starts[earlier.id] = later.start_s
    return starts


def _solver_vehicle(vehicle: _Vehicle, distance, next_start: int | None) -> solver.Vehicle:
    v = vehicle.run.volunteer
    end_s = seconds(v.shift_end) if next_start is None else min(seconds(v.shift_end), next_start)
    end_s = max(vehicle.start_s, end_s)
    reach = range_m(v)
    if reach is not None:
        reach = max(0, reach - _path_m(vehicle.done_path, distance))
    return solver.Vehicle(
        id=f"r{vehicle.run.id}",
        start=vehicle.start,
        end=vehicle.home,
        payload_kg=float(v.payload_kg),
        shift=solver.TimeWindow(vehicle.start_s, end_s),
        speed_class=v.vehicle_type,
        outlet=vehicle.outlet,
        max_items=item_limit(v.vehicle_type),
        max_distance_m=reach,
    )


def _path_m(path: Sequence[int], distance) -> int:
    return int(sum(distance[a][b] for a, b in zip(path, path[1:], strict=False)))


@dataclass
class _Moving:
    """A stop that must find a place: a withdrawn volunteer's (``stop``) or a new one."""

    key: str
    outlet_id: int
    village_id: int
    township_id: int
    label: str
    stop: DeliveryStop | None = None
    pooled: PooledStop | None = None


def _job(key, location, outlet, weight, service_s, window, items, priority, classes, vehicles):
    return solver.Job(
        id=key,
        location=location,
        outlet=outlet,
        weight_kg=float(weight),
        service_s=service_s,
        time_windows=(solver.TimeWindow(*window),) if window else (),
        items=items,
        priority=1 + priority,
        classes=classes,
        vehicles=tuple(vehicles),
    )


def _stop_job(stop: DeliveryStop, key: str, places: _Places, outlet: int, vehicles) -> solver.Job:
    priority = max((item.order.priority for item in stop.items), default=0)
    units = sum(int(-(-item.quantity // 1)) for item in stop.items)
    return _job(
        key,
        places.at(("stop", stop.id), stop.lat, stop.lon),
        outlet,
        stop.weight_kg,
        _service_s(stop),
        _window_of(stop),
        units,
        priority,
        _classes(stop),
        vehicles,
    )


def _pooled_job(moving: _Moving, places: _Places, outlet: int, vehicles) -> solver.Job:
    pooled = moving.pooled
    return _job(
        moving.key,
        places.at(("new", moving.key), pooled.lat, pooled.lon),
        outlet,
        pooled.weight_kg,
        pooled.service_s,
        pooled.window_s,
        pooled.units,
        pooled.priority,
        frozenset(pooled.classes),
        vehicles,
    )


def _new_stops(plan: DeliveryPlan, order_ids: Sequence[int], settings) -> list[_Moving]:
    """The added orders pooled into stops (refused when one is not waiting to be planned)."""
    if not order_ids:
        return []
    on_plan = {item.order_id for run in plan.runs for stop in run.stops for item in stop.items}
    orders = orders_by_ids(order_ids)
    found = {o.id for o in orders}
    bad = sorted(
        set(order_ids) - found
        | {o.id for o in orders if o.id in on_plan}
        | {o.id for o in orders if o.status not in (OrderStatus.ALLOCATED, OrderStatus.FAILED)}
    )
    if bad:
        raise PlanningError(
            _(
                "Orders %(ids)s are not waiting for delivery (allocated and on no run): "
                "only those can be added to the day.",
                ids=", ".join(map(str, bad)),
            )
        )
    township_of = {o.household.village_id: o.household.village.township_id for o in orders}
    pooled = pool_orders(to_pool_orders(orders), settings.separate_pesticide)
    return [
        _Moving(f"n{i}", p.outlet_id, p.village_id, township_of[p.village_id], p.label, pooled=p)
        for i, p in enumerate(pooled)
    ]


def _withdrawn_runs(plan: DeliveryPlan, volunteer_id: int | None) -> list[DeliveryRun]:
    if volunteer_id is None:
        return []
    runs = [r for r in plan.runs if r.volunteer_id == volunteer_id]
    if not any(not _done(s) for r in runs for s in r.stops):
        raise PlanningError(_("This volunteer has no stop left to deliver on this day."))
    return runs


def _moving_stops(withdrawn: Sequence[DeliveryRun]) -> list[_Moving]:
    return [
        _Moving(f"s{s.id}", run.outlet_id, s.village_id, s.village.township_id, s.label, stop=s)
        for run in withdrawn
        for s in run.stops
        if not _done(s)
    ]


def validate(plan: DeliveryPlan, change: DayChange, settings: PlanningSettings) -> None:
    """Refuse at once (``PlanningError``) a change with nothing to place: a volunteer with
    no stop left, an order not waiting for delivery."""
    moving = _moving_stops(_withdrawn_runs(plan, change.volunteer_id))
    if not moving and not _new_stops(plan, change.order_ids, settings):
        raise PlanningError(_("Nothing to re-plan: no stop to move and no order to add."))


@dataclass(frozen=True)
class WithdrawalPreview:
    """What withdrawing a volunteer would do, for the confirmation: the stops that will
    move (to be placed on other runs) and how many stay as delivered or failed."""

    volunteer_name: str
    moving: list[DeliveryStop]
    staying: int


def withdrawal_preview(plan: DeliveryPlan, volunteer_id: int) -> WithdrawalPreview:
    """Raises ``NotFoundError`` for a volunteer with no run on the plan."""
    runs = [r for r in plan.runs if r.volunteer_id == volunteer_id]
    if not runs:
        raise NotFoundError()
    stops = [s for r in runs for s in r.stops]
    return WithdrawalPreview(
        runs[0].volunteer.name,
        [s for s in stops if not _done(s)],
        sum(1 for s in stops if _done(s)),
    )


def orders_to_add(plan: DeliveryPlan) -> list[Order]:
    """Orders that may be added to the day: eligible for it and on none of its runs."""
    on_plan = {item.order_id for run in plan.runs for stop in run.stops for item in stop.items}
    return [o for o in eligible_orders(plan.delivery_date) if o.id not in on_plan]


@dataclass
class Built:
    """The re-planning problem and how to read its solution back."""

    problem: solver.Problem
    vehicles: dict[str, _Vehicle]
    moving: dict[str, _Moving]
    withdrawn: list[DeliveryRun]


def build(
    plan: DeliveryPlan,
    change: DayChange,
    settings: PlanningSettings,
    zone: str,
    provider: DistanceProvider | None = None,
) -> Built:
    """The solver's problem for ``change`` (see the module's docstring). Raises
    ``PlanningError`` when there is nothing to place or no run left to take it."""
    withdrawn = _withdrawn_runs(plan, change.volunteer_id)
    moving = _moving_stops(withdrawn) + _new_stops(plan, change.order_ids, settings)
    if not moving:
        raise PlanningError(_("Nothing to re-plan: no stop to move and no order to add."))
    now_s = change.now_s if change.now_s is not None else now_on(plan.delivery_date, zone)
    places = _Places()
    vehicles: dict[str, _Vehicle] = {}
    last_end: dict[int, int] = {}
    for run in sorted(plan.runs, key=lambda r: (r.volunteer_id, r.trip)):
        if run in withdrawn or run.status == RunStatus.FINISHED:
            last_end[run.volunteer_id] = run.end_s
            continue
        vehicle = _vehicle_of(
            run, places, now_s, plan.delivery_date, zone, last_end.get(run.volunteer_id, 0)
        )
        vehicles[f"r{run.id}"] = vehicle
        last_end[run.volunteer_id] = run.end_s
    for run in withdrawn:  # the withdrawn part's distance counts in the figures after
        vehicles.setdefault(
            f"w{run.id}", _vehicle_of(run, places, now_s, plan.delivery_date, zone, 0)
        )
    outlet_at = {
        outlet_id: places.at(("outlet", outlet_id), *point)
        for outlet_id, point in _outlet_points(moving).items()
    }
    jobs = _jobs(vehicles, moving, places, outlet_at)
    live = [v for key, v in vehicles.items() if key.startswith("r")]
    next_start = _next_trip_starts(plan.runs)
    speed_classes = {v.run.volunteer.vehicle_type for v in vehicles.values()} or {"default"}
    try:
        matrices = provider_or_default(provider, settings).matrices(places.points, speed_classes)
    except DistanceError as error:
        raise PlanningError(str(error)) from None
    problem = solver.Problem(
        locations=[solver.Location(str(i), lat, lon) for i, (lat, lon) in enumerate(places.points)],
        distance_m=matrices.distance_m,
        duration_s=matrices.duration_s,
        vehicles=[_solver_vehicle(v, matrices.distance_m, next_start.get(v.run.id)) for v in live],
        jobs=jobs,
        incompatible=INCOMPATIBLE_CLASSES if settings.separate_pesticide else (),
        # A stop stays one stop: a published stop cannot be shared between two runs.
        split_oversized=False,
    )
    return Built(problem, vehicles, {m.key: m for m in moving}, withdrawn)


def provider_or_default(provider, settings) -> DistanceProvider:
    return provider or provider_for(settings.circuity, remember=False)


def _outlet_points(moving: Sequence[_Moving]) -> dict[int, tuple[float, float]]:
    outlets = db.session.scalars(select(Outlet).where(Outlet.id.in_({m.outlet_id for m in moving})))
    return {o.id: (o.lat, o.lon) for o in outlets}


def _jobs(vehicles, moving, places, outlet_at) -> list[solver.Job]:
    jobs = []
    for key, vehicle in vehicles.items():
        if not key.startswith("r"):
            continue
        for stop in vehicle.run.stops:
            if not _done(stop):
                jobs.append(_stop_job(stop, f"s{stop.id}", places, vehicle.outlet, (key,)))
    for m in moving:
        allowed = [
            key
            for key, v in vehicles.items()
            if key.startswith("r")
            and v.run.outlet_id == m.outlet_id
            and v.run.volunteer.covers(m.village_id, m.township_id)
        ]
        # No run may take it: still a job (the solver names why), riding with nobody.
        allowed = allowed or ["-"]
        if m.stop is not None:
            jobs.append(_stop_job(m.stop, m.key, places, outlet_at[m.outlet_id], allowed))
        else:
            jobs.append(_pooled_job(m, places, outlet_at[m.outlet_id], allowed))
    return jobs


def solve(built: Built, settings: PlanningSettings) -> solver.Solution:
    """Solve and check; raises ``PlanningError`` when the checker finds a violation."""
    solution = solver.solve(built.problem, settings.limits())
    verdict = solver.check(built.problem, solution)
    if not verdict.ok:
        raise PlanningError(
            _(
                "The plan failed its check: %(problems)s",
                problems="; ".join(verdict.violations[:3]),
            )
        )
    return solution


def propose(
    plan: DeliveryPlan,
    change: DayChange,
    settings: PlanningSettings,
    zone: str,
    provider: DistanceProvider | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> dict:
    """Re-plan the rest of the day for ``change``: the proposal (JSON-ready), nothing
    written. Raises ``PlanningError`` when it cannot be planned."""
    from supply_match.services.planning import proposal_figures

    progress = progress or (lambda percent, message: None)
    built = build(plan, change, settings, zone, provider)
    progress(20, _("Re-planning the rest of the day"))
    solution = solve(built, settings)
    progress(90, _("Comparing the plans"))
    return proposal_figures.proposal(plan, change, built, solution)
