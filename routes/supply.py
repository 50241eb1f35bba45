"""Supply against demand (供需底数) for dispatchers: figures per product and township,
a bar chart of demand against stock, the export, and the button that runs matching."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from routes.access import role_required
from routes.helpers import xlsx_response
from supply_match import labels
from supply_match.extensions import db
from supply_match.i18n import format_decimal
from supply_match.models import Order, Role, Township
from supply_match.services.county import settings as county_settings
from supply_match.services.supply import chart as supply_chart
from supply_match.services.supply import figures, matching

bp = Blueprint("supply", __name__)

DISPATCH_ROLES = (Role.DISPATCHER, Role.ADMIN)


def _figure(value: Decimal) -> str:
    return format_decimal(value, "#,##0.##")


def _page(filters: figures.SupplyFilters, status: int = 200, result=None):
    report = None if filters.errors else figures.report_for(filters)
    townships = db.session.execute(select(Township.id, Township.name).order_by(Township.code))
    has_orders = db.session.scalar(select(Order.id).limit(1)) is not None
    return (
        render_template(
            "supply/index.html",
            filters=filters,
            report=report,
            chart=supply_chart.lay_out(report.products, _figure) if report else None,
            totals=figures.weight_totals(report) if report else None,
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
    return xlsx_response(data, f"供需底数-{county_settings.county_today().isoformat()}.xlsx")


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
