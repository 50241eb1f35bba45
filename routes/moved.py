"""Addresses people may have bookmarked before the order area became one (routes/orders.py):
each redirects to its new address with the query string kept. GETs move for good (301);
a cancel keeps its method and form (308)."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

bp = Blueprint("moved", __name__)


def _to(endpoint: str, code: int = 301, **values):
    target = url_for(endpoint, **values)
    query = request.query_string.decode("utf-8", "replace")
    return redirect(f"{target}?{query}" if query else target, code=code)


@bp.get("/lists/orders")
def orders():
    return _to("orders.order_list")


@bp.get("/lists/households")
def households():
    return _to("orders.household_list")


@bp.get("/lists/orders/export.xlsx")
def orders_export():
    return _to("orders.orders_export")


@bp.get("/lists/households/export.xlsx")
def households_export():
    return _to("orders.households_export")


@bp.route("/intake/orders/<int:order_id>/cancel", methods=["GET", "POST"])
def order_cancel(order_id: int):
    return _to("orders.order_cancel", 308, order_id=order_id)
