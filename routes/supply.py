"""Supply against demand (供需底数) for dispatchers: figures per product and township,
a bar chart of demand against stock, the export, and the button that runs matching."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from routes.access import role_required
from routes.helpers import parse_date, xlsx_response
from supply_match import labels
from supply_match.extensions import db
from supply_match.models import Order, Role, Township
from supply_match.services.county import settings as county_settings
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.supply import matching
from supply_match.services.supply.figures import SupplyReport, supply_report

bp = Blueprint("supply", __name__)

DISPATCH_ROLES = (Role.DISPATCHER, Role.ADMIN)


@dataclass
class SupplyFilters:
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
    """The filters from query arguments; anything wrong is named in ``errors``."""
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
    return supply_report(
        date_from=filters.date_from,
        date_to=filters.date_to,
        category=filters.category,
        township_id=filters.township_id,
    )


# The chart: one row per product, demand and stock bars scaled to that product's larger
# figure (units differ between products, so rows are not compared with each other).
CHART_WIDTH = 640
CHART_LABEL_WIDTH = 170
CHART_BAR_WIDTH = 330
CHART_ROW_HEIGHT = 44


@dataclass
class ChartRow:
    y: int
    name: str
    unit: str
    ordered: Decimal
    stock: Decimal
    ordered_width: float
    stock_width: float
    short: bool


def chart_rows(report: SupplyReport) -> list[ChartRow]:
    rows = []
    for index, product in enumerate(report.products):
        largest = max(product.total.ordered, product.total.stock) or Decimal(1)
        rows.append(
            ChartRow(
                y=index * CHART_ROW_HEIGHT + 30,
                name=product.name,
                unit=product.unit,
                ordered=product.total.ordered,
                stock=product.total.stock,
                ordered_width=round(float(product.total.ordered / largest) * CHART_BAR_WIDTH, 1),
                stock_width=round(float(product.total.stock / largest) * CHART_BAR_WIDTH, 1),
                short=product.shortfall > 0,
            )
        )
    return rows


@dataclass
class WeightTotals:
    """The figures of every product in kilograms: units differ, weights add up."""

    ordered: Decimal = Decimal(0)
    allocated: Decimal = Decimal(0)
    delivered: Decimal = Decimal(0)
    stock: Decimal = Decimal(0)
    available: Decimal = Decimal(0)
    shortfall: Decimal = Decimal(0)


def weight_totals(report: SupplyReport) -> WeightTotals:
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


def _page(filters: SupplyFilters, status: int = 200, result=None):
    report = None if filters.errors else report_for(filters)
    townships = db.session.execute(select(Township.id, Township.name).order_by(Township.code))
    has_orders = db.session.scalar(select(Order.id).limit(1)) is not None
    return (
        render_template(
            "supply/index.html",
            filters=filters,
            report=report,
            chart=chart_rows(report) if report else [],
            totals=weight_totals(report) if report else None,
            chart_size=(CHART_WIDTH, CHART_LABEL_WIDTH, CHART_BAR_WIDTH, CHART_ROW_HEIGHT),
            townships=townships.all(),
            categories=labels.PRODUCT_CATEGORIES,
            has_orders=has_orders,
            result=result,
        ),
        status,
    )


@bp.get("/supply")
@role_required(*DISPATCH_ROLES)
def index():
    filters = read_filters(request.args)
    return _page(filters, 400 if filters.errors else 200)


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


@bp.get("/supply/export.xlsx")
@role_required(*DISPATCH_ROLES)
def export():
    filters = read_filters(request.args)
    if filters.errors:
        return _page(filters, 400)
    data = sheets.write_xlsx(EXPORT_COLUMNS, export_rows(report_for(filters)), "供需底数")
    return xlsx_response(data, f"供需底数-{county_settings.county_today().isoformat()}.xlsx")


@dataclass
class MatchSummary:
    changed: bool
    allocations: int
    orders_allocated: list[int]
    shortfalls: list[tuple[str, Decimal, int]]  # product, missing quantity, lines short


def summarise(result: matching.MatchingResult) -> MatchSummary:
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


@bp.post("/supply/match")
@role_required(*DISPATCH_ROLES)
def run_matching():
    filters = read_filters(request.args)
    try:
        result = matching.run_matching(current_user)
    except matching.MatchingError as error:
        db.session.rollback()
        flash(_("Matching could not be completed: %(error)s", error=str(error)), "error")
        return _page(filters, 409)
    db.session.commit()
    summary = summarise(result)
    if summary.changed:
        flash(
            _(
                "Matching made %(allocations)s allocations; %(orders)s orders are now fully "
                "allocated.",
                allocations=summary.allocations,
                orders=len(summary.orders_allocated),
            ),
            "success",
        )
    else:
        flash(_("Matching ran: nothing changed."), "info")
    return _page(filters, 200, result=summary)
