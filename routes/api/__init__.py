"""The JSON API, /api/v1: households, orders, products, outlets and stock, supply against
demand, matching and plans. Same login, roles and village scopes as the pages (services/scope.py).

Authentication is the session cookie of /login; every request that changes something
must carry the CSRF token (from GET /api/v1/session) in an ``X-CSRFToken`` header.
Bad input answers 422 ``{"errors": {field: message}}``; an id the user may not see is
404 as if it did not exist; anonymous 401; wrong role 403 (JSON from routes/errors.py).
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user

from routes.api.common import Unprocessable
from supply_match.services.intake import forms as intake

bp = Blueprint("api", __name__, url_prefix="/api/v1")


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


# The areas register their views on ``bp``; one module per area (openapi.AREAS lists them
# for the document).
from routes.api import catalogue, households, plans, session, supply  # noqa: E402, F401
