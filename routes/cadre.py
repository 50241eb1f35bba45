"""Village cadres' home: their villages' orders and households."""

from flask import Blueprint, render_template
from flask_login import current_user

from routes.access import role_required
from supply_match.models import Role
from supply_match.services.county import dashboards
from supply_match.services.delivery import cadre_notices

bp = Blueprint("cadre", __name__, url_prefix="/cadre")


@bp.get("/")
@role_required(Role.CADRE)
def home():
    return render_template(
        "cadre/home.html",
        figures=dashboards.cadre_figures(current_user),
        failed=cadre_notices.failed_deliveries(current_user),
    )
