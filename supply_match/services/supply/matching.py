"""Matching (分配): open order lines meet outlets' stock.

Each product is a transportation problem solved exactly with OR-Tools' min-cost flow:
every open line supplies its missing quantity, which flows either to an outlet holding
the product (cost: the weight times the road distance to the delivery point) or to a
shortfall node. Leaving a unit short costs more than any transport, and more for urgent
orders: higher priority first, then older, so that when a product is short those orders
are covered first. To keep a household's goods at one outlet (one visit on a delivery
day, not one per outlet), the orders a household could receive on the same day share a
home outlet: the nearest that can still cover all their open lines once the orders
before them (more urgent, then older) have taken theirs. Other outlets cost as much again as the longest haul, so lines
leave home only when its stock runs out.

Existing allocations are kept as they are, so running matching again with nothing new
changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from flask_babel import gettext as _
from ortools.graph.python import min_cost_flow
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supply_match import geo
from supply_match.extensions import db
from supply_match.models import (
    Allocation,
    Household,
    Order,
    OrderLine,
    OrderStatus,
    Outlet,
    Stock,
    User,
    Village,
)
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.supply import stock as stock_ledger
from supply_match.services.unit_of_work import use_case

# Quantities are decimals with two places; the model counts hundredths.
SCALE = 100
# Consider only this many nearest outlets per order: beyond them transport is never worth it.
CANDIDATE_OUTLETS = 6


class MatchingError(RuntimeError):
    """The model could not be solved; nothing was changed."""


@dataclass(frozen=True)
class LineAllocation:
    order_id: int
    order_line_id: int
    product_name: str
    outlet_name: str
    quantity: Decimal
    distance_km: float


@dataclass(frozen=True)
class LineShortfall:
    order_id: int
    order_line_id: int
    product_name: str
    missing: Decimal


@dataclass
class MatchingResult:
    allocations: list[LineAllocation] = field(default_factory=list)
    orders_allocated: list[int] = field(default_factory=list)
    shortfalls: list[LineShortfall] = field(default_factory=list)
    open_lines_considered: int = 0
    solver_status: str = "NOT_RUN"

    @property
    def changed(self) -> bool:
        return bool(self.allocations)


def delivery_point_of(order: Order) -> tuple[float, float]:
    """Kept for planning's imports: ``Order.delivery_location`` is the rule."""
    return order.delivery_location


def _open_orders() -> list[Order]:
    statement = (
        select(Order)
        .where(Order.status == OrderStatus.SUBMITTED)
        .options(
            selectinload(Order.lines).selectinload(OrderLine.allocations),
            selectinload(Order.lines).selectinload(OrderLine.product),
            selectinload(Order.household)
            .selectinload(Household.village)
            .selectinload(Village.township),
        )
        .order_by(Order.created_at, Order.id)
    )
    return list(db.session.scalars(statement))


def _available_stock() -> dict[tuple[int, int], Stock]:
    statement = (
        select(Stock)
        .join(Outlet)
        .where(Outlet.active.is_(True), Stock.quantity > Stock.reserved)
        .options(selectinload(Stock.outlet), selectinload(Stock.product))
    )
    return {(row.outlet_id, row.product_id): row for row in db.session.scalars(statement)}


def _home_outlet(
    lines: list[OrderLine], near: list[tuple[float, int]], left: dict[tuple[int, int], int]
) -> int | None:
    """The nearest outlet whose stock ``left`` covers all of ``lines``' shortfalls, else the
    one that covers the most weight of them; what it covers is taken off ``left``."""
    best, best_kg = None, -1.0
    for _distance, outlet_id in near:
        covered_kg = 0.0
        whole = True
        for line in lines:
            need = int(line.shortfall * SCALE)
            have = left.get((outlet_id, line.product_id), 0)
            covered_kg += min(have, need) * float(line.product.unit_weight_kg)
            whole = whole and have >= need
        if whole:
            best = outlet_id
            break
        if covered_kg > best_kg:
            best, best_kg = outlet_id, covered_kg
    for line in lines if best is not None else ():
        key = (best, line.product_id)
        if key in left:
            left[key] -= min(left[key], int(line.shortfall * SCALE))
    return best


@dataclass
class _Haulage:
    """What a unit's transport costs: road distances from each order to its nearest
    outlets, each order's home outlet, and each order's urgency rank."""

    distance_km: dict[tuple[int, int], float]
    home: dict[int, int | None]
    max_haul: int  # tenths of a km, longer than any haul considered
    rank: dict[int, int]  # oldest order first
    total: int


@use_case
def run_matching(user: User | None = None) -> MatchingResult:
    """Allocate open order lines to outlets' stock and reserve it, in one transaction.

    Quantities are in each product's unit (two decimals). Raises ``MatchingError``
    (nothing changed) when a product's flow model cannot be solved."""
    orders = _open_orders()
    stock_rows = _available_stock()
    result = MatchingResult()
    open_lines = [(order, line) for order in orders for line in order.lines if line.shortfall > 0]
    result.open_lines_considered = len(open_lines)
    if not open_lines or not stock_rows:
        result.shortfalls = _shortfalls(orders)
        result.solver_status = "NOTHING_TO_MATCH"
        return result

    outlets = {row.outlet_id: row.outlet for row in stock_rows.values()}
    available = {key: int(row.available * SCALE) for key, row in stock_rows.items()}
    haulage = _haulage(orders, outlets, available)
    lines_by_product: dict[int, list[tuple[Order, OrderLine]]] = defaultdict(list)
    for order, line in open_lines:
        lines_by_product[line.product_id].append((order, line))

    planned: list[tuple[Order, OrderLine, int, int]] = []  # order, line, outlet, hundredths
    for product_id, entries in sorted(lines_by_product.items()):
        planned += _solve_product(product_id, entries, available, haulage)
    result.solver_status = "OPTIMAL"
    _write(result, planned, orders, stock_rows, outlets, haulage, user)
    audit.record(
        AuditKind.STOCK,
        "matched",
        actor=user,
        summary=_(
            "%(lines)s lines allocated, %(orders)s orders fully covered",
            lines=len(result.allocations),
            orders=len(result.orders_allocated),
        ),
        detail={
            "allocations": len(result.allocations),
            "orders_allocated": len(result.orders_allocated),
            "shortfalls": len(result.shortfalls),
        },
    )
    return result


def _haulage(
    orders: list[Order], outlets: dict[int, Outlet], available: dict[tuple[int, int], int]
) -> _Haulage:
    distance_km: dict[tuple[int, int], float] = {}
    near_by_order: dict[int, list[tuple[float, int]]] = {}
    for order in orders:
        lat, lon = order.delivery_location
        wanted = {line.product_id for line in order.lines if line.shortfall > 0}
        near = sorted(
            (geo.road_distance_m(lat, lon, outlet.lat, outlet.lon) / 1000, outlet_id)
            for outlet_id, outlet in outlets.items()
            if any((outlet_id, product_id) in available for product_id in wanted)
        )[:CANDIDATE_OUTLETS]
        for d, outlet_id in near:
            distance_km[order.id, outlet_id] = d
        near_by_order[order.id] = near
    rank = {order.id: index for index, order in enumerate(orders)}
    home: dict[int, int | None] = {}
    left = dict(available)
    for household_orders in _households_most_urgent_first(orders, rank):
        lines = [line for order in household_orders for line in order.lines if line.shortfall > 0]
        # The outlets near any of its orders (they share the household's delivery point
        # unless an order names a field of its own), nearest first.
        near = sorted({pair for order in household_orders for pair in near_by_order[order.id]})
        outlet_id = _home_outlet(lines, near, left)
        for order in household_orders:
            home[order.id] = outlet_id
            if outlet_id is not None and (order.id, outlet_id) not in distance_km:
                lat, lon = order.delivery_location
                outlet = outlets[outlet_id]
                distance_km[order.id, outlet_id] = (
                    geo.road_distance_m(lat, lon, outlet.lat, outlet.lon) / 1000
                )
    return _Haulage(
        distance_km=distance_km,
        home=home,
        max_haul=int(max(distance_km.values(), default=1.0) * 10) + 1,
        rank=rank,
        total=len(orders),
    )


def _households_most_urgent_first(orders: list[Order], rank: dict[int, int]) -> list[list[Order]]:
    """The open orders a household could receive on one day, grouped (orders of one
    household whose wanted dates overlap, directly or through another of its orders);
    the group holding the most urgent order (highest priority, then oldest) comes first,
    as it chooses its home outlet first. Orders wanted at other times keep their own
    nearest outlet: they never share a visit."""
    by_household: dict[int, list[Order]] = defaultdict(list)
    for order in orders:
        by_household[order.household_id].append(order)
    groups: list[list[Order]] = []
    for household_orders in by_household.values():
        household_orders.sort(key=lambda order: (order.wanted_from, order.wanted_to, order.id))
        group, group_end = [household_orders[0]], household_orders[0].wanted_to
        for order in household_orders[1:]:
            if order.wanted_from <= group_end:
                group.append(order)
                group_end = max(group_end, order.wanted_to)
            else:
                groups.append(group)
                group, group_end = [order], order.wanted_to
        groups.append(group)
    return sorted(
        groups, key=lambda group: min((-order.priority, rank[order.id]) for order in group)
    )


@dataclass
class _Network:
    """A product's flow network: arcs as parallel lists, and each outlet's node."""

    outlet_node: dict[int, int]
    tails: list[int] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)
    caps: list[int] = field(default_factory=list)
    costs: list[int] = field(default_factory=list)

    def arc(self, tail: int, head: int, cap: int, cost: int) -> None:
        self.tails.append(tail)
        self.heads.append(head)
        self.caps.append(cap)
        self.costs.append(cost)


def _product_network(
    product_id: int,
    product_outlets: list[int],
    entries: list[tuple[Order, OrderLine]],
    available: dict[tuple[int, int], int],
    haulage: _Haulage,
) -> _Network:
    """Arcs line -> outlet (cost: weight x haul, plus the away cost off the order's home
    outlet), line -> shortfall (dearer than any haul, more for urgent orders), outlet ->
    sink (its available stock) and shortfall -> sink."""
    distance_km, home, max_haul = haulage.distance_km, haulage.home, haulage.max_haul
    rank, total = haulage.rank, haulage.total
    unit_tenths_kg = max(1, round(float(entries[0][1].product.unit_weight_kg) * 10))
    # Per hundredth of a unit: transport <= unit * 2 * max_haul (with the away cost);
    # a unit left short costs more than that, scaled by urgency.
    worst_transport = unit_tenths_kg * 2 * max_haul
    line_nodes = len(entries)
    network = _Network({o: line_nodes + i for i, o in enumerate(product_outlets)})
    short_node = line_nodes + len(product_outlets)
    sink = short_node + 1
    for index, (order, line) in enumerate(entries):
        need = int(line.shortfall * SCALE)
        for outlet_id in product_outlets:
            if (order.id, outlet_id) not in distance_km:
                continue
            haul = int(distance_km[order.id, outlet_id] * 10)
            away = 0 if outlet_id == home[order.id] else max_haul
            network.arc(index, network.outlet_node[outlet_id], need, unit_tenths_kg * (haul + away))
        urgency = 1 + order.priority * (2 * total + 2) + (total - rank[order.id])
        network.arc(index, short_node, need, (worst_transport + 1) * urgency)
    for outlet_id in product_outlets:
        network.arc(network.outlet_node[outlet_id], sink, available[outlet_id, product_id], 0)
    network.arc(short_node, sink, sum(int(line.shortfall * SCALE) for _o, line in entries), 0)
    return network


def _solve_product(
    product_id: int,
    entries: list[tuple[Order, OrderLine]],
    available: dict[tuple[int, int], int],
    haulage: _Haulage,
) -> list[tuple[Order, OrderLine, int, int]]:
    """One product's transportation problem as a min-cost flow: line nodes, one node per
    outlet holding the product, a shortfall node, a sink. Returns the planned
    (order, line, outlet id, hundredths) flows to outlets."""
    product_outlets = sorted(o for (o, p) in available if p == product_id)
    if not product_outlets:
        return []
    network = _product_network(product_id, product_outlets, entries, available, haulage)
    outlet_node = network.outlet_node
    tails, heads, caps, costs = network.tails, network.heads, network.caps, network.costs

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int64),
        np.array(heads, dtype=np.int64),
        np.array(caps, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    supplies = [int(line.shortfall * SCALE) for _order, line in entries]
    supplies += [0] * (len(product_outlets) + 1) + [-sum(supplies)]
    flow.set_nodes_supplies(
        np.arange(len(supplies), dtype=np.int64), np.array(supplies, dtype=np.int64)
    )
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise MatchingError(
            _(
                "The matching model could not be solved (status %(status)s); no order "
                "or stock was changed.",
                status=status,
            )
        )
    node_outlet = {node: outlet_id for outlet_id, node in outlet_node.items()}
    planned = []
    for arc in arcs:
        amount = flow.flow(arc)
        head = flow.head(arc)
        if amount > 0 and head in node_outlet:
            order, line = entries[flow.tail(arc)]
            planned.append((order, line, node_outlet[head], amount))
    return planned


def _write(
    result: MatchingResult,
    planned: list[tuple[Order, OrderLine, int, int]],
    orders: list[Order],
    stock_rows: dict[tuple[int, int], Stock],
    outlets: dict[int, Outlet],
    haulage: _Haulage,
    user: User | None,
) -> None:
    """Allocate and reserve the planned flows; orders fully covered become allocated."""
    for order, line, outlet_id, amount in sorted(planned, key=lambda p: (p[1].id, p[2])):
        quantity = Decimal(amount) / SCALE
        _allocate(line, stock_rows[outlet_id, line.product_id], quantity, user)
        result.allocations.append(
            LineAllocation(
                order_id=order.id,
                order_line_id=line.id,
                product_name=line.product.name,
                outlet_name=outlets[outlet_id].name,
                quantity=quantity,
                distance_km=round(haulage.distance_km[order.id, outlet_id], 1),
            )
        )
    for order in orders:
        if all(line.shortfall <= 0 for line in order.lines):
            order.transition_to(OrderStatus.ALLOCATED)
            result.orders_allocated.append(order.id)
    result.shortfalls = _shortfalls(orders)
    db.session.flush()


def _allocate(line: OrderLine, stock: Stock, quantity: Decimal, user: User | None) -> None:
    existing = next((a for a in line.allocations if a.outlet_id == stock.outlet_id), None)
    if existing is None:
        line.allocations.append(Allocation(outlet_id=stock.outlet_id, quantity=quantity))
    else:
        existing.quantity += quantity
    stock_ledger.reserve(stock, quantity, line, user)


def _shortfalls(orders: list[Order]) -> list[LineShortfall]:
    return [
        LineShortfall(order.id, line.id, line.product.name, line.shortfall)
        for order in orders
        for line in order.lines
        if line.shortfall > 0
    ]


def release_allocations(order: Order, reason: str, user: User | None = None) -> Decimal:
    """Give an order's reserved stock back to its outlets; returns the quantity released."""
    released = Decimal(0)
    for line in order.lines:
        for allocation in list(line.allocations):
            stock_row = db.session.scalar(
                select(Stock).where(
                    Stock.outlet_id == allocation.outlet_id, Stock.product_id == line.product_id
                )
            )
            stock_ledger.release(stock_row, allocation.quantity, line, reason, user)
            released += allocation.quantity
            line.allocations.remove(allocation)
    db.session.flush()
    return released


def cancel_order(order: Order, user: User | None = None, reason: str | None = None) -> None:
    """Cancel an order and release whatever it had reserved."""
    order.transition_to(OrderStatus.CANCELLED)
    release_allocations(order, reason or _("Order cancelled"), user)


@dataclass
class MatchSummary:
    """A matching run in brief: counts, and per product the quantity and lines short."""

    changed: bool
    allocations: int
    orders_allocated: list[int]
    shortfalls: list[tuple[str, Decimal, int]]  # product, missing quantity, lines short


def summarise(result: MatchingResult) -> MatchSummary:
    """What a matching run did, for the page: shortfalls summed per product."""
    missing: dict[str, Decimal] = defaultdict(Decimal)
    lines: dict[str, int] = defaultdict(int)
    for shortfall in result.shortfalls:
        missing[shortfall.product_name] += shortfall.missing
        lines[shortfall.product_name] += 1
    return MatchSummary(
        changed=result.changed,
        allocations=len(result.allocations),
        orders_allocated=sorted(result.orders_allocated),
        shortfalls=sorted((name, missing[name], lines[name]) for name in missing),
    )
