"""Planning a delivery day: the day's allocated orders and the volunteers on duty become a
solver problem; the solution becomes a draft plan of runs, stops and unassigned orders.

Nothing here changes an order's status: a draft plan is only a proposal until published.
If anything fails before the draft is stored, the session is rolled back by the caller and
every order stays as it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time
from decimal import ROUND_DOWN, Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

import solver
from supply_match.extensions import db
from supply_match.geo import great_circle_m
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    Household,
    Order,
    OrderLine,
    OrderStatus,
    Outlet,
    PlanChange,
    PlanStatus,
    RunStatus,
    StopItem,
    UnassignedOrder,
    User,
    Volunteer,
)
from supply_match.services.planning import outlet_assignment, rebalance
from supply_match.services.planning.distances import DistanceError, DistanceProvider, provider_for
from supply_match.services.planning.pooling import (
    INCOMPATIBLE_CLASSES,
    PooledStop,
    PoolItem,
    PoolOrder,
    pool_orders,
)
from supply_match.services.supply.matching import delivery_point_of

# Using a volunteer at all costs as much as driving this far: fewer, fuller runs.
VEHICLE_FIXED_COST_M = 3000

REASON_TEXT = {
    solver.Reason.TOO_HEAVY: _l("Heavier than every vehicle on duty can carry"),
    solver.Reason.NO_VEHICLE_AT_OUTLET: _l("No volunteer loads at this outlet"),
    solver.Reason.OUTSIDE_SHIFTS: _l(
        "The delivery time asked for is outside every volunteer's shift"
    ),
    solver.Reason.TIME_WINDOW_UNREACHABLE: _l(
        "Cannot be reached within the delivery time asked for"
    ),
    solver.Reason.BEYOND_RUN_LIMITS: _l("Too far for any run's time or distance limit"),
    solver.Reason.DROPPED_FOR_PRIORITY: _l("Not enough vehicles that day; other orders came first"),
    solver.Reason.NO_ALLOWED_VEHICLE: _l(
        "The volunteer it is locked to does not load at this outlet"
    ),
    solver.Reason.SEARCH_LIMIT: _l("The planning time ran out before it could be placed"),
}


class PlanningError(RuntimeError):
    """The day cannot be planned as asked; nothing was changed."""


@dataclass(frozen=True)
class PlanningSettings:
    separate_pesticide: bool = True
    second_trips: bool = True
    circuity: float = 1.4
    time_limit_s: float = 30.0
    solution_limit: int | None = None

    @classmethod
    def of_plan(cls, plan: DeliveryPlan, solution_limit: int | None = None) -> PlanningSettings:
        """The settings a plan was made with (stored with it), to plan it again."""
        stored = plan.settings or {}
        return cls(
            separate_pesticide=stored.get("separate_pesticide", True),
            second_trips=stored.get("second_trips", True),
            circuity=stored.get("circuity", 1.4),
            time_limit_s=stored.get("time_limit_s", 30.0),
            solution_limit=solution_limit,
        )

    def limits(self) -> solver.SolveLimits:
        if self.solution_limit is not None:
            return solver.MaxSolutions(self.solution_limit)
        return solver.MaxRuntime(self.time_limit_s)


@dataclass
class DayInput:
    day: date
    orders: list[Order]
    volunteers: list[Volunteer]
    outlets: dict[int, Outlet] = field(default_factory=dict)
    # (order line id, outlet id) -> quantity already on runs that stay as they are.
    kept_quantities: dict[tuple[int, int], Decimal] = field(default_factory=dict)


def seconds(value: time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second


def eligible_orders(day: date) -> list[Order]:
    """Allocated orders whose wanted range includes ``day``, and failed deliveries back in
    the pool (their stock is still reserved), whatever their range."""
    wanted_today = and_(
        Order.status == OrderStatus.ALLOCATED, Order.wanted_from <= day, Order.wanted_to >= day
    )
    statement = (
        select(Order)
        .where(or_(wanted_today, Order.status == OrderStatus.FAILED))
        .options(
            selectinload(Order.lines).selectinload(OrderLine.allocations),
            selectinload(Order.lines).selectinload(OrderLine.product),
            selectinload(Order.household).selectinload(Household.village),
        )
        .order_by(Order.id)
    )
    return list(db.session.scalars(statement))


def volunteers_on_duty(day: date) -> list[Volunteer]:
    statement = select(Volunteer).where(Volunteer.active.is_(True)).order_by(Volunteer.id)
    return [v for v in db.session.scalars(statement) if v.on_duty(day.weekday())]


def load_day(
    day: date, order_ids: Sequence[int] | None = None, volunteer_ids: Sequence[int] | None = None
) -> DayInput:
    orders = eligible_orders(day)
    if order_ids is not None:
        wanted = set(order_ids)
        orders = [o for o in orders if o.id in wanted]
    volunteers = volunteers_on_duty(day)
    if volunteer_ids is not None:
        wanted = set(volunteer_ids)
        volunteers = [v for v in volunteers if v.id in wanted]
    outlet_ids = {a.outlet_id for o in orders for line in o.lines for a in line.allocations}
    outlets = {o.id: o for o in db.session.scalars(select(Outlet).where(Outlet.id.in_(outlet_ids)))}
    return DayInput(day, orders, volunteers, outlets)


def to_pool_orders(
    orders: Sequence[Order], kept_quantities: dict[tuple[int, int], Decimal] | None = None
) -> list[PoolOrder]:
    """Orders as the pooling step reads them: one item per allocation, less what runs that
    stay as they are (locked runs) already carry."""
    kept = kept_quantities or {}
    pooled = []
    for order in orders:
        lat, lon = delivery_point_of(order)
        items = tuple(
            PoolItem(
                order.id,
                line.id,
                line.product_id,
                line.product.category,
                a.quantity - kept.get((line.id, a.outlet_id), Decimal(0)),
                line.product.unit_weight_kg,
                a.outlet_id,
            )
            for line in order.lines
            for a in line.allocations
            if a.quantity > kept.get((line.id, a.outlet_id), Decimal(0))
        )
        if not items:
            continue
        window = (
            (seconds(order.window_start), seconds(order.window_end)) if order.window_start else None
        )
        household = order.household
        label = (
            f"{household.village.collection_point}"
            if order.delivery_point == "collection"
            else f"{household.name} {household.village.name}{household.group_no}组"
        )
        pooled.append(
            PoolOrder(
                order.id,
                household.id,
                household.village_id,
                order.delivery_point,
                lat,
                lon,
                label,
                window,
                order.priority,
                items,
            )
        )
    return pooled


def assign_outlets(
    volunteers: Sequence[Volunteer],
    stops: Sequence[PooledStop],
    outlets: dict[int, Outlet],
    fixed: dict[int, int] | None = None,
) -> dict[int, int]:
    """Which outlet each volunteer loads at (``outlet_assignment``): payload to cover each
    outlet's goods, from volunteers living near it. ``fixed`` volunteers (those with locked
    stops) keep the outlet they load at."""
    demands = [
        outlet_assignment.Demand(stop.outlet_id, float(stop.weight_kg), stop.window_s)
        for stop in stops
    ]
    used_outlets = sorted({stop.outlet_id for stop in stops})
    candidates = [
        outlet_assignment.Candidate(
            v.id,
            float(v.payload_kg),
            {
                o: great_circle_m(v.home_lat, v.home_lon, outlets[o].lat, outlets[o].lon)
                for o in used_outlets
            },
            (seconds(v.shift_start), seconds(v.shift_end)),
        )
        for v in volunteers
    ]
    return outlet_assignment.assign(candidates, demands, fixed)


@dataclass(frozen=True)
class Pins:
    """Locked stops kept with their volunteers when the rest is planned again.

    ``lines``: order line id -> the volunteers whose locked stops carry (part of) it.
    ``outlets``: volunteer id -> the outlet their locked stops load at.
    """

    lines: dict[int, frozenset[int]] = field(default_factory=dict)
    outlets: dict[int, int] = field(default_factory=dict)

    def volunteers_for(self, stop: PooledStop) -> frozenset[int]:
        found: set[int] = set()
        for item in stop.items:
            found |= self.lines.get(item.order_line_id, frozenset())
        return frozenset(found)


@dataclass
class BuiltProblem:
    problem: solver.Problem
    stops: list[PooledStop]
    volunteers: list[Volunteer]
    location_points: list[tuple[float, float]]
    locked_keys: frozenset[str] = frozenset()
    outlet_at: dict[int, int] = field(default_factory=dict)
    """Location index -> outlet id."""


def build_problem(
    day_input: DayInput,
    settings: PlanningSettings,
    provider: DistanceProvider | None = None,
    pins: Pins | None = None,
) -> BuiltProblem:
    stops = pool_orders(
        to_pool_orders(day_input.orders, day_input.kept_quantities), settings.separate_pesticide
    )
    volunteers = day_input.volunteers
    if not stops:
        raise PlanningError(_("No allocated order is waiting for delivery on this day."))
    if not volunteers:
        raise PlanningError(_("No volunteer is on duty on this day."))
    pins = pins or Pins()
    vehicle_outlet = assign_outlets(volunteers, stops, day_input.outlets, pins.outlets)
    provider = provider or provider_for(settings.circuity)

    points: list[tuple[float, float]] = []
    index_of: dict[tuple, int] = {}

    def location(key: tuple, lat: float, lon: float) -> int:
        if key not in index_of:
            index_of[key] = len(points)
            points.append((lat, lon))
        return index_of[key]

    outlet_location = {
        o.id: location(("outlet", o.id), o.lat, o.lon) for o in day_input.outlets.values()
    }
    jobs = []
    locked_keys = set()
    for stop in stops:
        where = location(("stop", round(stop.lat, 5), round(stop.lon, 5)), stop.lat, stop.lon)
        windows = (solver.TimeWindow(*stop.window_s),) if stop.window_s else ()
        pinned_to = pins.volunteers_for(stop)
        if pinned_to:
            locked_keys.add(stop.key)
        jobs.append(
            solver.Job(
                id=stop.key,
                location=where,
                outlet=outlet_location[stop.outlet_id],
                weight_kg=float(stop.weight_kg),
                service_s=stop.service_s,
                time_windows=windows,
                items=stop.units,
                priority=1 + stop.priority,
                classes=frozenset(stop.classes),
                vehicles=tuple(rebalance.vehicle_id(v) for v in sorted(pinned_to)),
            )
        )
    vehicles = []
    for v in volunteers:
        home = location(("home", v.id), v.home_lat, v.home_lon)
        vehicles.append(
            solver.Vehicle(
                id=rebalance.vehicle_id(v.id),
                start=home,
                end=home,
                payload_kg=float(v.payload_kg),
                shift=solver.TimeWindow(seconds(v.shift_start), seconds(v.shift_end)),
                speed_class=v.vehicle_type,
                outlet=outlet_location[vehicle_outlet[v.id]],
                fixed_cost=VEHICLE_FIXED_COST_M,
            )
        )
    try:
        matrices = provider.matrices(points, {v.vehicle_type for v in volunteers})
    except DistanceError as error:
        raise PlanningError(str(error)) from None
    problem = solver.Problem(
        locations=[solver.Location(str(i), lat, lon) for i, (lat, lon) in enumerate(points)],
        distance_m=matrices.distance_m,
        duration_s=matrices.duration_s,
        vehicles=vehicles,
        jobs=jobs,
        incompatible=INCOMPATIBLE_CLASSES if settings.separate_pesticide else (),
    )
    return BuiltProblem(
        problem,
        stops,
        list(volunteers),
        points,
        frozenset(locked_keys),
        {location: outlet_id for outlet_id, location in outlet_location.items()},
    )


# Share of a time limit the first solve gets; the rest goes to further rounds (idle volunteers
# and second trips).
FIRST_ROUND_SHARE = 0.85


def solve_and_check(
    built: BuiltProblem, settings: PlanningSettings
) -> tuple[BuiltProblem, solver.Solution]:
    """Solve, plan what was dropped with idle volunteers and second trips (``rebalance``),
    and check the result with the solver's own checker."""
    limits = settings.limits()
    first_limits = second_limits = limits
    if limits.time_s is not None:
        first_limits = solver.MaxRuntime(limits.time_s * FIRST_ROUND_SHARE)
        second_limits = solver.MaxRuntime(limits.time_s * (1 - FIRST_ROUND_SHARE))
    first = solver.solve(built.problem, first_limits)
    result = rebalance.further_rounds(
        built.problem, first, second_limits, next_trips=settings.second_trips
    )
    built = replace(built, problem=result.problem)
    verdict = solver.check(built.problem, result.solution)
    if not verdict.ok:
        raise PlanningError(
            _(
                "The plan failed its check: %(problems)s",
                problems="; ".join(verdict.violations[:3]),
            )
        )
    return built, result.solution


def _split_items(
    items: Sequence[PoolItem], part_weights_kg: Sequence[float]
) -> list[list[tuple[PoolItem, Decimal]]]:
    """Share a stop's items among its parts by weight, in whole units where possible."""
    parts: list[list[tuple[PoolItem, Decimal]]] = [[] for _ in part_weights_kg]
    room = [Decimal(str(w)) for w in part_weights_kg]
    part = 0
    for item in sorted(items, key=lambda i: -i.unit_weight_kg):
        left = item.quantity
        while left > 0 and part < len(parts):
            fits = (room[part] / item.unit_weight_kg).quantize(Decimal(1), rounding=ROUND_DOWN)
            take = min(left, fits) if part < len(parts) - 1 else left
            if take <= 0:
                part += 1
                continue
            parts[part].append((item, take))
            room[part] -= take * item.unit_weight_kg
            left -= take
    return parts


def store_draft(
    day: date,
    built: BuiltProblem,
    solution: solver.Solution,
    settings: PlanningSettings,
    user: User | None,
    *,
    keep_runs: Sequence[DeliveryRun] = (),
    action: str = "planned",
) -> DeliveryPlan:
    """Store ``solution`` as the day's draft; ``keep_runs`` (locked runs) stay as they are."""
    plan = db.session.scalar(select(DeliveryPlan).where(DeliveryPlan.delivery_date == day))
    if plan is not None and any(run.status != RunStatus.PLANNED for run in plan.runs):
        raise PlanningError(
            _("Volunteers have started delivering on this day; it cannot be planned again.")
        )
    if plan is None:
        plan = DeliveryPlan(delivery_date=day, status=PlanStatus.DRAFT, created_by=user)
        db.session.add(plan)
    else:
        kept = {run.id for run in keep_runs}
        for run in [r for r in plan.runs if r.id not in kept]:
            plan.runs.remove(run)
        plan.unassigned.clear()
        # Edits after publishing wait for the next publish before volunteers see them.
        plan.status = PlanStatus.DRAFT
        db.session.flush()
    plan.settings = {
        "separate_pesticide": settings.separate_pesticide,
        "second_trips": settings.second_trips,
        "circuity": settings.circuity,
        "time_limit_s": settings.time_limit_s,
        "objective": solution.objective,
        "wall_time_s": round(solution.wall_time_s, 2),
    }
    stop_by_key = {stop.key: stop for stop in built.stops}
    parts_of: dict[str, list[solver.Stop]] = defaultdict(list)
    for run in solution.runs:
        for stop in run.stops:
            parts_of[stop.job_id].append(stop)
    split_cache: dict[str, list[list[tuple[PoolItem, Decimal]]]] = {}
    volunteers = {v.id: v for v in built.volunteers}
    first_position = len(plan.runs)
    for position, run in enumerate(
        sorted(solution.runs, key=lambda r: rebalance.volunteer_and_trip(r.vehicle_id)),
        start=first_position,
    ):
        volunteer_id, trip = rebalance.volunteer_and_trip(run.vehicle_id)
        db_run = DeliveryRun(
            volunteer=volunteers[volunteer_id],
            outlet_id=built.outlet_at[run.outlet],
            trip=trip,
            position=position,
            start_s=int(run.start_s),
            end_s=int(run.end_s),
            distance_m=int(run.distance_m),
            duration_s=int(run.duration_s),
            load_kg=Decimal(str(round(run.load_kg, 2))),
        )
        plan.runs.append(db_run)
        for stop_position, stop in enumerate(run.stops):
            pooled = stop_by_key[stop.job_id]
            if stop.parts > 1:
                if stop.job_id not in split_cache:
                    weights = [0.0] * stop.parts
                    for p in parts_of[stop.job_id]:
                        weights[p.part] = p.weight_kg
                    split_cache[stop.job_id] = _split_items(pooled.items, weights)
                handed = split_cache[stop.job_id][stop.part]
            else:
                handed = [(item, item.quantity) for item in pooled.items]
            db_stop = DeliveryStop(
                position=stop_position,
                delivery_point=pooled.delivery_point,
                household_id=pooled.household_id,
                village_id=pooled.village_id,
                label=pooled.label[:64],
                lat=pooled.lat,
                lon=pooled.lon,
                arrival_s=int(stop.service_start_s),
                departure_s=int(stop.departure_s),
                weight_kg=Decimal(str(round(stop.weight_kg, 2))),
                locked=stop.job_id in built.locked_keys,
            )
            for item, quantity in handed:
                db_stop.items.append(
                    StopItem(
                        order_id=item.order_id, order_line_id=item.order_line_id, quantity=quantity
                    )
                )
            db_run.stops.append(db_stop)
    reasons: dict[int, solver.Reason] = {}
    for missing in solution.unassigned:
        for order_id in stop_by_key[missing.job_id].order_ids:
            reasons.setdefault(order_id, missing.reason)
    for order_id, reason in sorted(reasons.items()):
        plan.unassigned.append(UnassignedOrder(order_id=order_id, reason=reason.value))
    plan.changes.append(
        PlanChange(
            user=user,
            action=action,
            detail={
                "runs": len(solution.runs),
                "stops": sum(len(r.stops) for r in solution.runs),
                "unassigned_orders": len(reasons),
                "distance_m": solution.distance_m,
            },
        )
    )
    db.session.flush()
    return plan


def plan_day(
    day: date,
    settings: PlanningSettings | None = None,
    *,
    order_ids: Sequence[int] | None = None,
    volunteer_ids: Sequence[int] | None = None,
    user: User | None = None,
    provider: DistanceProvider | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> DeliveryPlan:
    """Plan ``day`` and store the draft (the caller commits)."""
    settings = settings or PlanningSettings()
    report = progress or (lambda _percent, _message: None)
    report(5, _("Reading orders and volunteers"))
    day_input = load_day(day, order_ids, volunteer_ids)
    report(
        15,
        _(
            "Pooling stops and computing distances (%(orders)d orders)",
            orders=len(day_input.orders),
        ),
    )
    built = build_problem(day_input, settings, provider)
    report(
        25,
        _(
            "Solving: %(stops)d stops, %(volunteers)d volunteers",
            stops=len(built.stops),
            volunteers=len(built.volunteers),
        ),
    )
    built, solution = solve_and_check(built, settings)
    report(90, _("Saving the draft"))
    # No report after this point: the draft's rows are not committed yet, and on SQLite a
    # progress write from another connection would wait for them.
    return store_draft(day, built, solution, settings, user)


def unassigned_reason_text(code: str) -> str:
    try:
        return str(REASON_TEXT[solver.Reason(code)])
    except ValueError:
        return code


def reoptimize(
    plan: DeliveryPlan,
    settings: PlanningSettings | None = None,
    *,
    user: User | None = None,
    provider: DistanceProvider | None = None,
) -> DeliveryPlan:
    """Plan again everything that is not locked. A locked run stays exactly as it is; a
    locked stop stays with its volunteer (who keeps loading at the same outlet) while its
    place in the run and the rest of the run are planned again with everything else. The
    caller commits; the plan becomes a draft again."""
    if any(run.status != RunStatus.PLANNED for run in plan.runs):
        raise PlanningError(
            _("Volunteers have started delivering; the plan can no longer be re-optimized.")
        )
    settings = settings or PlanningSettings.of_plan(plan)
    kept = [run for run in plan.runs if run.locked]
    kept_quantities: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for run in kept:
        for stop in run.stops:
            for item in stop.items:
                kept_quantities[(item.order_line_id, run.outlet_id)] += item.quantity
    kept_volunteers = {run.volunteer_id for run in kept}
    pinned_lines: dict[int, set[int]] = defaultdict(set)
    pinned_outlets: dict[int, int] = {}
    for run in plan.runs:
        if run in kept:
            continue
        for stop in run.stops:
            if stop.locked:
                pinned_outlets[run.volunteer_id] = run.outlet_id
                for item in stop.items:
                    pinned_lines[item.order_line_id].add(run.volunteer_id)
    pins = Pins({line: frozenset(v) for line, v in pinned_lines.items()}, pinned_outlets)
    order_ids = {
        item.order_id
        for run in plan.runs
        if run not in kept
        for stop in run.stops
        for item in stop.items
    } | {missing.order_id for missing in plan.unassigned}
    volunteers = [
        v for v in volunteers_on_duty(plan.delivery_date) if v.id not in kept_volunteers
    ] + [
        run.volunteer
        for run in plan.runs
        if run not in kept and run.volunteer_id not in kept_volunteers
    ]
    unique_volunteers = list({v.id: v for v in volunteers}.values())
    orders = list(
        db.session.scalars(
            select(Order)
            .where(Order.id.in_(order_ids or {-1}))
            .options(
                selectinload(Order.lines).selectinload(OrderLine.allocations),
                selectinload(Order.lines).selectinload(OrderLine.product),
                selectinload(Order.household).selectinload(Household.village),
            )
            .order_by(Order.id)
        )
    )
    outlet_ids = {a.outlet_id for o in orders for line in o.lines for a in line.allocations}
    outlets = {
        o.id: o for o in db.session.scalars(select(Outlet).where(Outlet.id.in_(outlet_ids or {-1})))
    }
    built = build_problem(
        DayInput(plan.delivery_date, orders, unique_volunteers, outlets, dict(kept_quantities)),
        settings,
        provider,
        pins,
    )
    built, solution = solve_and_check(built, settings)
    return store_draft(
        plan.delivery_date, built, solution, settings, user, keep_runs=kept, action="reoptimized"
    )
