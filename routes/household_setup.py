"""Households: correct one, merge two records of one household, import many without
orders (cadres in their villages, dispatchers and admins everywhere)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from routes.access import role_required
from routes.helpers import xlsx_response
from routes.uploads import import_page
from supply_match.extensions import db
from supply_match.models import Household
from supply_match.services.errors import ForbiddenError, NotFoundError
from supply_match.services.intake import households

bp = Blueprint("household_setup", __name__, url_prefix="/households")

FIELDS = ("name", "mobile", "group_no", "lat", "lon", "gcj02")


def _household(household_id: int) -> Household:
    try:
        return households.household_for(current_user, household_id)
    except NotFoundError:
        abort(404)
    except ForbiddenError:
        abort(403)


@bp.route("/<int:household_id>/edit", methods=["GET", "POST"])
@role_required()
def edit(household_id: int):
    household = _household(household_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in FIELDS}
        try:
            households.update_household(current_user, household_id, values)
        except households.HouseholdError as error:
            errors = error.errors
        else:
            flash(_("Household %(name)s saved.", name=household.name), "success")
            return redirect(url_for("orders.household_list"))
    else:
        values = {key: getattr(household, key, "") for key in FIELDS[:5]}
    return render_template(
        "household_setup/edit.html", household=household, values=values, errors=errors
    ), 422 if errors else 200


@bp.route("/<int:household_id>/merge", methods=["GET", "POST"])
@role_required()
def merge(household_id: int):
    household = _household(household_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        merged_id = request.form.get("merged", type=int)
        if merged_id is None:
            errors["merged"] = _("Choose the other record of this household.")
        else:
            try:
                households.merge_households(current_user, household_id, merged_id)
            except households.HouseholdError as error:
                errors = error.errors
            except (NotFoundError, ForbiddenError):
                errors["merged"] = _("Choose the other record of this household.")
            else:
                flash(
                    _("The two records are merged into %(name)s.", name=household.name), "success"
                )
                return redirect(url_for("household_setup.edit", household_id=household_id))
    others = db.session.scalars(
        select(Household)
        .where(Household.village_id == household.village_id, Household.id != household.id)
        .order_by(Household.name)
    ).all()
    return render_template(
        "household_setup/merge.html", household=household, others=others, errors=errors
    ), 422 if errors else 200


@bp.route("/import", methods=["GET", "POST"])
@role_required()
def import_households():
    return import_page(
        lambda filename, data: households.import_households(filename, data, current_user),
        title=_("Import households"),
        intro=_("One row per household, without orders; a household already entered is skipped."),
        back=(url_for("orders.household_list"), _("Households")),
        template_endpoint="household_setup.template",
        columns=households.HOUSEHOLD_COLUMNS,
        figures=lambda r: [
            ("added", _("Households added"), r.added),
            ("unchanged", _("Already entered"), r.unchanged),
        ],
    )


@bp.get("/template.xlsx")
@role_required()
def template():
    return xlsx_response(households.template_xlsx(), "农户导入模板.xlsx")
