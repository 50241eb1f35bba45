"""What an order costs and who pays it, in fen.

A line's amount is its allocations' quantities times the outlet's price in force when
each allocation was made; while a line is not fully allocated, or an outlet had no price
then, the line and its order have no amount ("price not set"), never zero. How the total
is paid follows the order's payment way: prepaid orders owe nothing at the door, pay on
delivery owes all of it, and a subsidy programme pays its share and the household the
rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Load, selectinload

from supply_match.extensions import db
from supply_match.models import (
    DeliveryRun,
    DeliveryStop,
    Order,
    OrderLine,
    PaymentMethod,
    Product,
    StopItem,
)
from supply_match.services.supply.money import fen_of, share_of
from supply_match.services.supply.prices import unit_prices_at


@dataclass(frozen=True)
class OrderAmounts:
    total_fen: int | None
    subsidy_fen: int | None  # what the programme pays, for subsidy orders
    due_fen: int | None  # what the household pays at the door
    line_fen: dict[int, int | None] = field(default_factory=dict)

    @property
    def priced(self) -> bool:
        return self.total_fen is not None


def pricing_loads() -> tuple:
    """Loader options for an Order that bring what ``amounts_for`` reads (lines with their
    products joined, their allocations, the subsidy programme) in one query each, to be
    passed to ``.options()`` of a relationship that ends at orders."""
    lines = selectinload(Order.lines)
    return (
        lines.selectinload(OrderLine.allocations),
        lines.joinedload(OrderLine.product),
        selectinload(Order.subsidy_programme),
    )


def joined_pricing_loads(orders: Load) -> tuple:
    """The same as ``pricing_loads``, joined into the query that loads ``orders`` (a
    loader option ending at orders): for the few orders of one phone's runs, where one
    statement costs more than the rows it repeats."""
    lines = orders.joinedload(Order.lines)
    return (
        lines.joinedload(OrderLine.allocations),
        lines.joinedload(OrderLine.product),
        orders.joinedload(Order.subsidy_programme),
    )


def amounts_for(orders: Iterable[Order]) -> dict[int, OrderAmounts]:
    """Order id -> its amounts, reading the price history once for all of them."""
    orders = list(orders)
    wanted = {
        (allocation.outlet_id, line.product_id, allocation.created_at)
        for order in orders
        for line in order.lines
        for allocation in line.allocations
    }
    prices = unit_prices_at(wanted)
    result = {}
    for order in orders:
        line_fen: dict[int, int | None] = {}
        for line in order.lines:
            amount: int | None = 0
            if not line.allocations or line.allocated_quantity < line.quantity:
                amount = None
            for allocation in line.allocations:
                price = prices[(allocation.outlet_id, line.product_id, allocation.created_at)]
                if price is None or amount is None:
                    amount = None
                    break
                amount += fen_of(allocation.quantity, price)
            line_fen[line.id] = amount
        total = None if None in line_fen.values() else sum(line_fen.values())
        result[order.id] = _split(order, total, line_fen)
    return result


def _split(order: Order, total: int | None, line_fen: dict[int, int | None]) -> OrderAmounts:
    if total is None:
        due = 0 if order.payment_method == PaymentMethod.PREPAID else None
        return OrderAmounts(None, None, due, line_fen)
    if order.payment_method == PaymentMethod.PREPAID:
        return OrderAmounts(total, None, 0, line_fen)
    if order.payment_method == PaymentMethod.SUBSIDY:
        subsidy = share_of(total, order.subsidy_programme.share_percent)
        return OrderAmounts(total, subsidy, total - subsidy, line_fen)
    return OrderAmounts(total, None, total, line_fen)


def order_amounts(order: Order) -> OrderAmounts:
    return amounts_for([order])[order.id]


def order_stop_dues(stops: Iterable[DeliveryStop]) -> dict[tuple[int, int], int | None]:
    """(order id, stop id) -> what to collect for that order at that stop (None where a
    price is missing).

    An order split over several stops of its plan (pesticide apart from seed, or too big
    for one vehicle) is collected in proportion to the weight each stop carries of it,
    its other stops counted even when they are not among ``stops`` (another run, another
    volunteer's phone), so that no two stops collect the same money; the last of its
    stops takes the fen left by rounding."""
    stops = list(stops)
    orders = {item.order_id: item.order for stop in stops for item in stop.items}
    amounts = amounts_for(orders.values())
    wanted = {(item.order_id, stop.id) for stop in stops for item in stop.items}
    # Nothing to share out where nothing is due (prepaid) or the price is missing.
    dues = {key: amounts[key[0]].due_fen for key in wanted if not amounts[key[0]].due_fen}
    to_split = {order_id for order_id, amount in amounts.items() if amount.due_fen}
    weight = _order_weight_by_stop(stops, to_split)
    order_weight: dict[int, Decimal] = defaultdict(Decimal)
    parts: dict[int, int] = defaultdict(int)
    for (order_id, _stop_id), kg in weight.items():
        order_weight[order_id] += kg
        parts[order_id] += 1
    given: dict[int, int] = defaultdict(int)
    seen: dict[int, int] = defaultdict(int)
    for (order_id, stop_id), kg in sorted(weight.items()):
        due = amounts[order_id].due_fen
        seen[order_id] += 1
        if seen[order_id] == parts[order_id]:
            share = due - given[order_id]
        else:
            share = int(due * kg / order_weight[order_id]) if order_weight[order_id] else 0
        given[order_id] += share
        if (order_id, stop_id) in wanted:
            dues[(order_id, stop_id)] = share
    return dues


def _order_weight_by_stop(
    stops: list[DeliveryStop], order_ids: set[int]
) -> dict[tuple[int, int], Decimal]:
    """(order id, stop id) -> kg of the order at that stop, over every stop of the given
    stops' plans that carries one of ``order_ids`` (one query)."""
    weight: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    if not stops or not order_ids:
        return weight
    plans = select(DeliveryRun.plan_id).where(DeliveryRun.id.in_({s.run_id for s in stops}))
    rows = db.session.execute(
        select(StopItem.order_id, StopItem.stop_id, StopItem.quantity, Product.unit_weight_kg)
        .join(OrderLine, StopItem.order_line_id == OrderLine.id)
        .join(Product, OrderLine.product_id == Product.id)
        .join(DeliveryStop, StopItem.stop_id == DeliveryStop.id)
        .join(DeliveryRun, DeliveryStop.run_id == DeliveryRun.id)
        .where(StopItem.order_id.in_(order_ids), DeliveryRun.plan_id.in_(plans))
    )
    for order_id, stop_id, quantity, unit_kg in rows:
        weight[(order_id, stop_id)] += quantity * unit_kg
    return weight


def stop_dues(stops: Iterable[DeliveryStop]) -> dict[int, int | None]:
    """Stop id -> what to collect there, all its orders together (None where a price is
    missing)."""
    stops = list(stops)
    totals: dict[int, int | None] = {stop.id: 0 for stop in stops}
    for (_order_id, stop_id), due in order_stop_dues(stops).items():
        if due is None or totals[stop_id] is None:
            totals[stop_id] = None
        else:
            totals[stop_id] += due
    return totals
