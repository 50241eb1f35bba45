"""Pooling (集中运送): the day's allocated orders become delivery stops.

Orders handed over at the same place from the same outlet merge into one stop: the same
household's home or field point, or one village collection point: two orders of a
household are one hand-over. When pesticide must not ride with seed (a setting, on by
default), a place's pesticides form a stop of their own only where the place gets seed
too, so that the solver can keep them apart. An order bigger than any vehicle stays one
stop here; the solver splits it into parts that fit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from supply_match.models import DeliveryPoint, ProductCategory

# Handing over: a fixed part (greeting, finding the place, signing) and a part per unit.
BASE_SERVICE_S = 120
SERVICE_PER_UNIT_S = 15
MAX_SERVICE_S = 1800

PESTICIDE_CLASS = str(ProductCategory.PESTICIDE)
SEED_CLASS = str(ProductCategory.SEED)
# Pairs of product classes that never share a run when the separation rule is on.
INCOMPATIBLE_CLASSES = ((PESTICIDE_CLASS, SEED_CLASS),)


@dataclass(frozen=True)
class PoolItem:
    order_id: int
    order_line_id: int
    product_id: int
    category: str
    quantity: Decimal
    unit_weight_kg: Decimal
    outlet_id: int

    @property
    def weight_kg(self) -> Decimal:
        return self.quantity * self.unit_weight_kg


@dataclass(frozen=True)
class PoolOrder:
    order_id: int
    household_id: int
    village_id: int
    delivery_point: str
    lat: float
    lon: float
    label: str
    window_s: tuple[int, int] | None
    priority: int
    items: tuple[PoolItem, ...]
    can_wait: bool = False
    """Wanted after the day being planned too: what would make a second visit may wait."""


@dataclass
class PooledStop:
    outlet_id: int
    delivery_point: str
    household_id: int | None
    village_id: int
    lat: float
    lon: float
    label: str
    window_s: tuple[int, int] | None
    priority: int = 0
    items: list[PoolItem] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Stable text id, used as the solver's job id."""
        place = f"h{self.household_id}" if self.household_id is not None else f"v{self.village_id}"
        window = f"{self.window_s[0]}-{self.window_s[1]}" if self.window_s else "any"
        group = "p" if self.classes == {PESTICIDE_CLASS} else "g"
        return f"o{self.outlet_id}-{place}-{self.delivery_point}-{self.lat:.5f},{self.lon:.5f}-{window}-{group}"

    @property
    def order_ids(self) -> list[int]:
        return sorted({item.order_id for item in self.items})

    @property
    def classes(self) -> set[str]:
        return {item.category for item in self.items}

    @property
    def weight_kg(self) -> Decimal:
        return sum((item.weight_kg for item in self.items), Decimal(0))

    @property
    def units(self) -> int:
        return sum(math.ceil(item.quantity) for item in self.items)

    @property
    def service_s(self) -> int:
        return min(MAX_SERVICE_S, BASE_SERVICE_S + SERVICE_PER_UNIT_S * self.units)


def _shared_window(windows: Iterable[tuple[int, int] | None]) -> tuple[int, int] | None | bool:
    """The time window every one of a household's orders allows (``None``: any time), or
    ``False`` when two of them do not overlap."""
    asked = [window for window in windows if window is not None]
    if not asked:
        return None
    start, end = max(w[0] for w in asked), min(w[1] for w in asked)
    return (start, end) if start < end else False


def _place_of(order: PoolOrder) -> tuple:
    if order.delivery_point == DeliveryPoint.COLLECTION:
        return ("collection", order.village_id, order.window_s)
    return (
        "household",
        order.household_id,
        order.delivery_point,
        round(order.lat, 5),
        round(order.lon, 5),
    )


def _by_window(entries: list[tuple[PoolOrder, PoolItem]]) -> list[tuple[tuple | None, list]]:
    """A household's entries at one place as (window, entries): one group in the window all
    its orders allow, or one per window asked for when they do not overlap."""
    shared = _shared_window(order.window_s for order, _item in entries)
    if shared is not False:
        return [(shared, entries)]
    windows: dict[tuple | None, list] = {}
    for order, item in entries:
        windows.setdefault(order.window_s, []).append((order, item))
    return list(windows.items())


def _stops_of_group(
    window: tuple[int, int] | None, entries: list[tuple[PoolOrder, PoolItem]], split: bool
) -> list[PooledStop]:
    """One stop of ``entries``, or two when ``split``: the pesticide apart from the rest."""
    groups: dict[bool, list[tuple[PoolOrder, PoolItem]]] = {}
    for order, item in entries:
        groups.setdefault(split and item.category == PESTICIDE_CLASS, []).append((order, item))
    stops = []
    for group in groups.values():
        first = group[0][0]
        collection = first.delivery_point == DeliveryPoint.COLLECTION
        stop = PooledStop(
            outlet_id=group[0][1].outlet_id,
            delivery_point=first.delivery_point,
            household_id=None if collection else first.household_id,
            village_id=first.village_id,
            lat=first.lat,
            lon=first.lon,
            label=first.label,
            window_s=window,
        )
        for order, item in group:
            stop.items.append(item)
            stop.priority = max(stop.priority, order.priority)
        stops.append(stop)
    return stops


def pool_orders(orders: Iterable[PoolOrder], separate_pesticide: bool = True) -> list[PooledStop]:
    """Items for the same place (a household, or a village's collection point), from the
    same outlet, become one stop: one hand-over, whatever orders they come from, in the
    time window all of a household's orders allow (a collection point's stops are per
    window asked for). When ``separate_pesticide``, a place's pesticide becomes a stop of
    its own only where the place also gets seed (the two may not share a run); with
    fertilizer alone it stays in the one stop, so the household is visited once."""
    places: dict[tuple, list[tuple[PoolOrder, PoolItem]]] = {}
    for order in orders:
        for item in order.items:
            places.setdefault((item.outlet_id, _place_of(order)), []).append((order, item))
    stops: list[PooledStop] = []
    for (_outlet, place), entries in places.items():
        categories = {item.category for _order, item in entries}
        split = separate_pesticide and {PESTICIDE_CLASS, SEED_CLASS} <= categories
        if place[0] == "collection":
            stops.extend(_stops_of_group(place[2], entries, split))
            continue
        for window, group in _by_window(entries):
            stops.extend(_stops_of_group(window, group, split))
    return sorted(stops, key=lambda stop: stop.key)
