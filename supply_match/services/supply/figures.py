"""Supply against demand (供需底数), per product and township.

Demand counts every order that is not cancelled, by the household's township. Stock
counts what outlets hold, by the outlet's township. A product's shortfall is the demand
neither delivered nor allocated that the stock still available anywhere cannot cover.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select

from supply_match.extensions import db
from supply_match.models import (
    Allocation,
    Household,
    Order,
    OrderLine,
    OrderStatus,
    Outlet,
    Product,
    Stock,
    Township,
    Village,
)

ZERO = Decimal(0)


@dataclass
class Figures:
    ordered: Decimal = ZERO
    allocated: Decimal = ZERO
    delivered: Decimal = ZERO
    stock: Decimal = ZERO
    available: Decimal = ZERO

    @property
    def unallocated(self) -> Decimal:
        return max(ZERO, self.ordered - self.delivered - self.allocated)

    def add(self, other: Figures) -> None:
        self.ordered += other.ordered
        self.allocated += other.allocated
        self.delivered += other.delivered
        self.stock += other.stock
        self.available += other.available


@dataclass
class ProductSupply:
    product_id: int
    name: str
    category: str
    unit: str
    unit_weight_kg: Decimal
    total: Figures = field(default_factory=Figures)
    by_township: dict[int, Figures] = field(default_factory=lambda: defaultdict(Figures))

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO, self.total.unallocated - self.total.available)

    @property
    def shortfall_weight_kg(self) -> Decimal:
        return self.shortfall * self.unit_weight_kg


@dataclass
class SupplyReport:
    products: list[ProductSupply]
    townships: dict[int, str]

    @property
    def short_products(self) -> list[ProductSupply]:
        return [p for p in self.products if p.shortfall > 0]


def supply_report(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    category: str | None = None,
    township_id: int | None = None,
) -> SupplyReport:
    """Orders count when their wanted range overlaps [date_from, date_to]."""
    # Inactive products still count: their open orders are demand all the same.
    product_filter = []
    if category:
        product_filter.append(Product.category == category)
    products = {
        p.id: ProductSupply(p.id, p.name, p.category, p.unit, p.unit_weight_kg)
        for p in db.session.scalars(
            select(Product).where(*product_filter).order_by(Product.category, Product.code)
        )
    }
    order_filter = [Order.status != OrderStatus.CANCELLED]
    if date_from:
        order_filter.append(Order.wanted_to >= date_from)
    if date_to:
        order_filter.append(Order.wanted_from <= date_to)
    if township_id:
        order_filter.append(Village.township_id == township_id)

    demand = (
        select(
            OrderLine.product_id,
            Village.township_id,
            Order.status,
            func.sum(OrderLine.quantity),
        )
        .join(Order, OrderLine.order_id == Order.id)
        .join(Household, Order.household_id == Household.id)
        .join(Village, Household.village_id == Village.id)
        .where(*order_filter)
        .group_by(OrderLine.product_id, Village.township_id, Order.status)
    )
    for product_id, town, status, quantity in db.session.execute(demand):
        if product_id not in products:
            continue
        cell = products[product_id].by_township[town]
        cell.ordered += quantity
        if status == OrderStatus.DELIVERED:
            cell.delivered += quantity

    allocated = (
        select(OrderLine.product_id, Village.township_id, func.sum(Allocation.quantity))
        .join(OrderLine, Allocation.order_line_id == OrderLine.id)
        .join(Order, OrderLine.order_id == Order.id)
        .join(Household, Order.household_id == Household.id)
        .join(Village, Household.village_id == Village.id)
        .where(*order_filter, Order.status != OrderStatus.DELIVERED)
        .group_by(OrderLine.product_id, Village.township_id)
    )
    for product_id, town, quantity in db.session.execute(allocated):
        if product_id in products:
            products[product_id].by_township[town].allocated += quantity

    stock_filter = [Outlet.active.is_(True)]
    if township_id:
        stock_filter.append(Outlet.township_id == township_id)
    stock = (
        select(
            Stock.product_id, Outlet.township_id, func.sum(Stock.quantity), func.sum(Stock.reserved)
        )
        .join(Outlet, and_(Stock.outlet_id == Outlet.id))
        .where(*stock_filter)
        .group_by(Stock.product_id, Outlet.township_id)
    )
    for product_id, town, quantity, reserved in db.session.execute(stock):
        if product_id in products:
            cell = products[product_id].by_township[town]
            cell.stock += quantity
            cell.available += quantity - reserved

    for product in products.values():
        for cell in product.by_township.values():
            product.total.add(cell)
    townships = dict(
        db.session.execute(select(Township.id, Township.name).order_by(Township.code)).all()
    )
    listed = [p for p in products.values() if p.total.ordered or p.total.stock]
    return SupplyReport(products=listed, townships=townships)
