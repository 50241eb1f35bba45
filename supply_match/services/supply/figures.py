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

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from supply_match import labels
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
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.fields import parse_date

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


@dataclass
class SupplyFilters:
    """Which orders and stock the report counts; ``errors`` names each bad filter."""

    date_from: date | None = None
    date_to: date | None = None
    category: str | None = None
    township_id: int | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def as_args(self) -> dict[str, str]:
        args = {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "category": self.category or "",
            "township": str(self.township_id or ""),
        }
        return {key: value for key, value in args.items() if value}


def read_filters(args) -> SupplyFilters:
    """The filters from query arguments (a mapping of strings, such as ``request.args``);
    anything wrong is named in ``errors``, never raised."""
    filters = SupplyFilters()
    filters.date_from = parse_date(args.get("date_from"), filters.errors, "date_from")
    filters.date_to = parse_date(args.get("date_to"), filters.errors, "date_to")
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        filters.errors["date_to"] = _("The end date cannot be before the start date.")
    category = (args.get("category") or "").strip()
    if category:
        if category in labels.PRODUCT_CATEGORIES:
            filters.category = category
        else:
            filters.errors["category"] = _("Please choose a category from the list.")
    township = (args.get("township") or "").strip()
    if township:
        if township.isdigit() and db.session.get(Township, int(township)) is not None:
            filters.township_id = int(township)
        else:
            filters.errors["township"] = _("Please choose a township from the list.")
    return filters


def report_for(filters: SupplyFilters) -> SupplyReport:
    """The supply report under ``filters`` (which must have no errors)."""
    return supply_report(
        date_from=filters.date_from,
        date_to=filters.date_to,
        category=filters.category,
        township_id=filters.township_id,
    )


def supply_report(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    category: str | None = None,
    township_id: int | None = None,
) -> SupplyReport:
    """Demand, allocations and stock per product and township, in each product's unit.

    Orders count when their wanted range overlaps [date_from, date_to]; ``category`` and
    ``township_id`` narrow products, orders (by household) and stock (by outlet).
    Products with neither demand nor stock are left out."""
    products = _products(category)
    order_filter = [Order.status != OrderStatus.CANCELLED]
    if date_from:
        order_filter.append(Order.wanted_to >= date_from)
    if date_to:
        order_filter.append(Order.wanted_from <= date_to)
    if township_id:
        order_filter.append(Village.township_id == township_id)
    _add_demand(products, order_filter)
    _add_allocated(products, order_filter)
    _add_stock(products, township_id)
    for product in products.values():
        for cell in product.by_township.values():
            product.total.add(cell)
    townships = dict(
        db.session.execute(select(Township.id, Township.name).order_by(Township.code)).all()
    )
    listed = [p for p in products.values() if p.total.ordered or p.total.stock]
    return SupplyReport(products=listed, townships=townships)


def _products(category: str | None) -> dict[int, ProductSupply]:
    # Inactive products still count: their open orders are demand all the same.
    product_filter = []
    if category:
        product_filter.append(Product.category == category)
    return {
        p.id: ProductSupply(p.id, p.name, p.category, p.unit, p.unit_weight_kg)
        for p in db.session.scalars(
            select(Product).where(*product_filter).order_by(Product.category, Product.code)
        )
    }


def _add_demand(products: dict[int, ProductSupply], order_filter: list) -> None:
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


def _add_allocated(products: dict[int, ProductSupply], order_filter: list) -> None:
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


def _add_stock(products: dict[int, ProductSupply], township_id: int | None) -> None:
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


@dataclass
class WeightTotals:
    """The figures of every product in kilograms: units differ, weights add up."""

    ordered: Decimal = ZERO
    allocated: Decimal = ZERO
    delivered: Decimal = ZERO
    stock: Decimal = ZERO
    available: Decimal = ZERO
    shortfall: Decimal = ZERO


def weight_totals(report: SupplyReport) -> WeightTotals:
    """The report's figures summed over products, in kg."""
    totals = WeightTotals()
    for product in report.products:
        kg = product.unit_weight_kg
        totals.ordered += product.total.ordered * kg
        totals.allocated += product.total.allocated * kg
        totals.delivered += product.total.delivered * kg
        totals.stock += product.total.stock * kg
        totals.available += product.total.available * kg
        totals.shortfall += product.shortfall * kg
    return totals


EXPORT_COLUMNS = [
    sheets.Column("product", "产品", width=22),
    sheets.Column("category", "类别", width=8),
    sheets.Column("unit", "单位", width=6),
    sheets.Column("township", "乡镇", width=12),
    sheets.Column("ordered", "订购", width=10),
    sheets.Column("allocated", "已分配", width=10),
    sheets.Column("delivered", "已送达", width=10),
    sheets.Column("stock", "库存", width=10),
    sheets.Column("available", "可用库存", width=10),
    sheets.Column("unallocated", "未分配", width=10),
    sheets.Column("shortfall", "缺口", width=10),
]


def export_rows(report: SupplyReport) -> list[list[object]]:
    """One row per product (township 合计) followed by one per township."""
    rows: list[list[object]] = []
    for product in report.products:
        category = labels.label(labels.PRODUCT_CATEGORIES, product.category)
        total = product.total
        rows.append(
            [product.name, category, product.unit, "合计", total.ordered, total.allocated,
             total.delivered, total.stock, total.available, total.unallocated, product.shortfall]
        )  # fmt: skip
        for township_id, cell in sorted(product.by_township.items()):
            rows.append(
                [product.name, category, product.unit, report.townships.get(township_id, ""),
                 cell.ordered, cell.allocated, cell.delivered, cell.stock, cell.available,
                 cell.unallocated, None]
            )  # fmt: skip
    return rows


def export_xlsx(report: SupplyReport) -> bytes:
    """The report as an .xlsx workbook (sheet 供需底数)."""
    return sheets.write_xlsx(EXPORT_COLUMNS, export_rows(report), "供需底数")
