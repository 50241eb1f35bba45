"""Orders and households, as far as the signed-in user may see them (services/scope.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from routes.access import role_required
from supply_match.extensions import db
from supply_match.models import Household, Order, OrderStatus, Village
from supply_match.services import scope
from supply_match.services.supply import matching

bp = Blueprint("orders", __name__)

# Why an order cannot be cancelled any more, by status (English msgids).
CANCEL_REFUSALS = {
    OrderStatus.SCHEDULED: _l(
        "This order is on a published delivery run. Ask the dispatcher to take it off "
        "the run before cancelling it."
    ),
    OrderStatus.DELIVERED: _l("This order has already been delivered and cannot be cancelled."),
    OrderStatus.CANCELLED: _l("This order is already cancelled."),
}
CANNOT_CANCEL = _l("This order cannot be cancelled.")


def cancel_refusal(order) -> str | None:
    if order.can_transition_to(OrderStatus.CANCELLED):
        return None
    return str(CANCEL_REFUSALS.get(OrderStatus(order.status), CANNOT_CANCEL))


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=int)


def _filters():
    villages = list(
        db.session.scalars(
            scope.villages_query(current_user).options(selectinload(Village.township))
        )
    )
    village_id = _int_arg("village")
    if village_id not in {village.id for village in villages}:
        village_id = None
    status = request.args.get("status")
    if status not in {str(s) for s in OrderStatus}:
        status = None
    return villages, village_id, status


@bp.get("/orders")
@role_required()
def order_list():
    villages, village_id, status = _filters()
    query = scope.orders_query(current_user, village_id=village_id, status=status).options(
        selectinload(Order.household).selectinload(Household.village).selectinload(Village.township)
    )
    page = db.paginate(
        query,
        page=_int_arg("page") or 1,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "orders/list.html",
        page=page,
        villages=villages,
        village_id=village_id,
        status=status,
        statuses=[str(s) for s in OrderStatus],
    )


@bp.get("/orders/<int:order_id>")
@role_required()
def order_detail(order_id: int):
    order = scope.get_order_for(current_user, order_id)
    return render_template("orders/detail.html", order=order, refusal=cancel_refusal(order))


@bp.post("/orders/<int:order_id>/cancel")
@role_required()
def order_cancel(order_id: int):
    order = scope.get_order_for(current_user, order_id)
    refusal = cancel_refusal(order)
    if refusal is not None:
        flash(refusal, "error")
        return render_template("orders/detail.html", order=order, refusal=refusal), 409
    matching.cancel_order(order, current_user, reason=_("Order %(id)s cancelled", id=order.id))
    db.session.commit()
    flash(_("Order %(id)s has been cancelled.", id=order.id), "success")
    return redirect(url_for("orders.order_detail", order_id=order.id))


@bp.get("/households")
@role_required()
def household_list():
    villages, village_id, _status = _filters()
    query = scope.households_query(current_user, village_id=village_id).options(
        selectinload(Household.village).selectinload(Village.township)
    )
    page = db.paginate(
        query,
        page=_int_arg("page") or 1,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "households/list.html", page=page, villages=villages, village_id=village_id
    )
