"""The JSON API, /api/v1: households, orders, products, outlets and stock, supply against
demand, matching and plans. Same login, roles and village scopes as the pages (services/scope.py).

Authentication is the session cookie of /login; every request that changes something
must carry the CSRF token (from GET /api/v1/session) in an ``X-CSRFToken`` header.
Bad input answers 422 ``{"errors": {field: message}}``; an id the user may not see is
404 as if it did not exist; anonymous 401; wrong role 403 (JSON from routes/errors.py).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user

from routes.api.common import Unprocessable
from supply_match.extensions import csrf
from supply_match.services.intake import forms as intake

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# CSRF is checked below, for browser sessions only.
csrf.exempt(bp)


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
    # A browser's session must prove the request came from our pages; a machine's bearer
    # token (services/county/tokens.py) is never sent by another site's page on its own.
    bearer = request.headers.get("Authorization", "").startswith("Bearer ")
    changes = request.method in current_app.config.get(
        "WTF_CSRF_METHODS", {"POST", "PUT", "PATCH", "DELETE"}
    )
    if changes and not bearer and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    return None


# The areas register their views on ``bp``; one module per area (openapi.AREAS lists them
# for the document).
from routes.api import (  # noqa: E402, F401
    audit,
    catalogue,
    deliveries,
    households,
    outlet_writes,
    outlets,
    places,
    plans,
    session,
    supply,
    volunteers,
)
