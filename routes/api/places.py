"""Townships and villages: read by every role, created and changed by admins."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from routes.access import role_required
from routes.api import bp
from routes.api.common import Unprocessable, json_body, page_of
from routes.api.openapi import (
    ERRORS,
    INVALID,
    NOT_FOUND,
    PAGING,
    content,
    page_schema,
    path_id_param,
    query_param,
    ref,
)
from routes.api.setup_common import found, int_arg, merged, saved
from supply_match.models import Role, Township, Village
from supply_match.services.county import places
from supply_match.services.unit_of_work import unit_of_work

TOWNSHIP_FIELDS = ("code", "name", "name_pinyin", "lat", "lon", "coordinates")
VILLAGE_FIELDS = ("code", "name", "lat", "lon", "coordinates", "collection_point",
                  "collection_lat", "collection_lon", "collection_contact",
                  "collection_mobile", "group_count")  # fmt: skip


def township_json(township: Township) -> dict:
    return {
        "id": township.id, "code": township.code, "name": township.name,
        "name_pinyin": township.name_pinyin, "kind": township.kind,
        "lat": township.lat, "lon": township.lon, "active": township.active,
    }  # fmt: skip


def village_json(village: Village) -> dict:
    return {
        "id": village.id, "code": village.code, "name": village.name,
        "township_id": village.township_id, "lat": village.lat, "lon": village.lon,
        "collection_point": village.collection_point,
        "collection_lat": village.collection_lat, "collection_lon": village.collection_lon,
        "collection_contact": village.collection_contact,
        "collection_mobile": village.collection_mobile,
        "group_count": village.group_count, "active": village.active,
    }  # fmt: skip


@bp.get("/townships")
@role_required()
def townships_list():
    return page_of(select(Township).order_by(Township.code), township_json)


@bp.post("/townships")
@role_required(Role.ADMIN)
def townships_create():
    values = merged(dict.fromkeys(TOWNSHIP_FIELDS, ""), json_body())
    return jsonify(township_json(saved(places.save_township, values))), 201


@bp.get("/townships/<int:township_id>")
@role_required()
def townships_read(township_id: int):
    return jsonify(township_json(found(places.get_township, township_id)))


def _update(record, fields, save, set_active, record_id: int):
    """A PATCH: the current values with the body's on top; ``active`` switches apart."""
    body = json_body()
    active = body.pop("active", None)
    current = {key: getattr(record, key, "") for key in fields}
    current["coordinates"] = "wgs84"
    try:
        with unit_of_work():
            record = saved(save, merged(current, body), record_id)
            if isinstance(active, bool):
                set_active(record_id, active)
    except places.PlaceError as error:
        raise Unprocessable(error.errors) from None
    return record


@bp.patch("/townships/<int:township_id>")
@role_required(Role.ADMIN)
def townships_update(township_id: int):
    township = found(places.get_township, township_id)
    township = _update(
        township, TOWNSHIP_FIELDS, places.save_township, places.set_township_active, township_id
    )
    return jsonify(township_json(township))


@bp.get("/villages")
@role_required()
def villages_list():
    stmt = places.villages_query(int_arg("township"), request.args.get("q", "")[:32])
    return page_of(stmt, village_json)


@bp.post("/villages")
@role_required(Role.ADMIN)
def villages_create():
    values = merged(dict.fromkeys(VILLAGE_FIELDS, ""), json_body())
    return jsonify(village_json(saved(places.save_village, values))), 201


@bp.get("/villages/<int:village_id>")
@role_required()
def villages_read(village_id: int):
    return jsonify(village_json(found(places.get_village, village_id)))


@bp.patch("/villages/<int:village_id>")
@role_required(Role.ADMIN)
def villages_update(village_id: int):
    village = found(places.get_village, village_id)
    village = _update(
        village, VILLAGE_FIELDS, places.save_village, places.set_village_active, village_id
    )
    return jsonify(village_json(village))


# The OpenAPI piece of this area (routes/api/openapi.py puts the pieces together).


def _object(properties: dict, required: list[str] | None = None) -> dict:
    schema: dict = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


_COORDINATES = {"type": "string", "enum": ["wgs84", "gcj02"], "default": "wgs84",
                "description": "gcj02 for a point copied from Amap or Tencent maps."}  # fmt: skip
_TOWNSHIP_FIELDS = {
    "code": {"type": "string", "pattern": r"^\d{9}$", "description": "Begins with the county's 6 digits."},
    "name": {"type": "string", "description": "Ends in 街道, 镇 or 乡."},
    "name_pinyin": {"type": "string"}, "lat": {"type": "number"}, "lon": {"type": "number"},
    "coordinates": _COORDINATES,
}  # fmt: skip
_VILLAGE_FIELDS = {
    "code": {"type": "string", "pattern": r"^\d{12}$", "description": "Its township's 9 digits first."},
    "name": {"type": "string"}, "lat": {"type": "number"}, "lon": {"type": "number"},
    "coordinates": _COORDINATES, "collection_point": {"type": "string"},
    "collection_lat": {"type": "number"}, "collection_lon": {"type": "number"},
    "collection_contact": {"type": ["string", "null"]},
    "collection_mobile": {"type": ["string", "null"]}, "group_count": {"type": "integer"},
}  # fmt: skip
_READ = {"id": {"type": "integer"}, "active": {"type": "boolean"}}

SCHEMAS = {
    "NewTownship": _object(_TOWNSHIP_FIELDS, ["code", "name", "lat", "lon"]),
    "TownshipChange": _object({**_TOWNSHIP_FIELDS, "active": {"type": "boolean"}}),
    "Township": _object({**_READ, **_TOWNSHIP_FIELDS, "kind": {"type": "string"}}),
    "NewVillage": _object(_VILLAGE_FIELDS, ["code", "name", "lat", "lon"]),
    "VillageChange": _object({**_VILLAGE_FIELDS, "active": {"type": "boolean"}}),
    "Village": _object({**_READ, **_VILLAGE_FIELDS, "township_id": {"type": "integer"}}),
}


def crud_paths(plural: str, name: str, id_name: str, extra_filters: list, who: str) -> dict:
    """List and create on /<plural>, read and change on /<plural>/{id}."""
    one = [path_id_param(id_name, f"The {name.lower()}'s id.")]
    return {
        f"/{plural}": {
            "get": {
                "operationId": f"list{name}s", "summary": f"{name}s, paged",
                "parameters": extra_filters + PAGING,
                "responses": {"200": content(page_schema(name), f"{name}s"), "422": INVALID,
                              **ERRORS},
            },
            "post": {
                "operationId": f"create{name}", "summary": f"Add a {name.lower()} ({who})",
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": ref(f"New{name}")}}},
                "responses": {"201": content(ref(name), f"The new {name.lower()}"),
                              "422": INVALID, **ERRORS},
            },
        },
        f"/{plural}/{{{id_name}}}": {
            "get": {
                "operationId": f"get{name}", "summary": f"One {name.lower()}",
                "parameters": one,
                "responses": {"200": content(ref(name), name), "404": NOT_FOUND, **ERRORS},
            },
            "patch": {
                "operationId": f"update{name}",
                "summary": f"Change some fields of a {name.lower()} ({who})",
                "parameters": one,
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": ref(f"{name}Change")}}},
                "responses": {"200": content(ref(name), f"The changed {name.lower()}"),
                              "404": NOT_FOUND, "422": INVALID, **ERRORS},
            },
        },
    }  # fmt: skip


PATHS = {
    **crud_paths("townships", "Township", "township_id", [], "admins"),
    **crud_paths(
        "villages", "Village", "village_id",
        [query_param("township", "Only this township (id).", {"type": "integer"}),
         query_param("q", "Part of the name or code.")],
        "admins",
    ),
}  # fmt: skip
