"""Supply against demand (供需底数) for dispatchers: figures per product and township,
a bar chart of demand against stock, the export, and the button that runs matching."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from routes.access import role_required
from routes.helpers import xlsx_response
from supply_match import labels
from supply_match.extensions import db
from supply_match.models import Order, Role, Township
from supply_match.services.supply import figures, matching
from supply_match.services.supply.figures import SupplyReport

bp = Blueprint("supply", __name__)

DISPATCH_ROLES = (Role.DISPATCHER, Role.ADMIN)


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


def _page(filters: figures.SupplyFilters, status: int = 200, result=None):
    report = None if filters.errors else figures.report_for(filters)
    townships = db.session.execute(select(Township.id, Township.name).order_by(Township.code))
    has_orders = db.session.scalar(select(Order.id).limit(1)) is not None
    return (
        render_template(
            "supply/index.html",
            filters=filters,
            report=report,
            chart=chart_rows(report) if report else [],
            totals=figures.weight_totals(report) if report else None,
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
    filters = figures.read_filters(request.args)
    return _page(filters, 400 if filters.errors else 200)


@bp.get("/supply/export.xlsx")
@role_required(*DISPATCH_ROLES)
def export():
    filters = figures.read_filters(request.args)
    if filters.errors:
        return _page(filters, 400)
    data = figures.export_xlsx(figures.report_for(filters))
    return xlsx_response(data, f"供需底数-{date.today().isoformat()}.xlsx")


@bp.post("/supply/match")
@role_required(*DISPATCH_ROLES)
def run_matching():
    filters = figures.read_filters(request.args)
    try:
        result = matching.run_matching(current_user)
    except matching.MatchingError as error:
        flash(_("Matching could not be completed: %(error)s", error=str(error)), "error")
        return _page(filters, 409)
    summary = matching.summarise(result)
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
