"""What every area of the API shares: bad input as 422, another village's record as
404, the JSON body, paging and the list filters read from query arguments."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from supply_match.extensions import db
from supply_match.models import Role
from supply_match.services.errors import ForbiddenError
from supply_match.services.fields import record_id
from supply_match.services.intake.listing import ListFilters, read_list_filters

MAX_PER_PAGE = 200
MAX_PAGE = 100000


class Unprocessable(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors


DISPATCH = (Role.DISPATCHER, Role.ADMIN)


def visible(getter, object_id: int):
    """Another village's record is answered exactly like a missing one."""
    try:
        return getter(current_user, object_id)
    except ForbiddenError:
        abort(404)


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Unprocessable({"body": _("The request body must be a JSON object.")})
    return body


def number(value) -> str:
    return f"{Decimal(value).normalize():f}"


# Reading query arguments


def paging(errors: dict | None = None) -> tuple[int, int]:
    errors = {} if errors is None else errors
    page = record_id(request.args.get("page", "1"))
    per_page = record_id(request.args.get("per_page", "50"))
    if page is None or page > MAX_PAGE:
        errors["page"] = _("The page must be a positive whole number.")
    if per_page is None or per_page > MAX_PER_PAGE:
        errors["per_page"] = _("per_page must be between 1 and %(max)s.", max=MAX_PER_PAGE)
    if errors:
        raise Unprocessable(errors)
    return page, per_page


def int_param(name: str, errors: dict) -> int | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    found = record_id(text)
    if found is None:
        errors[name] = _("Must be a whole-number id.")
    return found


def list_filters() -> ListFilters:
    """The list filters of the query string, strictly: anything unusable is a 422."""
    filters = read_list_filters(request.args, strict=True)
    paging(dict(filters.errors))  # raises with the filters' errors and the paging's together
    return filters


def page_of(query, serialise=None, *, serialise_page=None):
    """One page of ``query``: each item through ``serialise``, or the page's items at
    once through ``serialise_page`` (to read what every item needs in one query)."""
    page, per_page = paging()
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    items = list(result.items)
    return jsonify(
        items=serialise_page(items) if serialise_page else [serialise(item) for item in items],
        page=result.page,
        per_page=result.per_page,
        total=result.total,
        pages=result.pages,
    )
