"""One visit per household per day.

Pooling makes one stop of a household's goods only when they load at the same outlet and
may ride together. Two things split a household into two stops, and so two visits on the
same day (on the demo's busiest days, 43 to 47 households): the pesticide rule (pesticide
never rides with seed, so the two are on different runs) and goods held at two outlets
(a run loads at one outlet). Both nearly always come from one order whose lines matching
sourced apart.

The county's answer is to deliver what can wait on another day of the farmer's wanted
range: the household's goods at its main outlet (the one holding most of its kilograms)
come today, and of those the seed and fertilizer; pesticide next to seed, and goods at
other outlets, wait when their order is wanted after today, and stay open with their
reason. What cannot wait goes today, as a second visit, and the plan names the household
and why (``SecondVisit``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from supply_match.models import DeliveryPoint
from supply_match.services.planning.pooling import (
    PESTICIDE_CLASS,
    SEED_CLASS,
    PooledStop,
    PoolItem,
    PoolOrder,
    pool_orders,
)

# Stored as ``UnassignedOrder.reason`` (the waiting part) and in the plan's settings (a
# second visit that could not be avoided), next to the solver's reason codes.
WAITS_APART_FROM_SEED = "waits_apart_from_seed"
WAITS_FOR_OTHER_OUTLET = "waits_for_other_outlet"
SECOND_VISIT_PESTICIDE = "second_visit_pesticide"
SECOND_VISIT_OUTLETS = "second_visit_outlets"
SECOND_VISIT_WINDOWS = "second_visit_windows"
SECOND_VISIT_PLACES = "second_visit_places"


@dataclass(frozen=True)
class Waiting:
    """Goods left for another day so that their household is visited once today."""

    item: PoolItem
    reason: str


@dataclass(frozen=True)
class SecondVisit:
    """A household visited more than once today, and why it could not be avoided."""

    household_id: int
    label: str
    reason: str


@dataclass
class DayVisits:
    stops: list[PooledStop]
    waiting: list[Waiting] = field(default_factory=list)
    second_visits: list[SecondVisit] = field(default_factory=list)


def _main_outlet(entries: Sequence[tuple[PoolOrder, PoolItem]]) -> int:
    """The outlet holding most of a household's kilograms (the lowest id on a tie)."""
    kilograms: dict[int, Decimal] = defaultdict(Decimal)
    for _order, item in entries:
        kilograms[item.outlet_id] += item.weight_kg
    return min(kilograms, key=lambda outlet: (-kilograms[outlet], outlet))


def _waiting_reason(
    order: PoolOrder, item: PoolItem, main_outlet: int, seed_today: bool, separate: bool
) -> str | None:
    """Why ``item`` would make a second visit today, or ``None`` when it rides with the
    household's main hand-over."""
    if item.outlet_id != main_outlet:
        return WAITS_FOR_OTHER_OUTLET
    if separate and seed_today and item.category == PESTICIDE_CLASS:
        return WAITS_APART_FROM_SEED
    return None


def _household_today(
    entries: Sequence[tuple[PoolOrder, PoolItem]], separate_pesticide: bool
) -> tuple[list[tuple[PoolOrder, PoolItem]], list[Waiting]]:
    """A household's goods split into what goes today and what waits for another day."""
    main = _main_outlet(entries)
    seed_today = any(
        item.category == SEED_CLASS and item.outlet_id == main for _order, item in entries
    )
    today: list[tuple[PoolOrder, PoolItem]] = []
    waiting: list[Waiting] = []
    for order, item in entries:
        reason = _waiting_reason(order, item, main, seed_today, separate_pesticide)
        if reason is not None and order.can_wait:
            waiting.append(Waiting(item, reason))
        else:
            today.append((order, item))
    return today, waiting


def _second_visit_reason(stops: Sequence[PooledStop]) -> str:
    if len({stop.outlet_id for stop in stops}) > 1:
        return SECOND_VISIT_OUTLETS
    if any(stop.classes == {PESTICIDE_CLASS} for stop in stops):
        return SECOND_VISIT_PESTICIDE
    if len({(stop.delivery_point, round(stop.lat, 5), round(stop.lon, 5)) for stop in stops}) > 1:
        return SECOND_VISIT_PLACES
    return SECOND_VISIT_WINDOWS


def plan_visits(orders: Iterable[PoolOrder], separate_pesticide: bool = True) -> DayVisits:
    """The day's stops, one per household where its goods allow, what waits for another
    day, and the households that still get two visits (their goods cannot wait)."""
    orders = list(orders)
    at_home: dict[int, list[tuple[PoolOrder, PoolItem]]] = defaultdict(list)
    kept: dict[int, list[PoolItem]] = defaultdict(list)
    for order in orders:
        if order.delivery_point == DeliveryPoint.COLLECTION:
            kept[order.order_id].extend(order.items)
        else:
            at_home[order.household_id].extend((order, item) for item in order.items)
    waiting: list[Waiting] = []
    for entries in at_home.values():
        today, held = _household_today(entries, separate_pesticide)
        waiting.extend(held)
        for order, item in today:
            kept[order.order_id].append(item)
    today_orders = [
        replace(order, items=tuple(kept[order.order_id]))
        for order in orders
        if kept[order.order_id]
    ]
    stops = pool_orders(today_orders, separate_pesticide)
    by_household: dict[int, list[PooledStop]] = defaultdict(list)
    for stop in stops:
        if stop.household_id is not None:
            by_household[stop.household_id].append(stop)
    second_visits = [
        SecondVisit(household_id, visits[0].label, _second_visit_reason(visits))
        for household_id, visits in sorted(by_household.items())
        if len(visits) > 1
    ]
    return DayVisits(stops, waiting, second_visits)
