"""The OpenAPI 3.1 description of /api/v1, written by hand: every operation with its
parameters, request body and responses. tests/api walks it and calls each operation.

This module holds what every area shares (errors, paging, list filters, the builders of
list/create/get operations); each area module of routes/api/ holds its own ``SCHEMAS``
and ``PATHS``, and ``spec()`` puts them together. A new area adds its module to
``AREAS``."""

from __future__ import annotations

from copy import deepcopy

DESCRIPTION = """\
彭水县农资供需 JSON API：农户、订单、农资目录、网点库存与供需底数。

**Authentication.** Sign in through the web login form (`POST /login`, username or
mobile and password); the API uses the same session cookie, roles and village scopes
as the pages. A village cadre sees and changes only the households and orders of their
own villages; dispatchers and admins see the whole county.

**CSRF.** Every request that changes something (`POST`) must carry the CSRF token in an
`X-CSRFToken` header. Get the token from `GET /api/v1/session`. Without it the answer is
400.

**Errors.** Bad input answers 422 with `{"errors": {field: message}}` (messages in plain
Chinese, or in English with `?lang=en` once in the session); an unknown id, or the id of a record in a village you do not serve, answers 404
(never its data); not signed in 401; a role without access 403. Error bodies other than
422 are `{"error": code, "title": ..., "message": ...}`.
"""


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def content(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def query_param(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def path_id_param(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "integer"},
    }


# Every operation but the document itself needs a session; only some refuse a role.
ERRORS = {"401": {"$ref": "#/components/responses/Unauthorized"}}
FORBIDDEN = {"403": {"$ref": "#/components/responses/Forbidden"}}
BAD_REQUEST = {"$ref": "#/components/responses/BadRequest"}
PAGING = [
    query_param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    query_param(
        "per_page",
        "Items per page.",
        {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
    ),
]
LIST_FILTERS = [
    query_param("village", "Only this village (id); another village's id selects nothing.",
           {"type": "integer"}),
    query_param("status", "Orders in this status (for households: having such an order).",
           {"type": "string", "enum": ["submitted", "allocated", "scheduled", "delivered",
                                       "failed", "cancelled"]}),
    query_param("product", "Orders with a line of this product (id).", {"type": "integer"}),
    query_param("date_from", "Wanted range ends on or after this date.",
           {"type": "string", "format": "date"}),
    query_param("date_to", "Wanted range starts on or before this date.",
           {"type": "string", "format": "date"}),
    query_param("q", "Part of the household's name or mobile number."),
]  # fmt: skip


def page_schema(item: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {
            "items": {"type": "array", "items": ref(item)},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "pages": {"type": "integer"},
        },
    }


DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "A decimal number."}

CORE_SCHEMAS = {
    "Errors": {
        "type": "object",
        "required": ["errors"],
        "additionalProperties": False,
        "properties": {
            "errors": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "string", "minLength": 1},
                "description": "A message per field (or per part of the request).",
            }
        },
    },
    "Error": {
        "type": "object",
        "required": ["error", "title", "message"],
        "additionalProperties": False,
        "properties": {
            "error": {"type": "integer", "description": "The HTTP status code."},
            "title": {"type": "string", "minLength": 1},
            "message": {"type": "string", "minLength": 1, "description": "What to do."},
        },
    },
}

INVALID = {"$ref": "#/components/responses/Invalid"}
NOT_FOUND = {"$ref": "#/components/responses/NotFound"}


def list_operation(operation_id: str, summary: str, item: str, description: str) -> dict:
    """A filtered, paged list of ``item``."""
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": LIST_FILTERS + PAGING,
        "responses": {
            "200": content(page_schema(item), description),
            "422": INVALID,
            **ERRORS,
        },
    }


def create_operation(
    operation_id: str, summary: str, new: str, made: str, description: str
) -> dict:
    """A JSON body of schema ``new`` that makes a ``made``."""
    return {
        "operationId": operation_id,
        "summary": summary,
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref(new)}}},
        "responses": {"201": content(ref(made), description), "422": INVALID, **ERRORS},
    }


def one_operation(
    operation_id: str, summary: str, path_id: tuple[str, str], item: str, description: str
):
    """One ``item`` by the id in the path (404 when it is not yours to see)."""
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [path_id_param(*path_id)],
        "responses": {"200": content(ref(item), description), "404": NOT_FOUND, **ERRORS},
    }


def dispatch_only(operation: dict) -> dict:
    """``operation`` for dispatchers and admins: a cadre gets the documented 403."""
    operation["responses"].update(FORBIDDEN)
    return operation


RESPONSES = {
    "Invalid": content(ref("Errors"), "Bad input: a message per field"),
    "NotFound": content(ref("Error"), "No such record, or not in your villages"),
    "Unauthorized": content(ref("Error"), "Not signed in"),
    "Forbidden": content(ref("Error"), "Your role may not use this operation"),
    "BadRequest": content(ref("Error"), "A change without the X-CSRFToken header"),
}


AREAS = (
    "session",
    "households",
    "catalogue",
    "supply",
    "places",
    "volunteers",
    "outlet_writes",
    "outlets",
    "plans",
    "audit",
    "deliveries",
)


def _document_role_refusals(paths: dict) -> None:
    """A 403 on every operation whose view lets only some roles in (read off the views'
    ``role_required``), so the document never forgets one an area added."""
    import re

    from flask import current_app, has_app_context

    from supply_match.models import Role

    if not has_app_context():
        return
    every_role = {str(role) for role in Role}
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        allowed = getattr(current_app.view_functions[rule.endpoint], "allowed_roles", None)
        if not allowed or every_role <= set(allowed):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len("/api/v1") :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = paths.get(path, {}).get(method.lower())
            if operation is not None:
                operation["responses"].update(FORBIDDEN)


def spec() -> dict:
    """The whole document: the shared parts and every area's schemas and paths."""
    from importlib import import_module

    schemas, paths = dict(CORE_SCHEMAS), {}
    for name in AREAS:
        area = import_module(f"routes.api.{name}")
        schemas.update(area.SCHEMAS)
        for path, operations in area.PATHS.items():
            # Two areas may share a path (the outlets list and adding an outlet).
            paths.setdefault(path, {}).update(operations)
    for item in paths.values():
        for method in ("post", "put", "patch", "delete"):
            if method in item:  # every change is refused without its CSRF token
                item[method]["responses"].setdefault("400", BAD_REQUEST)
    _document_role_refusals(paths)
    return deepcopy(
        {
            "openapi": "3.1.0",
            "info": {"title": "supply_match API", "version": "1.0.0", "description": DESCRIPTION},
            "servers": [{"url": "/api/v1"}],
            "security": [{"session": []}],
            "paths": paths,
            "components": {
                "schemas": schemas,
                "responses": RESPONSES,
                "securitySchemes": {
                    "session": {
                        "type": "apiKey",
                        "in": "cookie",
                        "name": "session",
                        "description": "The session cookie of the web login; POSTs also "
                        "need the X-CSRFToken header.",
                    }
                },
            },
        }
    )
