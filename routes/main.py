"""The front door: each role lands on its own home page."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from routes.access import home_url_for

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(home_url_for(current_user))
