"""Who is signed in (with the CSRF token for changes), and the OpenAPI document."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from routes.api import bp
from routes.api.openapi import (
    ERRORS,
    content,
    ref,
    spec,
)
from supply_match.services import scope


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


# The OpenAPI piece of this area (routes/api/openapi.py puts the pieces together).

SCHEMAS = {
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
}

PATHS = {
    "/session": {
        "get": {
            "operationId": "getSession",
            "summary": "Who is signed in, and the CSRF token for changes",
            "responses": {"200": content(ref("Session"), "The signed-in user"), **ERRORS},
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
