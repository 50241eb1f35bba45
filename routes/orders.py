"""The one area for orders and households as far as the signed-in user may see them
(services/scope.py): the lists with their filters and .xlsx exports, an order's page,
and cancelling it. Adding and editing are the intake forms (routes/intake.py)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from routes.access import role_required
from routes.helpers import page_arg, xlsx_response
from supply_match.extensions import db
from supply_match.models import Household, Order, OrderLine, OrderStatus, Product, Village
from supply_match.services import scope
from supply_match.services.county import settings as county_settings
from supply_match.services.intake import exports, payments, visit_notes
from supply_match.services.intake import forms as intake
from supply_match.services.intake.listing import (
    ListFilters,
    filtered_households,
    filtered_orders,
    read_list_filters,
)
from supply_match.services.planning import order_plans
from supply_match.services.supply.amounts import order_amounts

bp = Blueprint("orders", __name__)


def _villages() -> list[Village]:
    return list(
        db.session.scalars(scope.villages_query(current_user).options(joinedload(Village.township)))
    )


def _products() -> list[Product]:
    return list(
        db.session.scalars(
            select(Product).where(Product.active.is_(True)).order_by(Product.category, Product.code)
        )
    )


def _list_page(template: str, endpoint: str, query, filters: ListFilters, villages):
    if filters.errors:
        page = None
    else:
        page = db.paginate(
            query, page=page_arg(), per_page=current_app.config["PAGE_SIZE"], error_out=False
        )
    return render_template(
        template,
        page=page,
        filters=filters,
        villages=villages,
        products=_products(),
        statuses=[str(s) for s in OrderStatus],
        endpoint=endpoint,
    ), 400 if filters.errors else 200


@bp.get("/orders")
@role_required()
def order_list():
    villages = _villages()
    filters = read_list_filters(request.args, villages)
    # What an order, line or household has one of is joined into its own query: a
    # query each was a third of the list's time.
    query = filtered_orders(current_user, filters).options(
        selectinload(Order.lines).joinedload(OrderLine.product),
        joinedload(Order.household).joinedload(Household.village).joinedload(Village.township),
    )
    return _list_page("orders/list.html", "orders.order_list", query, filters, villages)


@bp.get("/orders/export.xlsx")
@role_required()
def orders_export():
    filters = read_list_filters(request.args, _villages())
    if filters.errors:
        abort(400)
    data = exports.orders_xlsx(current_user, filters)
    return xlsx_response(data, f"订单-{county_settings.county_today().isoformat()}.xlsx")


@bp.get("/orders/<int:order_id>")
@role_required()
def order_detail(order_id: int):
    order = scope.get_order_for(current_user, order_id)
    refusal = intake.why_not_editable(order)
    on_plan = order_plans.order_on_plan(order)
    return render_template(
        "orders/detail.html",
        order=order,
        refusal=refusal,
        amounts=order_amounts(order),
        payment_label=payments.payment_label,
        on_plan=on_plan,
        two_visits=visit_notes.seed_and_pesticide_on_one_day(order),
    )


@bp.route("/orders/<int:order_id>/cancel", methods=["GET", "POST"])
@role_required()
def order_cancel(order_id: int):
    """GET asks first (or says why not); a POST cancels once confirmed on that page (a
    POST without ``confirm`` only asks)."""
    order = scope.get_order_for(current_user, order_id)
    confirmed = request.method == "POST" and request.form.get("confirm") == "1"
    reason = intake.why_not_editable(order)
    if request.method == "GET" or (not confirmed and not reason):
        if reason:
            return render_template("intake/not_editable.html", order=order, reason=reason)
        return render_template("orders/cancel.html", order=order)
    try:
        intake.cancel(current_user, order)
    except intake.NotEditable as refusal:
        flash(str(refusal), "error")
        return render_template(
            "orders/detail.html",
            order=order,
            refusal=str(refusal),
            amounts=order_amounts(order),
            payment_label=payments.payment_label,
        ), 409
    flash(_("Order %(id)s has been cancelled.", id=order.id), "success")
    return redirect(url_for("orders.order_detail", order_id=order.id))


@bp.get("/households")
@role_required()
def household_list():
    villages = _villages()
    filters = read_list_filters(request.args, villages)
    query = filtered_households(current_user, filters).options(
        joinedload(Household.village).joinedload(Village.township)
    )
    return _list_page("households/list.html", "orders.household_list", query, filters, villages)


@bp.get("/households/export.xlsx")
@role_required()
def households_export():
    filters = read_list_filters(request.args, _villages())
    if filters.errors:
        abort(400)
    data = exports.households_xlsx(current_user, filters)
    return xlsx_response(data, f"农户-{county_settings.county_today().isoformat()}.xlsx")
