"""Households and orders: lists with the list filters, create, read, cancel (village scope
as on the pages: another village's record answers 404)."""

from __future__ import annotations

from datetime import date, time

from flask import Response, abort, jsonify
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from routes.access import role_required
from routes.api import bp
from routes.api.common import (
    DISPATCH,
    Unprocessable,
    int_param,
    json_body,
    list_filters,
    number,
    page_of,
    visible,
)
from routes.api.openapi import (
    DECIMAL,
    ERRORS,
    INVALID,
    NOT_FOUND,
    content,
    create_operation,
    list_operation,
    one_operation,
    path_id_param,
    query_param,
    ref,
)
from supply_match import urls
from supply_match.models import Household, Order, OrderLine, Role
from supply_match.services import scope
from supply_match.services.county import settings as county_settings
from supply_match.services.delivery import household_page
from supply_match.services.documents import household_slips
from supply_match.services.errors import ForbiddenError, NotFoundError
from supply_match.services.fields import (
    parse_date,
    parse_float,
    parse_whole,
    record_id,
    text_field,
)
from supply_match.services.intake import forms as intake
from supply_match.services.intake.listing import filtered_households, filtered_orders
from supply_match.services.supply.amounts import OrderAmounts, amounts_for, order_amounts


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


def order_json(order: Order, amounts: OrderAmounts | None = None) -> dict:
    amounts = amounts or order_amounts(order)
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
        "total_fen": amounts.total_fen,
        "payment": {
            "method": order.payment_method,
            "programme_id": order.subsidy_programme_id,
            "programme": order.subsidy_programme.name if order.subsidy_programme else None,
            "subsidy_fen": amounts.subsidy_fen,
            "due_fen": amounts.due_fen,
        },
        "lines": [
            {
                "product_id": line.product_id,
                "product": line.product.name,
                "unit": line.product.unit,
                "quantity": number(line.quantity),
                "allocated": number(line.allocated_quantity),
                "amount_fen": amounts.line_fen.get(line.id),
            }
            for line in order.lines
        ],
    }


@bp.get("/households")
def households_list():
    query = filtered_households(current_user, list_filters()).options(
        selectinload(Household.village)
    )
    return page_of(query, household_json)


def _optional_float(body: dict, key: str, errors: dict) -> float | None:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float, str, type(None))):
        errors[key] = _("Must be a number.")
        return None
    return parse_float(value, errors, key)


def _optional_int(body: dict, key: str, errors: dict) -> int | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    found = (
        record_id(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
    )
    if found is None:
        errors[key] = _("Must be a positive integer.")
    return found


@bp.post("/households")
def households_create():
    body = json_body()
    errors: dict[str, str] = {}
    data = intake.HouseholdInput(
        village_id=_optional_int(body, "village_id", errors),
        name=text_field(body.get("name"), errors, "name", max_length=64),
        mobile=text_field(body.get("mobile"), errors, "mobile", max_length=32),
        group_no=parse_whole(body.get("group_no"), errors, "group_no", high=10**6),
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
    return jsonify(household_json(visible(scope.get_household_for, household_id)))


@bp.get("/orders")
def orders_list():
    query = filtered_orders(current_user, list_filters()).options(
        selectinload(Order.lines).selectinload(OrderLine.product),
        selectinload(Order.lines).selectinload(OrderLine.allocations),
        selectinload(Order.household),
        selectinload(Order.subsidy_programme),
    )
    return page_of(query, serialise_page=orders_json)


def orders_json(orders: list[Order]) -> list[dict]:
    """A page of orders, their prices read once for the page."""
    amounts = amounts_for(orders)
    return [order_json(order, amounts[order.id]) for order in orders]


def _date(body: dict, key: str, errors: dict) -> date | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    found = parse_date(value, errors, key) if isinstance(value, str) else None
    if found is None:
        errors[key] = _("Dates are written YYYY-MM-DD.")
    return found


def _time(body: dict, key: str, errors: dict) -> time | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str) or not value.isascii() or len(value) > 8:
            raise ValueError(value)
        return time.fromisoformat(value)
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
            elif isinstance(quantity, float) or (isinstance(quantity, int) and quantity > 10**12):
                quantity = repr(float(quantity)) if abs(quantity) < 1e300 else ""
            lines.append((product_id, str(quantity)))
    priority = body.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 9:
        errors["priority"] = _("The priority must be a whole number from 0 to 9.")
        priority = 0
    data = intake.OrderInput(
        household_id=household_id,
        lines=lines,
        delivery_point=text_field(
            body.get("delivery_point"), errors, "delivery_point", max_length=16
        )
        or "home",
        field_lat=_optional_float(body, "field_lat", errors),
        field_lon=_optional_float(body, "field_lon", errors),
        field_gcj02=bool(body.get("field_gcj02")),
        wanted_from=_date(body, "wanted_from", errors),
        wanted_to=_date(body, "wanted_to", errors),
        window_start=_time(body, "window_start", errors),
        window_end=_time(body, "window_end", errors),
        priority=priority,
        note=text_field(body.get("note"), errors, "note", max_length=500) or None,
    )
    payment = body.get("payment")
    if payment is not None:
        if not isinstance(payment, dict):
            errors["payment"] = _("payment must be an object {method, programme_id}.")
        else:
            data.payment_method = str(payment.get("method") or "")
            programme = payment.get("programme_id")
            data.subsidy_programme = str(programme) if programme is not None else None
    if errors:
        raise Unprocessable(errors)
    return data


@bp.post("/orders")
def orders_create():
    body = json_body()
    errors: dict[str, str] = {}
    household_id = _optional_int(body, "household_id", errors)
    if errors:
        raise Unprocessable(errors)
    order = intake.create_order(current_user, order_input(body, household_id))
    return jsonify(order_json(order)), 201


@bp.get("/orders/<int:order_id>")
def orders_read(order_id: int):
    return jsonify(order_json(visible(scope.get_order_for, order_id)))


@bp.post("/orders/<int:order_id>/cancel")
def orders_cancel(order_id: int):
    order = visible(scope.get_order_for, order_id)
    try:
        intake.cancel(current_user, order)
    except intake.NotEditable as error:
        return jsonify(errors={"status": str(error)}), 409
    return jsonify(order_json(order))


@bp.get("/households/<int:household_id>/link")
@role_required(Role.CADRE, *DISPATCH)
def households_link(household_id: int):
    page_url = urls.household_link_builder(urls.site_url())
    try:
        found = household_page.link_of(
            current_user, household_id, page_url, county_settings.county_today()
        )
    except ForbiddenError:
        abort(404)
    return jsonify(household_id=found.household.id, url=found.url, share_text=found.share_text)


def _slips_pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _slips_outlet():
    errors: dict[str, str] = {}
    outlet_id = int_param("outlet", errors)
    if errors:
        raise Unprocessable(errors)
    if outlet_id is None:
        if not current_user.has_role(Role.OUTLET_STAFF):
            raise Unprocessable({"outlet": _("Please name the outlet (its id).")})
        outlet_id = current_user.outlet_id
    try:
        return scope.get_outlet_for(current_user, outlet_id)
    except (NotFoundError, ForbiddenError):
        abort(404)


@bp.get("/plans/<day>/slips")
@role_required(Role.OUTLET_STAFF, *DISPATCH)
def households_day_slips(day: str):
    errors: dict[str, str] = {}
    the_day = _date({"day": day}, "day", errors)
    if the_day is None:
        raise Unprocessable(errors or {"day": _("Dates are written YYYY-MM-DD.")})
    outlet = _slips_outlet()
    page_url = urls.household_link_builder(urls.site_url())
    pdf = household_slips.pdf_for_outlet_day(outlet, the_day, page_url, str(get_locale()))
    return _slips_pdf(pdf, f"delivery-slips-{outlet.id}-{the_day.isoformat()}.pdf")


@bp.get("/runs/<int:run_id>/slips")
@role_required(Role.OUTLET_STAFF, *DISPATCH)
def households_run_slips(run_id: int):
    run = household_slips.published_run(run_id)
    if not scope.may_see_outlet(current_user, run.outlet_id):
        abort(404)
    page_url = urls.household_link_builder(urls.site_url())
    pdf = household_slips.pdf_for_run(run, page_url, str(get_locale()))
    return _slips_pdf(pdf, f"delivery-slips-run-{run.id}.pdf")


# The OpenAPI piece of this area (routes/api/openapi.py puts the pieces together).

SCHEMAS = {
    "Household": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "village_id": {"type": "integer"},
            "village": {"type": "string"},
            "name": {"type": "string"},
            "mobile": {"type": "string", "pattern": r"^1[3-9]\d{9}$"},
            "group_no": {"type": "integer"},
            "lat": {"type": "number", "description": "WGS-84"},
            "lon": {"type": "number", "description": "WGS-84"},
        },
    },
    "HouseholdLink": {
        "type": "object",
        "required": ["household_id", "url", "share_text"],
        "properties": {
            "household_id": {"type": "integer"},
            "url": {
                "type": "string",
                "format": "uri",
                "description": "The household's own page, signed: opens without an account "
                "until the link is renewed",
            },
            "share_text": {
                "type": "string",
                "description": "A message in Chinese for WeChat or SMS: when the goods come, "
                "and the link",
            },
        },
    },
    "NewHousehold": {
        "type": "object",
        "required": ["village_id", "name", "mobile", "group_no"],
        "properties": {
            "village_id": {"type": "integer"},
            "name": {"type": "string", "maxLength": 32},
            "mobile": {"type": "string", "description": "11-digit mobile number"},
            "group_no": {"type": "integer", "minimum": 1},
            "lat": {"type": ["number", "null"]},
            "lon": {"type": ["number", "null"]},
            "gcj02": {
                "type": "boolean",
                "description": "lat/lon come from Amap or Tencent maps (GCJ-02); stored as WGS-84",
            },
        },
    },
    "OrderLine": {
        "type": "object",
        "properties": {
            "product_id": {"type": "integer"},
            "product": {"type": "string"},
            "unit": {"type": "string"},
            "quantity": DECIMAL,
            "allocated": DECIMAL,
            "amount_fen": {"type": ["integer", "null"], "description": "Integer fen"},
        },
    },
    "Order": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "household_id": {"type": "integer"},
            "household": {"type": "string"},
            "village_id": {"type": "integer"},
            "status": {"type": "string"},
            "editable": {"type": "boolean"},
            "not_editable_reason": {"type": ["string", "null"]},
            "delivery_point": {"type": "string", "enum": ["home", "field", "collection"]},
            "field_lat": {"type": ["number", "null"]},
            "field_lon": {"type": ["number", "null"]},
            "wanted_from": {"type": "string", "format": "date"},
            "wanted_to": {"type": "string", "format": "date"},
            "window_start": {"type": ["string", "null"], "description": "HH:MM"},
            "window_end": {"type": ["string", "null"], "description": "HH:MM"},
            "priority": {"type": "integer", "minimum": 0, "maximum": 9},
            "note": {"type": ["string", "null"]},
            "created_at": {"type": "string", "format": "date-time"},
            "lines": {"type": "array", "items": ref("OrderLine")},
            "total_fen": {
                "type": ["integer", "null"],
                "description": "Integer fen from each allocation's outlet price; null while a "
                "line is unallocated or its outlet had no price when it was matched.",
            },
            "payment": ref("Payment"),
        },
    },
    "Payment": {
        "type": "object",
        "properties": {
            "method": {"type": "string", "enum": ["prepaid", "on_delivery", "subsidy"]},
            "programme_id": {"type": ["integer", "null"]},
            "programme": {"type": ["string", "null"]},
            "subsidy_fen": {"type": ["integer", "null"], "description": "The programme's share"},
            "due_fen": {
                "type": ["integer", "null"],
                "description": "To collect at the door (0 when prepaid, null without a price)",
            },
        },
    },
    "NewOrder": {
        "type": "object",
        "required": ["household_id", "lines", "wanted_from", "wanted_to"],
        "properties": {
            "household_id": {"type": "integer"},
            "lines": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["product_id", "quantity"],
                    "properties": {
                        "product_id": {"type": "integer"},
                        "quantity": {
                            "type": ["number", "string"],
                            "description": "> 0, 2 decimals",
                        },
                    },
                },
            },
            "delivery_point": {
                "type": "string",
                "enum": ["home", "field", "collection"],
                "default": "home",
            },
            "field_lat": {"type": ["number", "null"], "description": "required for field"},
            "field_lon": {"type": ["number", "null"], "description": "required for field"},
            "field_gcj02": {"type": "boolean"},
            "payment": {
                "type": "object",
                "description": "How it is paid (default: pay on delivery); a subsidy names "
                "its programme (GET /subsidy-programmes).",
                "properties": {
                    "method": {"type": "string", "enum": ["prepaid", "on_delivery", "subsidy"]},
                    "programme_id": {"type": ["integer", "null"]},
                },
            },
            "wanted_from": {"type": "string", "format": "date"},
            "wanted_to": {"type": "string", "format": "date", "description": "<= 60 days later"},
            "window_start": {"type": ["string", "null"], "description": "HH:MM"},
            "window_end": {"type": ["string", "null"], "description": "HH:MM"},
            "priority": {"type": "integer", "minimum": 0, "maximum": 9, "default": 0},
            "note": {"type": ["string", "null"], "maxLength": 200},
        },
    },
}

SLIPS_PDF = {
    "description": "The slips as a PDF, one per household and stop, each with the QR code "
    "of the household's page",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}

PATHS = {
    "/households": {
        "get": list_operation(
            "listHouseholds",
            "Households of the villages you serve",
            "Household",
            "One page of households",
        ),
        "post": create_operation(
            "createHousehold",
            "Add a household to one of your villages",
            "NewHousehold",
            "Household",
            "The new household",
        ),
    },
    "/households/{household_id}": {
        "get": one_operation(
            "getHousehold",
            "One household",
            ("household_id", "Household id"),
            "Household",
            "The household",
        )
    },
    "/households/{household_id}/link": {
        "get": one_operation(
            "getHouseholdLink",
            "The household's signed page link and a message to send it with",
            ("household_id", "Household id"),
            "HouseholdLink",
            "The link (a cadre's villages or a dispatcher's county)",
        )
    },
    "/plans/{day}/slips": {
        "get": {
            "operationId": "getDaySlips",
            "summary": "Households' delivery slips of an outlet's runs on a published day "
            "(A6, four to an A4 page)",
            "parameters": [
                {"name": "day", "in": "path", "required": True, "description": "YYYY-MM-DD",
                 "schema": {"type": "string", "format": "date"}},
                query_param("outlet", "The outlet (id); outlet staff default to their own.",
                            {"type": "integer"}),
            ],
            "responses": {
                "200": SLIPS_PDF,
                "404": NOT_FOUND,
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/runs/{run_id}/slips": {
        "get": {
            "operationId": "getRunSlips",
            "summary": "Households' delivery slips of one published run",
            "parameters": [path_id_param("run_id", "Run id")],
            "responses": {"200": SLIPS_PDF, "404": NOT_FOUND, **ERRORS},
        }
    },
    "/orders": {
        "get": list_operation(
            "listOrders",
            "Orders of the villages you serve, newest first",
            "Order",
            "One page of orders",
        ),
        "post": create_operation(
            "createOrder",
            "Enter an order for a household",
            "NewOrder",
            "Order",
            "The new order, submitted",
        ),
    },
    "/orders/{order_id}": {
        "get": one_operation(
            "getOrder", "One order with its lines", ("order_id", "Order id"), "Order", "The order"
        )
    },
    "/orders/{order_id}/cancel": {
        "post": {
            "operationId": "cancelOrder",
            "summary": "Cancel an order that is not yet on a published run",
            "parameters": [path_id_param("order_id", "Order id")],
            "responses": {
                "200": content(ref("Order"), "The cancelled order; its reserved stock is released"),
                "404": NOT_FOUND,
                "409": content(ref("Errors"), "The order can no longer change; says why"),
                **ERRORS,
            },
        }
    },
}  # fmt: skip
