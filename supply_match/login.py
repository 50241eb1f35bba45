"""How Flask-Login finds the signed-in user for a request."""

from flask import Flask, g

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


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(_forget_loaded_user)
