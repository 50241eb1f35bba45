"""Outlets from a sheet (dispatchers and admins)."""

from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import gettext as _

from routes.access import role_required
from routes.helpers import xlsx_response
from routes.uploads import import_page
from supply_match.models import Role
from supply_match.services.supply import outlet_import

bp = Blueprint("outlet_import", __name__, url_prefix="/catalogue/outlets")


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.DISPATCHER, Role.ADMIN)
def import_outlets():
    return import_page(
        outlet_import.import_outlets,
        title=_("Import outlets"),
        intro=_("One row per outlet; an outlet's name already entered updates that outlet."),
        back=(url_for("catalogue.outlets"), _("Outlets")),
        template_endpoint="outlet_import.template",
        columns=outlet_import.OUTLET_COLUMNS,
        figures=lambda r: [
            ("added", _("Outlets added"), r.added),
            ("updated", _("Outlets updated"), r.updated),
        ],
    )


@bp.get("/template.xlsx")
@role_required(Role.DISPATCHER, Role.ADMIN)
def template():
    return xlsx_response(outlet_import.template_xlsx(), "网点导入模板.xlsx")
