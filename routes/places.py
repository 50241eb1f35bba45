"""Townships and villages: lists, forms, deactivation, import and export (admins)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from routes.access import role_required
from routes.helpers import page_arg, xlsx_response
from routes.uploads import import_page
from supply_match.extensions import db
from supply_match.models import Role
from supply_match.services.county import place_import, places
from supply_match.services.county import settings as county_settings
from supply_match.services.errors import NotFoundError

bp = Blueprint("places", __name__, url_prefix="/places")

TOWNSHIP_FIELDS = ("code", "name", "name_pinyin", "lat", "lon", "coordinates")
VILLAGE_FIELDS = ("code", "name", "lat", "lon", "coordinates", "collection_point",
                  "collection_lat", "collection_lon", "collection_contact",
                  "collection_mobile", "group_count")  # fmt: skip


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    township_id = request.args.get("township", type=int)
    search = request.args.get("q", "")
    active = request.args.get("active", "")
    page = db.paginate(
        places.villages_query(township_id, search, active),
        page=page_arg(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "places/index.html",
        townships=places.townships(),
        page=page,
        household_counts=places.household_counts([v.id for v in page.items]),
        township_id=township_id,
        search=search,
        active=active,
        county=county_settings.current(),
    )


def _form_page(template: str, record, values: dict, errors: dict, **extra):
    return render_template(
        template, record=record, values=values, errors=errors, **extra
    ), 422 if errors else 200


@bp.route("/townships/new", methods=["GET", "POST"])
@bp.route("/townships/<int:township_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def township_form(township_id: int | None = None):
    township = _found(places.get_township, township_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in TOWNSHIP_FIELDS}
        try:
            saved = places.save_township(values, township_id)
        except places.PlaceError as error:
            errors = error.errors
        else:
            flash(_("Township %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("places.index"))
    elif township is not None:
        values = {key: getattr(township, key, "") for key in TOWNSHIP_FIELDS}
    else:
        values = {"code": county_settings.current().county_code}
    return _form_page("places/township_form.html", township, values, errors)


@bp.route("/villages/new", methods=["GET", "POST"])
@bp.route("/villages/<int:village_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def village_form(village_id: int | None = None):
    village = _found(places.get_village, village_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in VILLAGE_FIELDS}
        try:
            saved = places.save_village(values, village_id)
        except places.PlaceError as error:
            errors = error.errors
        else:
            flash(_("Village %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("places.index", township=saved.township_id))
    elif village is not None:
        values = {key: getattr(village, key, "") for key in VILLAGE_FIELDS}
    else:
        township = request.args.get("township", type=int)
        values = {"code": _township_code(township), "group_count": 1}
    return _form_page("places/village_form.html", village, values, errors)


def _township_code(township_id: int | None) -> str:
    try:
        return places.get_township(township_id).code if township_id else ""
    except NotFoundError:
        return ""


def _found(getter, record_id):
    if record_id is None:
        return None
    try:
        return getter(record_id)
    except NotFoundError:
        abort(404)


@bp.post("/townships/<int:township_id>/active")
@role_required(Role.ADMIN)
def township_active(township_id: int):
    _found(places.get_township, township_id)
    township = places.set_township_active(township_id, request.form.get("active") == "1")
    flash(_("Township %(name)s saved.", name=township.name), "success")
    return redirect(url_for("places.index"))


@bp.post("/villages/<int:village_id>/active")
@role_required(Role.ADMIN)
def village_active(village_id: int):
    _found(places.get_village, village_id)
    try:
        village = places.set_village_active(village_id, request.form.get("active") == "1")
    except places.PlaceError as error:
        flash(error.errors["active"], "error")
    else:
        flash(_("Village %(name)s saved.", name=village.name), "success")
    return redirect(request.referrer or url_for("places.index"))


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_places():
    return import_page(
        place_import.import_places,
        title=_("Import townships and villages"),
        intro=_(
            "One row per township (9-digit code) or village (12-digit code); a code already "
            "entered is updated."
        ),
        back=(url_for("places.index"), _("Townships and villages")),
        template_endpoint="places.template",
        columns=place_import.PLACE_COLUMNS,
        figures=lambda r: [
            ("townships_added", _("Townships added"), r.townships_added),
            ("townships_updated", _("Townships updated"), r.townships_updated),
            ("villages_added", _("Villages added"), r.villages_added),
            ("villages_updated", _("Villages updated"), r.villages_updated),
        ],
    )


@bp.get("/template.xlsx")
@role_required(Role.ADMIN)
def template():
    return xlsx_response(place_import.template_xlsx(), "乡镇和村导入模板.xlsx")


@bp.get("/export.xlsx")
@role_required(Role.ADMIN)
def export():
    today = county_settings.county_today().isoformat()
    return xlsx_response(place_import.export_xlsx(), f"乡镇和村-{today}.xlsx")
