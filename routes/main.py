"""The front door: each role lands on its own home page; browsers find the site's icon."""

from flask import Blueprint, current_app, redirect, send_from_directory, url_for
from flask_login import current_user

from routes.access import home_url_for

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(home_url_for(current_user))


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page links (a PDF viewer, a bookmark);
    # pages also link the sharper SVG.
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )
