"""How Flask-Login finds the signed-in user for a request."""

from flask import Flask, g, request
from flask_login import current_user

from supply_match import acting
from supply_match.extensions import db, login_manager
from supply_match.models import User


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of ``"<id>.<generation>"`` (``User.get_id``), if the session is of the
    account's current generation: signing out or a new password raises it."""
    user_id, _dot, generation = session_id.partition(".")
    generation = generation or "0"  # a bare id is the first generation's, no more
    if not (user_id.isdigit() and generation.isdigit()) or len(session_id) > 40:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_generation != int(generation):
        return None
    return user


@login_manager.request_loader
def load_user_from_token(request) -> User | None:
    """A machine's API request: ``Authorization: Bearer <token>`` (services/county/tokens)."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not request.path.startswith("/api/"):
        return None
    from supply_match.services.county.tokens import account_for

    return account_for(header.removeprefix("Bearer ").strip())


def _forget_loaded_user() -> None:
    # Flask-Login keeps the loaded user on ``g``, which outlives a request when an app
    # context is shared between requests (tests, a CLI command): load it afresh each time.
    g.pop("_login_user", None)


def _who_acts() -> acting.Acting:
    origin = request.remote_addr or ""
    if current_user.is_authenticated:
        label = f"{current_user.display_name} ({current_user.username})"
        return acting.Acting(user_id=current_user.id, name=label, origin=origin)
    return acting.Acting(origin=origin)


def _note_who_acts() -> None:
    # Read only when a service writes to the audit log (supply_match/acting.py).
    acting.set_acting(_who_acts)


def _forget_who_acted(_error: BaseException | None) -> None:
    acting.set_acting(acting.NOBODY)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(_forget_loaded_user)
    app.before_request(_note_who_acts)
    app.teardown_request(_forget_who_acted)
