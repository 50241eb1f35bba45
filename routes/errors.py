"""Error pages in the site's layout (and JSON for the API and the volunteers' phones)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from supply_match.services.errors import ForbiddenError, NotFoundError
from supply_match.services.unit_of_work import discard_unfinished

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The form could not be accepted. Please go back, reload the page and try again."),
    ),
    403: (
        _l("Not allowed"),
        _l("Your account may not open this page. If you need it, ask the county administrator."),
    ),
    404: (
        _l("Page not found"),
        _l("There is no such page. Check the address or go back to the home page."),
    ),
    405: (_l("Not allowed"), _l("This page cannot be opened this way.")),
    409: (_l("Not possible now"), _l("This cannot be done in the record's current state.")),
    429: (_l("Too many requests"), _l("Please wait a little and try again.")),
    500: (
        _l("Something went wrong"),
        _l(
            "The server had a problem. Please try again in a "
            "moment; if it keeps happening, tell the county "
            "administrator."
        ),
    ),
}


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/v/")) or request.is_json


def _respond(code: int, error: HTTPException | None):
    title, message = MESSAGES.get(code, (None, None))
    title = str(title) if title else (error.name if error else str(code))
    message = str(message) if message else ""
    if _wants_json():
        description = error.description if error is not None else None
        return jsonify(error=code, title=title, message=message, detail=description), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


@bp.app_errorhandler(NotFoundError)
def not_found(_error: NotFoundError):
    return _respond(404, None)


@bp.app_errorhandler(ForbiddenError)
def forbidden(_error: ForbiddenError):
    return _respond(403, None)


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if error.code >= 500:
        discard_unfinished()
    return _respond(error.code, error)


@bp.app_errorhandler(InternalServerError)
def server_error(error: InternalServerError):
    discard_unfinished()
    try:
        return _respond(500, error)
    except Exception:  # the layout itself may be what failed
        return "500 Internal Server Error", 500, {"Content-Type": "text/plain; charset=utf-8"}
