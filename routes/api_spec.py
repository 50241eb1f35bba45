"""The OpenAPI 3.1 description of /api/v1, written by hand: every operation with its
parameters, request body and responses. tests/api walks it and calls each operation."""

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


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _path_id(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "integer"},
    }


ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
}
PAGING = [
    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    _query(
        "per_page",
        "Items per page.",
        {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
    ),
]
LIST_FILTERS = [
    _query("village", "Only this village (id); another village's id selects nothing.",
           {"type": "integer"}),
    _query("status", "Orders in this status (for households: having such an order).",
           {"type": "string", "enum": ["submitted", "allocated", "scheduled", "delivered",
                                       "failed", "cancelled"]}),
    _query("product", "Orders with a line of this product (id).", {"type": "integer"}),
    _query("date_from", "Wanted range ends on or after this date.",
           {"type": "string", "format": "date"}),
    _query("date_to", "Wanted range starts on or before this date.",
           {"type": "string", "format": "date"}),
    _query("q", "Part of the household's name or mobile number."),
]  # fmt: skip


def _page_schema(item: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "pages": {"type": "integer"},
        },
    }


DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "A decimal number."}

SCHEMAS = {
    "Errors": {
        "type": "object",
        "required": ["errors"],
        "properties": {"errors": {"type": "object", "additionalProperties": {"type": "string"}}},
    },
    "Error": {
        "type": "object",
        "properties": {
            "error": {"type": "integer"},
            "title": {"type": "string"},
            "message": {"type": "string"},
        },
    },
    "Session": {
        "type": "object",
        "properties": {
            "user": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "username": {"type": "string"},
                    "display_name": {"type": "string"},
                    "role": {"type": "string", "enum": ["admin", "dispatcher", "cadre"]},
                    "village_ids": {"type": "array", "items": {"type": "integer"}},
                },
            },
            "csrf_token": {"type": "string"},
        },
    },
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
            "lines": {"type": "array", "items": _ref("OrderLine")},
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
            "wanted_from": {"type": "string", "format": "date"},
            "wanted_to": {"type": "string", "format": "date", "description": "<= 60 days later"},
            "window_start": {"type": ["string", "null"], "description": "HH:MM"},
            "window_end": {"type": ["string", "null"], "description": "HH:MM"},
            "priority": {"type": "integer", "minimum": 0, "maximum": 9, "default": 0},
            "note": {"type": ["string", "null"], "maxLength": 200},
        },
    },
    "Product": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "name": {"type": "string"},
            "category": {
                "type": "string",
                "enum": ["seed", "fertilizer", "pesticide", "film", "other"],
            },
            "unit": {"type": "string"},
            "unit_weight_kg": DECIMAL,
            "hazard_class": {"type": ["string", "null"]},
            "active": {"type": "boolean"},
        },
    },  # fmt: skip
    "StockRow": {
        "type": "object",
        "properties": {
            "product_id": {"type": "integer"},
            "product": {"type": "string"},
            "unit": {"type": "string"},
            "quantity": DECIMAL,
            "reserved": DECIMAL,
            "available": DECIMAL,
        },
    },
    "Outlet": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "township_id": {"type": "integer"},
            "township": {"type": "string"},
            "address": {"type": "string"},
            "lat": {"type": "number"},
            "lon": {"type": "number"},
            "opens_at": {"type": "string"},
            "closes_at": {"type": "string"},
            "contact_name": {"type": "string"},
            "contact_mobile": {"type": "string"},
            "active": {"type": "boolean"},
            "stock": {"type": "array", "items": _ref("StockRow")},
        },
    },
    "Figures": {
        "type": "object",
        "properties": {
            key: DECIMAL
            for key in ("ordered", "allocated", "delivered", "stock", "available", "unallocated")
        },
    },
    "Supply": {
        "type": "object",
        "properties": {
            "products": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "product_id": {"type": "integer"},
                        "name": {"type": "string"},
                        "category": {"type": "string"},
                        "unit": {"type": "string"},
                        "total": _ref("Figures"),
                        "shortfall": DECIMAL,
                        "by_township": {
                            "type": "array",
                            "items": {
                                "allOf": [
                                    _ref("Figures"),
                                    {
                                        "type": "object",
                                        "properties": {
                                            "township_id": {"type": "integer"},
                                            "township": {"type": "string"},
                                        },
                                    },
                                ]
                            },
                        },
                    },
                },
            }
        },
    },
}

INVALID = {"$ref": "#/components/responses/Invalid"}
NOT_FOUND = {"$ref": "#/components/responses/NotFound"}


def _list(operation_id: str, summary: str, item: str, description: str) -> dict:
    """A filtered, paged list of ``item``."""
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": LIST_FILTERS + PAGING,
        "responses": {
            "200": _json(_page_schema(item), description),
            "422": INVALID,
            **ERRORS,
        },
    }


def _create(operation_id: str, summary: str, new: str, made: str, description: str) -> dict:
    """A JSON body of schema ``new`` that makes a ``made``."""
    return {
        "operationId": operation_id,
        "summary": summary,
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(new)}}},
        "responses": {"201": _json(_ref(made), description), "422": INVALID, **ERRORS},
    }


def _one(operation_id: str, summary: str, path_id: tuple[str, str], item: str, description: str):
    """One ``item`` by the id in the path (404 when it is not yours to see)."""
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [_path_id(*path_id)],
        "responses": {"200": _json(_ref(item), description), "404": NOT_FOUND, **ERRORS},
    }


PATHS = {
    "/session": {
        "get": {
            "operationId": "getSession",
            "summary": "Who is signed in, and the CSRF token for changes",
            "responses": {"200": _json(_ref("Session"), "The signed-in user"), **ERRORS},
        }
    },
    "/households": {
        "get": _list(
            "listHouseholds",
            "Households of the villages you serve",
            "Household",
            "One page of households",
        ),
        "post": _create(
            "createHousehold",
            "Add a household to one of your villages",
            "NewHousehold",
            "Household",
            "The new household",
        ),
    },
    "/households/{household_id}": {
        "get": _one(
            "getHousehold",
            "One household",
            ("household_id", "Household id"),
            "Household",
            "The household",
        )
    },
    "/orders": {
        "get": _list(
            "listOrders",
            "Orders of the villages you serve, newest first",
            "Order",
            "One page of orders",
        ),
        "post": _create(
            "createOrder",
            "Enter an order for a household",
            "NewOrder",
            "Order",
            "The new order, submitted",
        ),
    },
    "/orders/{order_id}": {
        "get": _one(
            "getOrder", "One order with its lines", ("order_id", "Order id"), "Order", "The order"
        )
    },
    "/orders/{order_id}/cancel": {
        "post": {
            "operationId": "cancelOrder",
            "summary": "Cancel an order that is not yet on a published run",
            "parameters": [_path_id("order_id", "Order id")],
            "responses": {
                "200": _json(_ref("Order"), "The cancelled order; its reserved stock is released"),
                "404": NOT_FOUND,
                "409": _json(_ref("Errors"), "The order can no longer change; says why"),
                **ERRORS,
            },
        }
    },
    "/products": {
        "get": {
            "operationId": "listProducts",
            "summary": "The catalogue (products on sale; all=1 for every product)",
            "parameters": [_query("all", "1 to include products no longer sold")],
            "responses": {
                "200": _json(
                    {"type": "object", "properties": {"items": {"type": "array",
                                                                "items": _ref("Product")}}},
                    "Products",
                ),
                **ERRORS,
            },  # fmt: skip
        }
    },
    "/outlets": {
        "get": {
            "operationId": "listOutlets",
            "summary": "Outlets with their stock (dispatchers and admins)",
            "responses": {
                "200": _json(
                    {"type": "object", "properties": {"items": {"type": "array",
                                                                "items": _ref("Outlet")}}},
                    "Outlets",
                ),
                **ERRORS,
            },  # fmt: skip
        }
    },
    "/outlets/{outlet_id}/stock": {
        "get": _one(
            "getOutletStock",
            "One outlet's stock per product (dispatchers and admins)",
            ("outlet_id", "Outlet id"),
            "Outlet",
            "The outlet with its stock",
        )
    },
    "/supply": {
        "get": {
            "operationId": "getSupply",
            "summary": "Supply against demand per product and township (dispatchers and admins)",
            "parameters": [
                _query("date_from", "Orders wanted on or after", {"type": "string", "format": "date"}),
                _query("date_to", "Orders wanted on or before", {"type": "string", "format": "date"}),
                _query("category", "Product category",
                       {"type": "string", "enum": ["seed", "fertilizer", "pesticide", "film", "other"]}),
                _query("township", "Township id", {"type": "integer"}),
            ],
            "responses": {"200": _json(_ref("Supply"), "Figures"), "422": INVALID, **ERRORS},
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document (no sign-in needed)",
            "security": [],
            "responses": {"200": {"description": "The OpenAPI document",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}},
        }
    },
}  # fmt: skip

RESPONSES = {
    "Invalid": _json(_ref("Errors"), "Bad input: a message per field"),
    "NotFound": _json(_ref("Error"), "No such record, or not in your villages"),
    "Unauthorized": _json(_ref("Error"), "Not signed in"),
    "Forbidden": _json(_ref("Error"), "Your role may not use this operation"),
}


def spec() -> dict:
    return deepcopy(
        {
            "openapi": "3.1.0",
            "info": {"title": "supply_match API", "version": "1.0.0", "description": DESCRIPTION},
            "servers": [{"url": "/api/v1"}],
            "security": [{"session": []}],
            "paths": PATHS,
            "components": {
                "schemas": SCHEMAS,
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
