"""Matching (分配): open order lines meet outlets' stock.

One CP-SAT model per run. It chooses how much of each open line each outlet covers so that
1. as much demand as possible is covered, the higher-priority and then the older orders
   first when a product is short;
2. an order's lines stay at one outlet unless splitting covers more;
3. transport (weight x road distance from outlet to delivery point) is least.
These goals are weighted so that each strictly dominates the next. What cannot be covered
stays open with its shortfall. Existing allocations are kept as they are, so running
matching again with nothing new changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ortools.sat.python import cp_model
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
from supply_match.services import stock as stock_ledger

# Quantities are decimals with two places; the model counts hundredths.
SCALE = 100
# Consider only this many nearest outlets per order: beyond them transport is never worth it.
CANDIDATE_OUTLETS = 6
COVER_OVER_SPLIT = 100


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
    """Where the goods go: the field point, the village collection point, or home."""
    if order.delivery_point == "field" and order.delivery_lat is not None:
        return order.delivery_lat, order.delivery_lon
    if order.delivery_point == "collection":
        village = order.household.village
        return village.collection_lat, village.collection_lon
    return order.household.lat, order.household.lon


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


def run_matching(user: User | None = None, *, deterministic_time_s: float = 20.0) -> MatchingResult:
    """Allocate open order lines to outlets' stock and reserve it. The caller commits."""
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
    products_in_stock = {product_id for (_outlet, product_id) in stock_rows}

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    distance_km: dict[tuple[int, int], float] = {}
    uses: dict[tuple[int, int], cp_model.IntVar] = {}
    objective = []

    # Weights: covering any unit beats every transport saving; keeping an order whole
    # beats transport but never beats covering more.
    max_distance_km = 1.0
    candidates: dict[int, list[int]] = {}
    order_weight_thousandths: dict[int, int] = {}
    for order in orders:
        open_kg = sum(
            (line.shortfall * line.product.unit_weight_kg for line in order.lines), Decimal(0)
        )
        order_weight_thousandths[order.id] = max(1, int(open_kg * 1000))
        lat, lon = delivery_point_of(order)
        wanted = {line.product_id for line in order.lines if line.shortfall > 0}
        if not wanted & products_in_stock:
            continue
        near = sorted(
            (
                (geo.road_distance_m(lat, lon, outlet.lat, outlet.lon) / 1000, outlet_id)
                for outlet_id, outlet in outlets.items()
                if any((outlet_id, product_id) in available for product_id in wanted)
            ),
        )[:CANDIDATE_OUTLETS]
        candidates[order.id] = [outlet_id for _d, outlet_id in near]
        for d, outlet_id in near:
            distance_km[order.id, outlet_id] = d
            max_distance_km = max(max_distance_km, d)

    # Integer weights. A variable counts hundredths of a unit and a unit weighs
    # ``unit_tenths_kg`` tenths of a kg, so var * unit_tenths_kg is kg * 1000.
    # transport: tenths of a km; an extra outlet for one order costs more than hauling the
    # whole order the farthest distance twice; covering costs nothing but earns at least
    # COVER_OVER_SPLIT times that per kg, so covering 1% more of an order beats keeping it whole.
    max_tenths_km = int(max_distance_km * 10) + 1
    split_per_kg = 2 * max_tenths_km
    cover_per_kg = COVER_OVER_SPLIT * split_per_kg
    ages = {order.id: rank for rank, order in enumerate(orders)}
    total = max(len(orders), 1)

    lines_by_stock: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for order, line in open_lines:
        outlet_ids = candidates.get(order.id, [])
        need = int(line.shortfall * SCALE)
        unit_tenths_kg = max(1, round(float(line.product.unit_weight_kg) * 10))
        # Priority first, then age: one priority step (200) outweighs the whole age range (100).
        age_bonus = (total - ages[order.id]) * 100 // total
        urgency = 100 + 200 * order.priority + age_bonus
        line_vars = []
        for outlet_id in outlet_ids:
            key = (outlet_id, line.product_id)
            if key not in available:
                continue
            var = model.NewIntVar(0, min(need, available[key]), f"x_{line.id}_{outlet_id}")
            x[line.id, outlet_id] = var
            line_vars.append(var)
            lines_by_stock[key].append(var)
            if (order.id, outlet_id) not in uses:
                uses[order.id, outlet_id] = model.NewBoolVar(f"y_{order.id}_{outlet_id}")
            model.Add(var <= need * uses[order.id, outlet_id])
            transport = int(distance_km[order.id, outlet_id] * 10)
            gain_per_kg = cover_per_kg * urgency // 100 - transport
            objective.append(var * (unit_tenths_kg * gain_per_kg))
        if line_vars:
            model.Add(sum(line_vars) <= need)

    for key, line_vars in lines_by_stock.items():
        model.Add(sum(line_vars) <= available[key])

    for (order_id, _outlet_id), used in uses.items():
        order_kg_thousandths = order_weight_thousandths[order_id]
        objective.append(-used * (order_kg_thousandths * split_per_kg))

    model.Maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = deterministic_time_s
    solver.parameters.random_seed = 2020
    status = solver.Solve(model)
    result.solver_status = solver.StatusName(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise MatchingError(f"匹配模型未能求解（{result.solver_status}），订单与库存均未改动")

    lines_by_id = {line.id: (order, line) for order, line in open_lines}
    for (line_id, outlet_id), var in sorted(x.items()):
        amount = solver.Value(var)
        if amount <= 0:
            continue
        order, line = lines_by_id[line_id]
        quantity = Decimal(amount) / SCALE
        _allocate(line, stock_rows[outlet_id, line.product_id], quantity, user)
        result.allocations.append(
            LineAllocation(
                order_id=order.id,
                order_line_id=line.id,
                product_name=line.product.name,
                outlet_name=outlets[outlet_id].name,
                quantity=quantity,
                distance_km=round(distance_km[order.id, outlet_id], 1),
            )
        )
    for order in orders:
        if all(line.shortfall <= 0 for line in order.lines):
            order.transition_to(OrderStatus.ALLOCATED)
            result.orders_allocated.append(order.id)
    result.shortfalls = _shortfalls(orders)
    db.session.flush()
    return result


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


def cancel_order(order: Order, user: User | None = None, reason: str = "订单取消") -> None:
    """Cancel an order and release whatever it had reserved."""
    order.transition_to(OrderStatus.CANCELLED)
    release_allocations(order, reason, user)
