"""The county dispatchers' desk."""

from flask import Blueprint, render_template

from routes.access import role_required
from supply_match.models import Role
from supply_match.services.county import dashboards

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")


@bp.get("/")
@role_required(Role.DISPATCHER, Role.ADMIN)
def home():
    return render_template("dispatch/home.html", figures=dashboards.dispatcher_figures())
