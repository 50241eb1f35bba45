"""Volunteers' personal links: a token signed with the server's secret that names the
volunteer and their link version. The database holds only the version; revoking bumps it,
which kills every earlier link at once."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from supply_match.extensions import db
from supply_match.models import Volunteer

SALT = "supply-match-volunteer-link"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(volunteer: Volunteer) -> str:
    return _serializer().dumps([volunteer.id, volunteer.token_version])


def volunteer_for_token(token: str) -> Volunteer | None:
    """The volunteer a token opens, or None for a forged, revoked or unknown one."""
    try:
        volunteer_id, version = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    volunteer = db.session.get(Volunteer, volunteer_id) if isinstance(volunteer_id, int) else None
    if volunteer is None or not volunteer.active or volunteer.token_version != version:
        return None
    return volunteer


def revoke(volunteer: Volunteer) -> str:
    """Invalidate every earlier link and return the new one's token."""
    volunteer.token_version += 1
    db.session.flush()
    return token_for(volunteer)


def link_for(volunteer: Volunteer) -> str:
    """The volunteer's personal page, as an absolute URL of the current request's host."""
    from flask import url_for

    return url_for("volunteer.day_page", token=token_for(volunteer), _external=True)
