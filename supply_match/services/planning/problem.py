"""Building the solver's problem for a day: orders pooled into stops, volunteers given an
outlet, both placed on one list of locations with the distances between them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

import solver
from supply_match.geo import great_circle_m
from supply_match.models import Order, Outlet, Volunteer
from supply_match.services.planning import areas, outlet_assignment, rebalance, visits
from supply_match.services.planning.distances import DistanceError, DistanceProvider, provider_for
from supply_match.services.planning.loading import DayInput, seconds
from supply_match.services.planning.pooling import (
    INCOMPATIBLE_CLASSES,
    PooledStop,
    PoolItem,
    PoolOrder,
)
from supply_match.services.planning.settings import PlanningError, PlanningSettings
from supply_match.services.planning.vehicles import item_limit, range_m
from supply_match.services.supply.matching import delivery_point_of

# Using a volunteer at all costs as much as driving this far: fewer, fuller runs.
VEHICLE_FIXED_COST_M = 3000


def _pool_order(
    order: Order, kept: dict[tuple[int, int], Decimal], day: date | None
) -> PoolOrder | None:
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
        return None
    window = (
        (seconds(order.window_start), seconds(order.window_end)) if order.window_start else None
    )
    household = order.household
    label = (
        f"{household.village.collection_point}"
        if order.delivery_point == "collection"
        else f"{household.name} {household.village.name}{household.group_no}组"
    )
    return PoolOrder(
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
        can_wait=day is not None and order.wanted_to > day,
    )


def to_pool_orders(
    orders: Sequence[Order],
    kept_quantities: dict[tuple[int, int], Decimal] | None = None,
    day: date | None = None,
) -> list[PoolOrder]:
    """Orders as the pooling step reads them: one item per allocation, less what runs that
    stay as they are (locked runs) already carry; orders with nothing left are left out.
    An order wanted after ``day`` too may wait (``PoolOrder.can_wait``)."""
    kept = kept_quantities or {}
    pooled = (_pool_order(order, kept, day) for order in orders)
    return [order for order in pooled if order is not None]


def assign_outlets(
    volunteers: Sequence[Volunteer],
    stops: Sequence[PooledStop],
    outlets: dict[int, Outlet],
    fixed: dict[int, int] | None = None,
    volunteers_of: dict[str, frozenset[int]] | None = None,
) -> dict[int, int]:
    """Which outlet each volunteer loads at (``outlet_assignment``): payload to cover each
    outlet's goods, from volunteers living near it and (``volunteers_of``: stop key ->
    volunteer ids) whose areas hold the stops. ``fixed`` volunteers (those with locked
    stops) keep the outlet they load at."""
    volunteers_of = volunteers_of or {}
    demands = [
        outlet_assignment.Demand(
            stop.outlet_id, float(stop.weight_kg), stop.window_s, volunteers_of.get(stop.key)
        )
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
        """The volunteers whose locked stops carry some of ``stop``'s goods."""
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
    uncovered: list[PooledStop] = field(default_factory=list)
    """Stops no volunteer on duty covers (their areas): not in the problem."""
    waiting: list[visits.Waiting] = field(default_factory=list)
    """Goods left for another day so that their household is visited once."""
    second_visits: list[visits.SecondVisit] = field(default_factory=list)
    """Households visited twice, because their goods could not wait."""


class _Locations:
    """The problem's locations, each place once, numbered in the order first met."""

    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []
        self._index_of: dict[tuple, int] = {}

    def index(self, key: tuple, lat: float, lon: float) -> int:
        if key not in self._index_of:
            self._index_of[key] = len(self.points)
            self.points.append((lat, lon))
        return self._index_of[key]


def _jobs(
    stops: Sequence[PooledStop],
    places: _Locations,
    outlet_location: dict[int, int],
    pins: Pins,
    volunteers_of: dict[str, frozenset[int]],
) -> tuple[list[solver.Job], frozenset[str]]:
    """One job per pooled stop, riding only with the volunteers who may serve it (locked
    ones with their volunteers, the others within areas), and the keys of the locked."""
    jobs = []
    locked_keys = set()
    for stop in stops:
        where = places.index(("stop", round(stop.lat, 5), round(stop.lon, 5)), stop.lat, stop.lon)
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
                vehicles=tuple(rebalance.vehicle_id(v) for v in sorted(volunteers_of[stop.key])),
            )
        )
    return jobs, frozenset(locked_keys)


def _vehicles(
    volunteers: Sequence[Volunteer],
    places: _Locations,
    outlet_location: dict[int, int],
    vehicle_outlet: dict[int, int],
) -> list[solver.Vehicle]:
    """One vehicle per volunteer, from home and back, loading at its assigned outlet; a run
    never goes farther than the vehicle's range nor holds more packages than its limit."""
    vehicles = []
    for v in volunteers:
        home = places.index(("home", v.id), v.home_lat, v.home_lon)
        vehicles.append(
            solver.Vehicle(
                id=rebalance.vehicle_id(v.id),
                start=home,
                end=home,
                payload_kg=float(v.payload_kg),
                shift=solver.TimeWindow(seconds(v.shift_start), seconds(v.shift_end)),
                speed_class=v.vehicle_type,
                outlet=outlet_location[vehicle_outlet[v.id]],
                max_items=item_limit(v.vehicle_type),
                max_distance_m=range_m(v),
                fixed_cost=VEHICLE_FIXED_COST_M,
            )
        )
    return vehicles


def _coverage(day_input: DayInput, stops: Sequence[PooledStop], pins: Pins) -> areas.Coverage:
    """Who may serve each stop: its locked volunteers, else those whose areas hold it."""
    township_of_village = {
        o.household.village_id: o.household.village.township_id for o in day_input.orders
    }
    pinned = {stop.key: pins.volunteers_for(stop) for stop in stops if pins.volunteers_for(stop)}
    return areas.coverage(stops, day_input.volunteers, township_of_village, pinned)


def build_problem(
    day_input: DayInput,
    settings: PlanningSettings,
    provider: DistanceProvider | None = None,
    pins: Pins | None = None,
) -> BuiltProblem:
    """The solver's problem for ``day_input``: distances from ``provider`` (the loaded road
    network, else great-circle times ``settings.circuity``), locked stops pinned by ``pins``,
    every other stop open only to volunteers whose service areas hold it. Stops no volunteer
    covers are left out (``BuiltProblem.uncovered``), and so are volunteers who cover no stop.

    Raises ``PlanningError`` when no order is waiting, no volunteer is on duty, or a place
    is too far from every road of the loaded network."""
    day_visits = visits.plan_visits(
        to_pool_orders(day_input.orders, day_input.kept_quantities, day_input.day),
        settings.separate_pesticide,
    )
    stops = day_visits.stops
    volunteers = day_input.volunteers
    if not stops:
        raise PlanningError(_("No allocated order is waiting for delivery on this day."))
    if not volunteers:
        raise PlanningError(_("No volunteer is on duty on this day."))
    pins = pins or Pins()
    covered = _coverage(day_input, stops, pins)
    stops = [stop for stop in stops if stop.key in covered.volunteers_of]
    volunteers = covered.useful_volunteers
    vehicle_outlet = assign_outlets(
        volunteers, stops, day_input.outlets, pins.outlets, covered.volunteers_of
    )
    provider = provider or provider_for(settings.circuity)

    # Outlets first, then stops, then homes: the numbering the stored plans were made with.
    places = _Locations()
    outlet_location = {
        o.id: places.index(("outlet", o.id), o.lat, o.lon) for o in day_input.outlets.values()
    }
    jobs, locked_keys = _jobs(stops, places, outlet_location, pins, covered.volunteers_of)
    vehicles = _vehicles(volunteers, places, outlet_location, vehicle_outlet)
    try:
        matrices = provider.matrices(places.points, {v.vehicle_type for v in volunteers})
    except DistanceError as error:
        raise PlanningError(str(error)) from None
    problem = solver.Problem(
        locations=[solver.Location(str(i), lat, lon) for i, (lat, lon) in enumerate(places.points)],
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
        places.points,
        locked_keys,
        {location: outlet_id for outlet_id, location in outlet_location.items()},
        covered.uncovered,
        day_visits.waiting,
        day_visits.second_visits,
    )
