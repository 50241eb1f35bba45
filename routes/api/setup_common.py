"""What the county set-up areas of the API share (places, volunteers, outlets,
accounts): a missing record as 404, JSON values read by the pages' rules, a PATCH as the
current values with the body's on top, and the rules' refusals as 422."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from routes.api.common import Unprocessable
from supply_match.services.county import places, volunteers
from supply_match.services.errors import NotFoundError


def found(getter, record_id: int):
    try:
        return getter(record_id)
    except NotFoundError:
        abort(404)


def int_arg(name: str) -> int | None:
    from flask import request

    text = request.args.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise Unprocessable({name: _("Must be a whole-number id.")})
    return int(text)


def choice_arg(name: str, choices) -> str:
    """A query argument that must be one of ``choices`` (or absent): a filter on a value
    that no record can have is a mistake worth saying, not an empty list."""
    from flask import request

    text = request.args.get(name, "").strip()
    allowed = [str(choice) for choice in choices]
    if text and text not in allowed:
        raise Unprocessable({name: _("Must be one of: %(choices)s.", choices=", ".join(allowed))})
    return text


def as_text(body: dict) -> dict:
    """JSON values as the form rules read them (numbers as text)."""
    return {k: ("" if v is None else v if isinstance(v, list | bool) else str(v))
            for k, v in body.items()}  # fmt: skip


def merged(current: dict, body: dict) -> dict:
    unknown = set(body) - set(current)
    if unknown:
        raise Unprocessable({key: _("Unknown field.") for key in sorted(unknown)})
    return {**current, **as_text(body)}


def saved(save, *args):
    try:
        return save(*args)
    except (places.PlaceError, volunteers.VolunteerError) as error:
        raise Unprocessable(error.errors) from None
