"""Outlets' own pages: an outlet's home with its delivery days, its prices; and the
county's guide prices and subsidy programmes. Outlet staff see their outlet only."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from routes.access import role_required
from routes.helpers import xlsx_response
from routes.uploads import import_page
from supply_match.models import Outlet, Role
from supply_match.services import scope
from supply_match.services.county import settings as county_settings
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.errors import ForbiddenError, NotFoundError
from supply_match.services.intake import payments
from supply_match.services.outlets import packing
from supply_match.services.outlets.accounts import shown_moment
from supply_match.services.supply import price_import, prices, subsidy_import
from supply_match.services.supply.money import yuan

bp = Blueprint("outlets", __name__, url_prefix="/outlets")

OUTLET_ROLES = (Role.OUTLET_STAFF, Role.DISPATCHER, Role.ADMIN)
COUNTY_ROLES = (Role.DISPATCHER, Role.ADMIN)


def outlet_in_scope(outlet_id: int) -> Outlet:
    """The outlet, or 404 / 403 when it does not exist or is another outlet's."""
    try:
        return scope.get_outlet_for(current_user, outlet_id)
    except NotFoundError:
        abort(404)
    except ForbiddenError:
        abort(403)


@bp.app_template_filter("yuan")
def yuan_filter(fen: int | None) -> str:
    return yuan(fen)


@bp.app_template_filter("moment")
def moment_filter(text: str) -> str:
    return shown_moment(text)


@bp.get("/")
@role_required(*OUTLET_ROLES)
def home():
    if current_user.has_role(Role.OUTLET_STAFF):
        return redirect(url_for("outlets.outlet", outlet_id=current_user.outlet_id))
    return render_template("outlets/index.html", outlets=packing.all_outlets())


@bp.get("/<int:outlet_id>")
@role_required(*OUTLET_ROLES)
def outlet(outlet_id: int):
    outlet = outlet_in_scope(outlet_id)
    wanted = request.args.get("day", "")
    if wanted:
        try:
            wanted_day = date.fromisoformat(wanted)
        except ValueError:
            flash(_("Please enter the date as YYYY-MM-DD, for example 2020-03-02."), "error")
        else:
            return redirect(
                url_for("outlet_days.day", outlet_id=outlet.id, day=wanted_day.isoformat())
            )
    return render_template(
        "outlets/outlet.html",
        outlet=outlet,
        days=packing.published_days(outlet.id),
        today=county_settings.county_today(),
    )


@bp.route("/<int:outlet_id>/prices", methods=["GET", "POST"])
@role_required(*OUTLET_ROLES)
def outlet_prices(outlet_id: int):
    outlet = outlet_in_scope(outlet_id)
    errors: dict[int, str] = {}
    if request.method == "POST":
        texts = {
            int(key[6:]): value
            for key, value in request.form.items()
            if key.startswith("price-") and key[6:].isdigit()
        }
        try:
            changed = prices.set_outlet_prices(outlet, texts, current_user)
        except prices.PriceError as error:
            errors = error.errors
        except NotFoundError:
            abort(422)
        else:
            flash(_("%(count)s prices changed.", count=changed), "success")
            return redirect(url_for("outlets.outlet_prices", outlet_id=outlet.id))
    return render_template(
        "outlets/prices.html",
        outlet=outlet,
        rows=prices.price_sheet(outlet),
        history=prices.price_history(outlet.id)[:50],
        errors=errors,
        values=request.form,
    ), 422 if errors else 200


@bp.route("/guide-prices", methods=["GET", "POST"])
@role_required(*COUNTY_ROLES)
def guide_prices():
    errors: dict[int, str] = {}
    if request.method == "POST":
        texts = {
            int(key[6:]): value
            for key, value in request.form.items()
            if key.startswith("guide-") and key[6:].isdigit()
        }
        try:
            changed = prices.set_guide_prices(texts, current_user)
        except prices.PriceError as error:
            errors = error.errors
        except NotFoundError:
            abort(422)
        else:
            flash(_("%(count)s guide prices changed.", count=changed), "success")
            return redirect(url_for("outlets.guide_prices"))
    rows = prices.price_sheet_for_county()
    return render_template(
        "outlets/guide_prices.html", rows=rows, errors=errors, values=request.form
    ), 422 if errors else 200


@bp.route("/subsidies", methods=["GET", "POST"])
@role_required(*COUNTY_ROLES)
def subsidies():
    errors: dict[str, str] = {}
    form = request.form
    if request.method == "POST":
        try:
            programme = payments.save_programme(
                form.get("programme_id", type=int),
                form.get("name", ""),
                form.get("share_percent", ""),
                active=form.get("active") == "1" if "programme_id" in form else None,
            )
        except payments.ProgrammeError as error:
            errors = error.errors
        except NotFoundError:
            abort(404)
        else:
            flash(_("Subsidy programme %(name)s saved.", name=programme.name), "success")
            return redirect(url_for("outlets.subsidies"))
    every = payments.programmes(active_only=False)
    editing = next((p for p in every if p.id == request.args.get("edit", type=int)), None)
    if editing is None and form.get("programme_id", type=int):
        editing = next((p for p in every if p.id == form.get("programme_id", type=int)), None)
    return render_template(
        "outlets/subsidies.html", programmes=every, errors=errors, values=form, editing=editing
    ), 422 if errors else 200


@bp.route("/subsidies/import", methods=["GET", "POST"])
@role_required(*COUNTY_ROLES)
def subsidies_import():
    return import_page(
        subsidy_import.import_programmes,
        title=_("Import subsidy programmes"),
        intro=_("One row per programme; a name already entered updates that programme."),
        back=(url_for("outlets.subsidies"), _("Subsidy programmes")),
        template_endpoint="outlets.subsidies_template",
        columns=subsidy_import.PROGRAMME_COLUMNS,
        figures=lambda r: [
            ("added", _("Programmes added"), r.added),
            ("updated", _("Programmes updated"), r.updated),
            ("unchanged", _("Unchanged"), r.unchanged),
        ],
    )


@bp.get("/subsidies/template.xlsx")
@role_required(*COUNTY_ROLES)
def subsidies_template():
    return xlsx_response(subsidy_import.template_xlsx(), "补贴项目导入模板.xlsx")


@bp.get("/subsidies.xlsx")
@role_required(*COUNTY_ROLES)
def subsidies_export():
    return xlsx_response(subsidy_import.export_xlsx(), "补贴项目.xlsx")


@bp.route("/guide-prices/import", methods=["GET", "POST"])
@role_required(*COUNTY_ROLES)
def guide_prices_import():
    return import_page(
        lambda filename, data: price_import.import_guide_prices(filename, data, current_user),
        title=_("Import guide prices"),
        intro=_("One row per product; a blank guide price lifts the cap."),
        back=(url_for("outlets.guide_prices"), _("Guide prices")),
        template_endpoint="outlets.guide_prices_template",
        columns=price_import.GUIDE_COLUMNS,
        figures=lambda changed: [("changed", _("Guide prices changed"), changed)],
    )


@bp.get("/guide-prices/template.xlsx")
@role_required(*COUNTY_ROLES)
def guide_prices_template():
    return xlsx_response(price_import.guide_template_xlsx(), "指导价导入模板.xlsx")


@bp.get("/guide-prices.xlsx")
@role_required(*COUNTY_ROLES)
def guide_prices_export():
    return xlsx_response(price_import.guide_export_xlsx(), "指导价.xlsx")


@bp.get("/prices/template.xlsx")
@role_required(*OUTLET_ROLES)
def prices_template():
    return xlsx_response(price_import.template_xlsx(), "价格导入模板.xlsx")


@bp.get("/<int:outlet_id>/prices.xlsx")
@role_required(*OUTLET_ROLES)
def prices_export(outlet_id: int):
    outlet = outlet_in_scope(outlet_id)
    return xlsx_response(price_import.export_xlsx(outlet), f"{outlet.name}价格.xlsx")


@bp.route("/<int:outlet_id>/prices/import", methods=["GET", "POST"])
@role_required(*OUTLET_ROLES)
def prices_import(outlet_id: int):
    outlet = outlet_in_scope(outlet_id)
    changed = sheet_error = missing = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            missing = _("Please choose a file to upload.")
        else:
            data = upload.read(sheets.MAX_UPLOAD_BYTES + 1)
            try:
                changed = price_import.import_prices(outlet, upload.filename, data, current_user)
            except sheets.SheetError as error:
                sheet_error = error
    status = 422 if sheet_error or missing else 200
    return render_template(
        "outlets/prices_import.html",
        outlet=outlet,
        changed=changed,
        sheet_error=sheet_error,
        missing=missing,
        columns=price_import.PRICE_COLUMNS,
    ), status
