"""The JSON API, /api/v1: households, orders, products, outlets and stock, supply against
demand. Same login, roles and village scopes as the pages (services/scope.py).

Authentication is the session cookie of /login; every request that changes something
must carry the CSRF token (from GET /api/v1/session) in an ``X-CSRFToken`` header.
Bad input answers 422 ``{"errors": {field: message}}``; an id the user may not see is
404 as if it did not exist; anonymous 401; wrong role 403 (JSON from routes/errors.py).
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from routes.access import role_required
from routes.api_spec import spec
from supply_match.extensions import db
from supply_match.models import Household, Order, OrderLine, Outlet, Product, Role, Stock
from supply_match.services import scope
from supply_match.services.errors import ForbiddenError
from supply_match.services.intake import forms as intake
from supply_match.services.intake.listing import ListFilters, filtered_households, filtered_orders
from supply_match.services.supply import figures

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_PER_PAGE = 200


class Unprocessable(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors


@bp.errorhandler(Unprocessable)
def unprocessable(error: Unprocessable):
    return jsonify(errors=error.errors), 422


@bp.errorhandler(intake.IntakeError)
def intake_error(error: intake.IntakeError):
    return jsonify(errors=error.errors), 422


@bp.before_request
def signed_in():
    if request.endpoint in ("api.openapi",):
        return None
    if not current_user.is_authenticated or not current_user.is_active:
        abort(401)
    return None


DISPATCH = (Role.DISPATCHER, Role.ADMIN)


def _visible(getter, object_id: int):
    """Another village's record is answered exactly like a missing one."""
    try:
        return getter(current_user, object_id)
    except ForbiddenError:
        abort(404)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Unprocessable({"body": _("The request body must be a JSON object.")})
    return body


def _number(value) -> str:
    return f"{Decimal(value).normalize():f}"


# Reading query arguments


def _paging(errors: dict | None = None) -> tuple[int, int]:
    errors = {} if errors is None else errors
    page = request.args.get("page", "1")
    per_page = request.args.get("per_page", "50")
    if not page.isdigit() or int(page) < 1:
        errors["page"] = _("The page must be a positive whole number.")
    if not per_page.isdigit() or not 1 <= int(per_page) <= MAX_PER_PAGE:
        errors["per_page"] = _("per_page must be between 1 and %(max)s.", max=MAX_PER_PAGE)
    if errors:
        raise Unprocessable(errors)
    return int(page), int(per_page)


def _int_param(name: str, errors: dict) -> int | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit():
        errors[name] = _("Must be a whole-number id.")
        return None
    return int(text)


def _list_filters() -> ListFilters:
    errors: dict[str, str] = {}
    filters = ListFilters()
    # Another village's id selects nothing: the scoped queries never reach its rows.
    filters.village_id = _int_param("village", errors)
    status = request.args.get("status") or None
    if status is not None and status not in {"submitted", "allocated", "scheduled",
                                              "delivered", "failed", "cancelled"}:  # fmt: skip
        errors["status"] = _("Unknown order status.")
    filters.status = status
    filters.product_id = _int_param("product", errors)
    for key in ("date_from", "date_to"):
        text = request.args.get(key, "").strip()
        if text:
            try:
                setattr(filters, key, date.fromisoformat(text))
            except ValueError:
                errors[key] = _("Dates are written YYYY-MM-DD.")
    filters.q = (request.args.get("q") or "").strip()[:32]
    _paging(errors)  # raises with the filters' errors and the paging's together
    return filters


def _page_of(query, serialise):
    page, per_page = _paging()
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return jsonify(
        items=[serialise(item) for item in result.items],
        page=result.page,
        per_page=result.per_page,
        total=result.total,
        pages=result.pages,
    )


# Serialisers


def household_json(household: Household) -> dict:
    return {
        "id": household.id,
        "village_id": household.village_id,
        "village": household.village.full_name,
        "name": household.name,
        "mobile": household.mobile,
        "group_no": household.group_no,
        "lat": household.lat,
        "lon": household.lon,
    }


def order_json(order: Order) -> dict:
    return {
        "id": order.id,
        "household_id": order.household_id,
        "household": order.household.name,
        "village_id": order.household.village_id,
        "status": order.status,
        "editable": order.editable,
        "not_editable_reason": intake.why_not_editable(order),
        "delivery_point": order.delivery_point,
        "field_lat": order.delivery_lat,
        "field_lon": order.delivery_lon,
        "wanted_from": order.wanted_from.isoformat(),
        "wanted_to": order.wanted_to.isoformat(),
        "window_start": order.window_start.strftime("%H:%M") if order.window_start else None,
        "window_end": order.window_end.strftime("%H:%M") if order.window_end else None,
        "priority": order.priority,
        "note": order.note,
        "created_at": order.created_at.isoformat(),
        "lines": [
            {
                "product_id": line.product_id,
                "product": line.product.name,
                "unit": line.product.unit,
                "quantity": _number(line.quantity),
                "allocated": _number(line.allocated_quantity),
            }
            for line in order.lines
        ],
    }


def product_json(product: Product) -> dict:
    return {
        "id": product.id,
        "code": product.code,
        "name": product.name,
        "category": product.category,
        "unit": product.unit,
        "unit_weight_kg": _number(product.unit_weight_kg),
        "hazard_class": product.hazard_class,
        "active": product.active,
    }


def stock_json(row: Stock) -> dict:
    return {
        "product_id": row.product_id,
        "product": row.product.name,
        "unit": row.product.unit,
        "quantity": _number(row.quantity),
        "reserved": _number(row.reserved),
        "available": _number(row.available),
    }


def outlet_json(outlet: Outlet, with_stock: bool = False) -> dict:
    data = {
        "id": outlet.id,
        "name": outlet.name,
        "township_id": outlet.township_id,
        "township": outlet.township.name,
        "address": outlet.address,
        "lat": outlet.lat,
        "lon": outlet.lon,
        "opens_at": outlet.opens_at.strftime("%H:%M"),
        "closes_at": outlet.closes_at.strftime("%H:%M"),
        "contact_name": outlet.contact_name,
        "contact_mobile": outlet.contact_mobile,
        "active": outlet.active,
    }
    if with_stock:
        data["stock"] = [
            stock_json(row) for row in sorted(outlet.stock, key=lambda r: r.product_id)
        ]
    return data


# Operations


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec())


@bp.get("/session")
def session_info():
    return jsonify(
        user={
            "id": current_user.id,
            "username": current_user.username,
            "display_name": current_user.display_name,
            "role": current_user.role,
            "village_ids": sorted(scope.village_ids_for(current_user) or []),
        },
        csrf_token=generate_csrf(),
    )


@bp.get("/households")
def households_list():
    query = filtered_households(current_user, _list_filters()).options(
        selectinload(Household.village)
    )
    return _page_of(query, household_json)


def _optional_float(body: dict, key: str, errors: dict) -> float | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        errors[key] = _("Must be a number.")
        return None
    try:
        return float(value)
    except ValueError:
        errors[key] = _("Must be a number.")
        return None


def _optional_int(body: dict, key: str, errors: dict) -> int | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        errors[key] = _("Must be a positive integer.")
        return None
    return int(value)


@bp.post("/households")
def households_create():
    body = _json_body()
    errors: dict[str, str] = {}
    data = intake.HouseholdInput(
        village_id=_optional_int(body, "village_id", errors),
        name=str(body.get("name") or ""),
        mobile=str(body.get("mobile") or ""),
        group_no=_optional_int(body, "group_no", errors),
        lat=_optional_float(body, "lat", errors),
        lon=_optional_float(body, "lon", errors),
        gcj02=bool(body.get("gcj02")),
    )
    if errors:
        raise Unprocessable(errors)
    household = intake.add_household(current_user, data)
    return jsonify(household_json(household)), 201


@bp.get("/households/<int:household_id>")
def households_read(household_id: int):
    return jsonify(household_json(_visible(scope.get_household_for, household_id)))


@bp.get("/orders")
def orders_list():
    query = filtered_orders(current_user, _list_filters()).options(
        selectinload(Order.lines).selectinload(OrderLine.product),
        selectinload(Order.lines).selectinload(OrderLine.allocations),
        selectinload(Order.household),
    )
    return _page_of(query, order_json)


def _date(body: dict, key: str, errors: dict) -> date | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[key] = _("Dates are written YYYY-MM-DD.")
        return None


def _time(body: dict, key: str, errors: dict) -> time | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        errors[key] = _("Times are written HH:MM.")
        return None


def order_input(body: dict, household_id: int | None) -> intake.OrderInput:
    errors: dict[str, str] = {}
    raw_lines = body.get("lines")
    lines: list[tuple[int | None, str]] = []
    if not isinstance(raw_lines, list) or not raw_lines:
        errors["lines"] = _("Enter at least one product: lines must be a non-empty array.")
    else:
        for index, line in enumerate(raw_lines, start=1):
            if not isinstance(line, dict):
                errors[f"lines-{index}"] = _("Each line must be an object {product_id, quantity}.")
                continue
            product_id = _optional_int(line, "product_id", errors)
            quantity = line.get("quantity")
            if isinstance(quantity, bool) or not isinstance(quantity, (int, float, str)):
                quantity = ""
            lines.append((product_id, str(quantity)))
    priority = body.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int):
        errors["priority"] = _("The priority must be a whole number from 0 to 9.")
        priority = 0
    data = intake.OrderInput(
        household_id=household_id,
        lines=lines,
        delivery_point=str(body.get("delivery_point") or "home"),
        field_lat=_optional_float(body, "field_lat", errors),
        field_lon=_optional_float(body, "field_lon", errors),
        field_gcj02=bool(body.get("field_gcj02")),
        wanted_from=_date(body, "wanted_from", errors),
        wanted_to=_date(body, "wanted_to", errors),
        window_start=_time(body, "window_start", errors),
        window_end=_time(body, "window_end", errors),
        priority=priority,
        note=str(body["note"]) if body.get("note") is not None else None,
    )
    if errors:
        raise Unprocessable(errors)
    return data


@bp.post("/orders")
def orders_create():
    body = _json_body()
    errors: dict[str, str] = {}
    household_id = _optional_int(body, "household_id", errors)
    if errors:
        raise Unprocessable(errors)
    order = intake.create_order(current_user, order_input(body, household_id))
    return jsonify(order_json(order)), 201


@bp.get("/orders/<int:order_id>")
def orders_read(order_id: int):
    return jsonify(order_json(_visible(scope.get_order_for, order_id)))


@bp.post("/orders/<int:order_id>/cancel")
def orders_cancel(order_id: int):
    order = _visible(scope.get_order_for, order_id)
    try:
        intake.cancel(current_user, order)
    except intake.NotEditable as error:
        return jsonify(errors={"status": str(error)}), 409
    return jsonify(order_json(order))


@bp.get("/products")
def products_list():
    query = select(Product).order_by(Product.category, Product.code)
    if request.args.get("all") != "1":
        query = query.where(Product.active.is_(True))
    return jsonify(items=[product_json(p) for p in db.session.scalars(query)])


@bp.get("/outlets")
@role_required(*DISPATCH)
def outlets_list():
    query = (
        select(Outlet)
        .options(
            selectinload(Outlet.township), selectinload(Outlet.stock).selectinload(Stock.product)
        )
        .order_by(Outlet.township_id, Outlet.name)
    )
    return jsonify(items=[outlet_json(o, with_stock=True) for o in db.session.scalars(query)])


@bp.get("/outlets/<int:outlet_id>/stock")
@role_required(*DISPATCH)
def outlets_stock(outlet_id: int):
    return jsonify(outlet_json(db.get_or_404(Outlet, outlet_id), with_stock=True))


def _figures(figures) -> dict:
    return {
        "ordered": _number(figures.ordered),
        "allocated": _number(figures.allocated),
        "delivered": _number(figures.delivered),
        "stock": _number(figures.stock),
        "available": _number(figures.available),
        "unallocated": _number(figures.unallocated),
    }


@bp.get("/supply")
@role_required(*DISPATCH)
def supply():
    filters = figures.read_filters(request.args)
    if filters.errors:
        raise Unprocessable(filters.errors)
    report = figures.report_for(filters)
    return jsonify(
        products=[
            {
                "product_id": p.product_id,
                "name": p.name,
                "category": p.category,
                "unit": p.unit,
                "total": _figures(p.total),
                "shortfall": _number(p.shortfall),
                "by_township": [
                    {"township_id": t, "township": report.townships.get(t), **_figures(f)}
                    for t, f in sorted(p.by_township.items())
                ],
            }
            for p in report.products
        ]
    )
