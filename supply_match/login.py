"""How Flask-Login finds the signed-in user for a request."""

from flask import Flask

from supply_match.extensions import db, login_manager
from supply_match.models import User


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of ``"<id>.<generation>"`` (``User.get_id``), if the session is of the
    account's current generation: signing out or a new password raises it."""
    user_id, _dot, generation = session_id.partition(".")
    if not (user_id.isdigit() and generation.isdigit()) or len(session_id) > 40:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_generation != int(generation):
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
