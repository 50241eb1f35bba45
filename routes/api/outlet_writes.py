"""Adding and changing outlets (the list and their stock are in routes/api/catalogue.py),
by the outlet form's rules; and what an outlet's staff record on a delivery day: each
run's hand-over, failed stops' goods back, closing the day and its corrections."""

from __future__ import annotations

from flask import abort, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from routes.access import role_required
from routes.api import bp
from routes.api.catalogue import outlet_json
from routes.api.common import DISPATCH, Unprocessable, json_body, number
from routes.api.openapi import ERRORS, INVALID, NOT_FOUND, content, path_id_param, ref
from routes.api.outlets import DAY, OUTLET_ROLES, api_day, scoped_outlet
from routes.api.places import _object
from routes.api.setup_common import as_text, merged
from supply_match.extensions import db
from supply_match.models import Outlet, RunHandover
from supply_match.services.errors import NotFoundError
from supply_match.services.outlets import accounts, closing, handover
from supply_match.services.outlets.accounts import county_moment
from supply_match.services.supply import catalogue
from supply_match.services.supply.money import MAX_FEN, yuan

OUTLET_FIELDS = ("name", "township_id", "address", "lat", "lon", "opens_at", "closes_at",
                 "contact_name", "contact_mobile", "active")  # fmt: skip


def _outlet_saved(outlet: Outlet | None, body: dict) -> Outlet:
    if outlet is None:
        current = dict.fromkeys(OUTLET_FIELDS, "") | {"opens_at": "08:00", "closes_at": "18:00"}
        current["active"] = True
    else:
        shown = outlet_json(outlet)
        current = as_text({key: shown[key] for key in OUTLET_FIELDS})
    values = merged(current, body)
    values["active"] = "1" if values["active"] in (True, "True", "true", "1") else ""
    checked, errors = catalogue.read_outlet(MultiDict(values), outlet)
    if errors:
        raise Unprocessable(errors)
    return catalogue.save(Outlet, outlet, checked)


@bp.post("/outlets")
@role_required(*DISPATCH)
def outlets_create():
    return jsonify(outlet_json(_outlet_saved(None, json_body()))), 201


@bp.get("/outlets/<int:outlet_id>")
@role_required(*DISPATCH)
def outlets_read(outlet_id: int):
    return jsonify(outlet_json(db.get_or_404(Outlet, outlet_id)))


@bp.patch("/outlets/<int:outlet_id>")
@role_required(*DISPATCH)
def outlets_update(outlet_id: int):
    return jsonify(outlet_json(_outlet_saved(db.get_or_404(Outlet, outlet_id), json_body())))


# The outlet's day through the API: hand-over of each run, failed stops' goods back,
# closing and corrections, scoped like the pages (outlet staff: their outlet only).


def _conflict(errors: dict[str, str]):
    return jsonify(errors=errors), 409


def _shortage_texts(body: dict) -> dict[int, object]:
    rows = body.get("shortages", [])
    if not isinstance(rows, list):
        raise Unprocessable({"shortages": _("A list of {product_id, missing} is needed.")})
    texts: dict[int, object] = {}
    errors: dict[str, str] = {}
    for index, row in enumerate(rows):
        product_id = row.get("product_id") if isinstance(row, dict) else None
        missing = row.get("missing") if isinstance(row, dict) else None
        if isinstance(product_id, bool) or not isinstance(product_id, int):
            errors[f"shortages[{index}].product_id"] = _("Must be a whole-number id.")
        elif isinstance(missing, bool) or not isinstance(missing, (int, float, str)):
            errors[f"shortages[{index}].missing"] = _("Please enter a number.")
        elif product_id in texts:
            errors[f"shortages[{index}].product_id"] = _("This product is named twice.")
        else:
            texts[product_id] = str(missing)
    if errors:
        raise Unprocessable(errors)
    return texts


def _handover_errors(error: handover.HandoverError) -> dict[str, str]:
    return {
        (f"shortages.{key}" if isinstance(key, int) else str(key)): message
        for key, message in error.errors.items()
    }


def handover_json(done: RunHandover) -> dict:
    run = done.run
    return {
        "run_id": run.id,
        "outlet_id": run.outlet_id,
        "complete": done.complete,
        "confirmed_at": county_moment(done.confirmed_at),
        "confirmed_by": done.confirmed_by.display_name if done.confirmed_by else None,
        "note": done.note,
        "shortages": [
            {
                "product_id": s.product_id,
                "product": s.product.name,
                "unit": s.product.unit,
                "missing": number(s.missing),
                "stop_ids": [stop.id for stop in handover.stops_with(run, s.product_id)],
            }
            for s in done.shortages
        ],
    }


@bp.post("/outlets/<int:outlet_id>/runs/<int:run_id>/handover")
@role_required(*OUTLET_ROLES)
def run_handover(outlet_id: int, run_id: int):
    outlet = scoped_outlet(outlet_id)
    body = json_body()
    shortages = _shortage_texts(body)
    note = body.get("note")
    if note is not None and not isinstance(note, str):
        raise Unprocessable({"note": _("Must be text.")})
    try:
        done = handover.confirm_handover(current_user, outlet, run_id, shortages, note)
    except NotFoundError:
        abort(404)
    except handover.HandoverConflict as error:
        return _conflict(_handover_errors(error))
    except closing.DayClosedError as error:
        return _conflict({"day": str(error)})
    except handover.HandoverError as error:
        raise Unprocessable(_handover_errors(error)) from None
    return jsonify(handover_json(done)), 201


@bp.post("/outlets/<int:outlet_id>/stops/<int:stop_id>/return")
@role_required(*OUTLET_ROLES)
def stop_return(outlet_id: int, stop_id: int):
    outlet = scoped_outlet(outlet_id)
    try:
        back = handover.confirm_return(current_user, outlet, stop_id)
    except NotFoundError:
        abort(404)
    except handover.HandoverConflict as error:
        return _conflict(_handover_errors(error))
    except handover.HandoverError as error:
        raise Unprocessable(_handover_errors(error)) from None
    stop = back.stop
    goods = handover.stops_goods([stop])
    return jsonify(
        stop_id=stop.id,
        run_id=stop.run_id,
        confirmed_at=county_moment(back.confirmed_at),
        goods=[{"product_id": pid, "quantity": number(q)} for pid, q in sorted(goods.items())],
        after_closing=closing.is_closed(outlet.id, stop.run.plan.delivery_date),
    ), 201


@bp.post("/outlets/<int:outlet_id>/days/<day>/close")
@role_required(*OUTLET_ROLES)
def close_outlet_day(outlet_id: int, day: str):
    outlet = scoped_outlet(outlet_id)
    the_day = api_day(day)
    try:
        closing.close_day(current_user, outlet, the_day)
    except closing.DayClosedError as error:
        return _conflict({"day": str(error)})
    except closing.ClosingError as error:
        return _conflict(error.errors)
    return jsonify(accounts.day_accounts(outlet, the_day))


def _whole(body: dict, key: str, errors: dict, *, required: bool) -> int | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[key] = _("Must be a whole number.")
        return None
    return value


@bp.post("/outlets/<int:outlet_id>/days/<day>/corrections")
@role_required(*OUTLET_ROLES)
def correct_outlet_day(outlet_id: int, day: str):
    outlet = scoped_outlet(outlet_id)
    the_day = api_day(day)
    body = json_body()
    errors: dict[str, str] = {}
    note = body.get("note") if isinstance(body.get("note"), str) else ""
    try:
        if "product_id" in body:
            product_id = _whole(body, "product_id", errors, required=True)
            quantity = body.get("quantity")
            if isinstance(quantity, bool) or not isinstance(quantity, (int, str)):
                errors["quantity"] = _("A quantity is a whole number or a decimal string.")
            if errors:
                raise Unprocessable(errors)
            made = closing.add_goods_correction(
                current_user, outlet, the_day, product_id, str(body.get("figure", "")),
                quantity, note,
            )  # fmt: skip
        else:
            fen = _whole(body, "amount_fen", errors, required=True)
            volunteer_id = _whole(body, "volunteer_id", errors, required=False)
            if fen is not None and abs(fen) > MAX_FEN:
                errors["amount_fen"] = _("The amount is too large.")
            if errors:
                raise Unprocessable(errors)
            made = closing.add_correction(
                current_user, outlet, the_day, yuan(fen), note, volunteer_id
            )
    except closing.ClosingError as error:
        raise Unprocessable(error.errors) from None
    return jsonify(accounts.correction_json(made)), 201


# The OpenAPI piece of this area (routes/api/openapi.py puts the pieces together).

_FIELDS = {
    "name": {"type": "string"}, "township_id": {"type": "integer"},
    "address": {"type": "string"}, "lat": {"type": "number"}, "lon": {"type": "number"},
    "opens_at": {"type": "string", "default": "08:00"},
    "closes_at": {"type": "string", "default": "18:00"},
    "contact_name": {"type": "string"}, "contact_mobile": {"type": "string"},
    "active": {"type": "boolean"},
}  # fmt: skip
_QUANTITY = {"type": "string", "description": 'A decimal number, e.g. "1.5".'}
SCHEMAS = {
    "NewOutlet": _object(_FIELDS, ["name", "township_id", "address", "lat", "lon",
                                   "contact_name", "contact_mobile"]),
    "OutletChange": _object(_FIELDS),
    "NewHandover": {
        "type": "object",
        "description": "The run as loaded: nothing missing (an empty list), or each product short.",
        "properties": {
            "shortages": {"type": "array", "items": {"type": "object", "required": ["product_id", "missing"], "properties": {
                "product_id": {"type": "integer"},
                "missing": {"type": ["string", "integer"], "description": "Quantity not loaded, 0 up to what the run loads."}}}},
            "note": {"type": "string", "maxLength": 200},
        },
    },
    "Handover": {
        "type": "object",
        "properties": {
            "run_id": {"type": "integer"}, "outlet_id": {"type": "integer"},
            "complete": {"type": "boolean"},
            "confirmed_at": {"type": "string", "format": "date-time"},
            "confirmed_by": {"type": ["string", "null"]}, "note": {"type": ["string", "null"]},
            "shortages": {"type": "array", "items": {"type": "object", "properties": {
                "product_id": {"type": "integer"}, "product": {"type": "string"},
                "unit": {"type": "string"}, "missing": _QUANTITY,
                "stop_ids": {"type": "array", "items": {"type": "integer"},
                             "description": "The stops that were to get this product: the dispatcher sees them at once."}}}},
        },
    },
    "GoodsReturn": {
        "type": "object",
        "properties": {
            "stop_id": {"type": "integer"}, "run_id": {"type": "integer"},
            "confirmed_at": {"type": "string", "format": "date-time"},
            "goods": {"type": "array", "items": {"type": "object", "properties": {
                "product_id": {"type": "integer"}, "quantity": _QUANTITY}}},
            "after_closing": {"type": "boolean", "description": "The day was closed: the return was added to its figures as corrections."},
        },
    },
    "NewCorrection": {
        "type": "object",
        "required": ["note"],
        "description": "Money (amount_fen, signed, optionally one volunteer's) or goods (product_id, figure, quantity, signed).",
        "properties": {
            "amount_fen": {"type": "integer", "description": "Signed integer fen, not 0."},
            "volunteer_id": {"type": "integer"},
            "product_id": {"type": "integer"},
            "figure": {"type": "string", "enum": ["returned", "lost"]},
            "quantity": {"type": ["string", "integer"], "description": "Signed, at most two decimals, not 0."},
            "note": {"type": "string", "minLength": 1, "maxLength": 200},
        },
    },
    "Correction": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["money", "goods"]},
            "volunteer_id": {"type": ["integer", "null"]},
            "amount_fen": {"type": ["integer", "null"]},
            "product_id": {"type": ["integer", "null"]}, "product": {"type": ["string", "null"]},
            "unit": {"type": ["string", "null"]},
            "figure": {"type": ["string", "null"], "enum": ["returned", "lost", None]},
            "quantity": {"type": ["string", "null"]},
            "note": {"type": "string"}, "by": {"type": ["string", "null"]},
            "at": {"type": "string", "format": "date-time"},
        },
    },
}  # fmt: skip
_ONE = [path_id_param("outlet_id", "The outlet's id.")]
_CONFLICT = content(ref("Errors"), "Cannot be done now; says why")


def _body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": ref(name)}}}


PATHS = {
    "/outlets": {
        "post": {
            "operationId": "createOutlet", "summary": "Add an outlet (dispatchers and admins)",
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": ref("NewOutlet")}}},
            "responses": {"201": content(ref("Outlet"), "The new outlet"), "422": INVALID,
                          **ERRORS},
        }
    },
    "/outlets/{outlet_id}": {
        "get": {
            "operationId": "getOutlet", "summary": "One outlet", "parameters": _ONE,
            "responses": {"200": content(ref("Outlet"), "Outlet"), "404": NOT_FOUND, **ERRORS},
        },
        "patch": {
            "operationId": "updateOutlet", "summary": "Change some fields of an outlet",
            "parameters": _ONE,
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": ref("OutletChange")}}},
            "responses": {"200": content(ref("Outlet"), "The changed outlet"),
                          "404": NOT_FOUND, "422": INVALID, **ERRORS},
        },
    },
    "/outlets/{outlet_id}/runs/{run_id}/handover": {
        "post": {
            "operationId": "confirmHandover",
            "summary": "Confirm a run as loaded at the outlet, in full or with shortages named (outlet staff: their outlet's runs)",
            "parameters": [*_ONE, path_id_param("run_id", "The run's id.")],
            "requestBody": _body("NewHandover"),
            "responses": {"201": content(ref("Handover"), "The hand-over, with the stops each shortage affects"),
                          "404": NOT_FOUND, "409": _CONFLICT, "422": INVALID, **ERRORS},
        }
    },
    "/outlets/{outlet_id}/stops/{stop_id}/return": {
        "post": {
            "operationId": "confirmGoodsReturn",
            "summary": "A failed stop's goods are back at the outlet (with their stock ledger rows)",
            "parameters": [*_ONE, path_id_param("stop_id", "The stop's id.")],
            "responses": {"201": content(ref("GoodsReturn"), "The goods taken back"),
                          "404": NOT_FOUND, "409": _CONFLICT, "422": INVALID, **ERRORS},
        }
    },
    "/outlets/{outlet_id}/days/{day}/close": {
        "post": {
            "operationId": "closeOutletDay",
            "summary": "Close the outlet's day: its figures then change only by corrections",
            "parameters": [*_ONE, DAY],
            "responses": {"200": content(ref("DayAccounts"), "The day's accounts as closed"),
                          "404": NOT_FOUND, "409": _CONFLICT, "422": INVALID, **ERRORS},
        }
    },
    "/outlets/{outlet_id}/days/{day}/corrections": {
        "post": {
            "operationId": "correctOutletDay",
            "summary": "A correction of a closed day: money in fen, or goods back or lost",
            "parameters": [*_ONE, DAY],
            "requestBody": _body("NewCorrection"),
            "responses": {"201": content(ref("Correction"), "The correction"),
                          "404": NOT_FOUND, "422": INVALID, **ERRORS},
        }
    },
}  # fmt: skip
