"""Adding and changing outlets (the list and their stock are in routes/api/catalogue.py),
by the outlet form's rules."""

from __future__ import annotations

from flask import jsonify
from werkzeug.datastructures import MultiDict

from routes.access import role_required
from routes.api import bp
from routes.api.catalogue import outlet_json
from routes.api.common import DISPATCH, Unprocessable, json_body
from routes.api.openapi import ERRORS, INVALID, NOT_FOUND, content, path_id_param, ref
from routes.api.places import _object
from routes.api.setup_common import as_text, merged
from supply_match.extensions import db
from supply_match.models import Outlet
from supply_match.services.supply import catalogue

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


# The OpenAPI piece of this area (routes/api/openapi.py puts the pieces together).

_FIELDS = {
    "name": {"type": "string"}, "township_id": {"type": "integer"},
    "address": {"type": "string"}, "lat": {"type": "number"}, "lon": {"type": "number"},
    "opens_at": {"type": "string", "default": "08:00"},
    "closes_at": {"type": "string", "default": "18:00"},
    "contact_name": {"type": "string"}, "contact_mobile": {"type": "string"},
    "active": {"type": "boolean"},
}  # fmt: skip
SCHEMAS = {
    "NewOutlet": _object(_FIELDS, ["name", "township_id", "address", "lat", "lon",
                                   "contact_name", "contact_mobile"]),
    "OutletChange": _object(_FIELDS),
}  # fmt: skip
_ONE = [path_id_param("outlet_id", "The outlet's id.")]
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
}  # fmt: skip
