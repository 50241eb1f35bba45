"""Orders and households, as far as the signed-in user may see them (services/scope.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from routes.access import role_required
from supply_match.extensions import db
from supply_match.models import Household, Order, OrderStatus, Village
from supply_match.services import scope
from supply_match.services.intake import forms as intake

bp = Blueprint("orders", __name__)


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
    refusal = intake.why_not_editable(order)
    return render_template("orders/detail.html", order=order, refusal=refusal)


@bp.post("/orders/<int:order_id>/cancel")
@role_required()
def order_cancel(order_id: int):
    order = scope.get_order_for(current_user, order_id)
    try:
        intake.cancel(current_user, order)
    except intake.NotEditable as refusal:
        flash(str(refusal), "error")
        return render_template("orders/detail.html", order=order, refusal=str(refusal)), 409
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
