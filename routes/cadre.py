"""Village cadres' home: their villages' orders and households."""

from flask import Blueprint, render_template
from flask_login import current_user

from routes.access import role_required
from supply_match.models import Role
from supply_match.services.county import dashboards

bp = Blueprint("cadre", __name__, url_prefix="/cadre")


@bp.get("/")
@role_required(Role.CADRE)
def home():
    return render_template("cadre/home.html", figures=dashboards.cadre_figures(current_user))
