"""Order intake by village cadres, phone first: add a household, add or edit an order
with its lines. The rules live in services/intake/forms.py; these views parse and render.
The lists, an order's page and cancelling are routes/orders.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from routes.access import role_required
from routes.helpers import parse_date, parse_float, parse_whole, record_id
from supply_match import labels
from supply_match.extensions import db
from supply_match.models import (
    DeliveryPoint,
    Household,
    Order,
    Product,
    Village,
)
from supply_match.services import scope
from supply_match.services.county import settings as county_settings
from supply_match.services.fields import id_value
from supply_match.services.intake import forms as intake
from supply_match.services.intake import payments

bp = Blueprint("intake", __name__)

MIN_LINE_ROWS = 5
MAX_LINE_ROWS = 30


def _villages() -> list[Village]:
    return list(db.session.scalars(scope.villages_query(current_user)))


def _products() -> list[Product]:
    return list(
        db.session.scalars(
            select(Product).where(Product.active.is_(True)).order_by(Product.category, Product.code)
        )
    )


def _time(text: str | None, errors: dict, key: str) -> time | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        errors[key] = _("Please enter a time such as 08:00.")
        return None


# Households


@bp.route("/intake/households/new", methods=["GET", "POST"])
@role_required()
def household_new():
    villages = _villages()
    values: dict = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        values = form.to_dict()
        group_text = (form.get("group_no") or "").strip()
        # Not a whole number: None, which the service names under group_no with the rest.
        group_no = parse_whole(group_text, {}, "group_no", high=999)
        lat = parse_float(form.get("lat"), errors, "location")
        lon = parse_float(form.get("lon"), errors, "location")
        if not errors:
            data = intake.HouseholdInput(
                village_id=form.get("village_id", type=id_value),
                name=form.get("name", ""),
                mobile=form.get("mobile", ""),
                group_no=group_no,
                lat=lat,
                lon=lon,
                gcj02=form.get("gcj02") == "1",
            )
            try:
                household = intake.add_household(current_user, data)
            except intake.IntakeError as error:
                errors = error.errors
            else:
                flash(_("Household %(name)s added.", name=household.name), "success")
                return redirect(url_for("intake.order_new", household=household.id))
    elif len(villages) == 1:
        values["village_id"] = str(villages[0].id)
    return render_template(
        "intake/household_form.html", villages=villages, values=values, errors=errors
    ), 422 if errors else 200


# Orders

# A county has tens of thousands of households: the order form offers at most this many,
# narrowed by village and by part of a name or mobile number.
HOUSEHOLD_CHOICES = 300


@dataclass
class HouseholdSearch:
    villages: list[Village]
    village_id: int | None
    q: str
    too_many: bool


def _household_choices() -> tuple[list[Household], HouseholdSearch]:
    villages = _villages()
    village_id = request.args.get("village", type=id_value)
    if village_id not in {village.id for village in villages}:
        village_id = None
    q = (request.args.get("q") or "").strip()[:32]
    query = scope.households_query(current_user, village_id=village_id).options(
        selectinload(Household.village)
    )
    if q:
        query = query.where(Household.name.contains(q) | Household.mobile.contains(q))
    households = list(db.session.scalars(query.limit(HOUSEHOLD_CHOICES + 1)))
    too_many = len(households) > HOUSEHOLD_CHOICES
    return households[:HOUSEHOLD_CHOICES], HouseholdSearch(villages, village_id, q, too_many)


@dataclass
class OrderForm:
    """What the order form shows: values as typed, errors by field, the line rows."""

    values: dict = field(default_factory=dict)
    lines: list[tuple[str, str]] = field(default_factory=list)  # product id, quantity
    errors: dict[str, str] = field(default_factory=dict)

    def padded_lines(self) -> list[tuple[str, str]]:
        rows = list(self.lines)
        blanks = max(MIN_LINE_ROWS - len(rows), 2 if rows else MIN_LINE_ROWS)
        return (rows + [("", "")] * blanks)[: max(MAX_LINE_ROWS, len(rows))]


def _posted_lines(form) -> list[tuple[str, str]]:
    rows = []
    for index in range(1, MAX_LINE_ROWS + 1):
        product = (form.get(f"lines-{index}-product") or "").strip()
        quantity = (form.get(f"lines-{index}-quantity") or "").strip()
        rows.append((product, quantity))
    while rows and rows[-1] == ("", ""):
        rows.pop()
    return rows


def read_order(form, household_id: int | None) -> tuple[intake.OrderInput, OrderForm]:
    shown = OrderForm(values=form.to_dict(), lines=_posted_lines(form))
    errors = shown.errors
    lines = [(record_id(product), quantity) for product, quantity in shown.lines]
    data = intake.OrderInput(
        household_id=household_id,
        lines=lines,
        delivery_point=form.get("delivery_point") or DeliveryPoint.HOME,
        field_lat=parse_float(form.get("field_lat"), errors, "field_point"),
        field_lon=parse_float(form.get("field_lon"), errors, "field_point"),
        field_gcj02=form.get("field_gcj02") == "1",
        wanted_from=parse_date(form.get("wanted_from"), errors, "wanted_from"),
        wanted_to=parse_date(form.get("wanted_to"), errors, "wanted_to"),
        window_start=_time(form.get("window_start"), errors, "window_start"),
        window_end=_time(form.get("window_end"), errors, "window_end"),
        priority=parse_whole(form.get("priority"), errors, "priority", high=9) or 0,
        note=form.get("note"),
        payment_method=form.get("payment_method"),
        subsidy_programme=form.get("subsidy_programme") or None,
    )
    return data, shown


def _order_form_page(template_args: dict, shown: OrderForm, status: int = 200):
    return render_template(
        "intake/order_form.html",
        form=shown,
        products=_products(),
        delivery_points=labels.DELIVERY_POINTS,
        payment_labels=payments.PAYMENT_LABELS,
        programmes=payments.programmes(),
        **template_args,
    ), status


@bp.route("/intake/orders/new", methods=["GET", "POST"])
@role_required()
def order_new():
    household = None
    household_id = request.values.get("household", type=id_value)
    if household_id:
        household = scope.get_household_for(current_user, household_id)
    households, search = ([], None) if household else _household_choices()
    if request.method == "POST":
        data, shown = read_order(request.form, household_id)
        saved = _save_order(shown, lambda: intake.create_order(current_user, data))
        if saved is not None:
            return saved
        return _order_form_page(
            dict(household=household, households=households, order=None, search=search), shown, 422
        )
    today = county_settings.county_today()
    shown = OrderForm(
        values={
            "delivery_point": "home",
            "wanted_from": today.isoformat(),
            "payment_method": "on_delivery",
        }
    )
    return _order_form_page(
        dict(household=household, households=households, order=None, search=search), shown
    )


def _save_order(shown: OrderForm, save: Callable[[], Order]):
    """Run ``save`` (one use case) when the form read cleanly: the order's page once saved, or None
    with the service's errors added to the form and nothing saved."""
    if shown.errors:
        return None
    try:
        order = save()
    except intake.IntakeError as error:
        shown.errors.update(error.errors)
        return None
    flash(_("Order %(id)s saved.", id=order.id), "success")
    return redirect(url_for("orders.order_detail", order_id=order.id))


def _order_values(order: Order) -> OrderForm:
    values = {
        "delivery_point": order.delivery_point,
        "field_lat": order.delivery_lat if order.delivery_lat is not None else "",
        "field_lon": order.delivery_lon if order.delivery_lon is not None else "",
        "wanted_from": order.wanted_from.isoformat(),
        "wanted_to": order.wanted_to.isoformat(),
        "window_start": order.window_start.strftime("%H:%M") if order.window_start else "",
        "window_end": order.window_end.strftime("%H:%M") if order.window_end else "",
        "priority": str(order.priority),
        "note": order.note or "",
        "payment_method": order.payment_method,
        "subsidy_programme": str(order.subsidy_programme_id or ""),
    }
    lines = [(str(line.product_id), f"{line.quantity.normalize():f}") for line in order.lines]
    return OrderForm(values=values, lines=lines)


@bp.route("/intake/orders/<int:order_id>/edit", methods=["GET", "POST"])
@role_required()
def order_edit(order_id: int):
    order = scope.get_order_for(current_user, order_id)
    reason = intake.why_not_editable(order)
    args = dict(household=order.household, households=[], order=order, search=None)
    if reason:
        return render_template("intake/not_editable.html", order=order, reason=reason), (
            409 if request.method == "POST" else 200
        )
    if request.method == "POST":
        data, shown = read_order(request.form, order.household_id)

        def update() -> Order:
            intake.update_order(current_user, order, data)
            return order

        saved = _save_order(shown, update)
        if saved is not None:
            return saved
        order = scope.get_order_for(current_user, order_id)
        args.update(household=order.household, order=order)
        return _order_form_page(args, shown, 422)
    return _order_form_page(args, _order_values(order))
