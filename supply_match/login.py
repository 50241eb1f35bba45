"""How Flask-Login finds the signed-in user for a request."""

from flask import Flask

from supply_match.extensions import db, login_manager
from supply_match.models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
