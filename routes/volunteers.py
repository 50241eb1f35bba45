"""Volunteers: list, forms, deactivation, import and export, the sign-up applications
and each township's sign-up poster (dispatchers and admins)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from routes.access import role_required
from routes.helpers import page_arg, xlsx_response
from routes.uploads import import_page
from supply_match import labels
from supply_match.extensions import db
from supply_match.models import Role, Village
from supply_match.services.county import places, signup, volunteer_import, volunteers
from supply_match.services.county import settings as county_settings
from supply_match.services.documents.route_sheets import qr_svg
from supply_match.services.errors import NotFoundError

bp = Blueprint("volunteers", __name__, url_prefix="/volunteers")

STAFF = (Role.DISPATCHER, Role.ADMIN)
FIELDS = ("name", "mobile", "party_branch", "village", "vehicle_type", "plate", "payload_kg",
          "shift_start", "shift_end", "home_lat", "home_lon")  # fmt: skip
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@bp.get("/")
@role_required(*STAFF)
def index():
    filters = {
        "township_id": request.args.get("township", type=int),
        "vehicle_type": request.args.get("vehicle", ""),
        "weekday": request.args.get("day", type=int),
        "active": request.args.get("active", "1"),
        "search": request.args.get("q", ""),
    }
    page = db.paginate(
        volunteers.volunteers_query(**filters),
        page=page_arg(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "volunteers/index.html",
        page=page,
        filters=filters,
        townships=places.townships(),
        vehicle_labels=labels.VEHICLE_TYPES,
        weekdays=WEEKDAYS,
        pending=len(signup.pending_applications()),
        duty_days_text=volunteers.duty_days_text,
    )


def _village_choices() -> list[Village]:
    return list(db.session.scalars(places.villages_query(active="1")))


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:volunteer_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def form(volunteer_id: int | None = None):
    volunteer = _found(volunteer_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in FIELDS}
        values["duty_days"] = request.form.getlist("duty_days")
        try:
            saved = volunteers.save_volunteer(values, volunteer_id)
        except volunteers.VolunteerError as error:
            errors = error.errors
        else:
            flash(_("Volunteer %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("volunteers.index"))
        days = [int(d) for d in values["duty_days"] if str(d).isdigit()]
    elif volunteer is not None:
        values = {key: getattr(volunteer, key, "") for key in FIELDS}
        values["village"] = volunteer.home_village_id or ""
        values["shift_start"] = volunteer.shift_start.strftime("%H:%M")
        values["shift_end"] = volunteer.shift_end.strftime("%H:%M")
        days = volunteers.duty_day_numbers(volunteer.duty_days)
    else:
        county = county_settings.current()
        values = {
            "shift_start": county.default_shift_start.strftime("%H:%M"),
            "shift_end": county.default_shift_end.strftime("%H:%M"),
        }
        days = list(range(7))
    return render_template(
        "volunteers/form.html",
        volunteer=volunteer,
        values=values,
        errors=errors,
        days=days,
        weekdays=WEEKDAYS,
        villages=_village_choices(),
        vehicle_labels=labels.VEHICLE_TYPES,
    ), 422 if errors else 200


def _found(volunteer_id: int | None):
    if volunteer_id is None:
        return None
    try:
        return volunteers.get_volunteer(volunteer_id)
    except NotFoundError:
        abort(404)


@bp.post("/<int:volunteer_id>/active")
@role_required(*STAFF)
def set_active(volunteer_id: int):
    volunteer = _found(volunteer_id)
    active = request.form.get("active") == "1"
    if not active and request.form.get("confirmed") != "1":
        # Asks first, naming what deactivating does and the published runs ahead.
        return render_template(
            "volunteers/confirm_deactivate.html",
            volunteer=volunteer,
            runs=volunteers.runs_ahead(volunteer_id),
        )
    try:
        volunteers.set_volunteer_active(
            volunteer_id, active, confirmed=request.form.get("confirmed") == "1"
        )
    except volunteers.RunsAhead as ahead:
        return render_template(
            "volunteers/confirm_deactivate.html", volunteer=volunteer, runs=ahead.runs
        ), 409
    if active:
        flash(_("Volunteer %(name)s is active again.", name=volunteer.name), "success")
    else:
        flash(_("Volunteer %(name)s has been deactivated.", name=volunteer.name), "success")
    return redirect(url_for("volunteers.index"))


@bp.route("/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_volunteers():
    return import_page(
        volunteer_import.import_volunteers,
        title=_("Import volunteers"),
        intro=_("One row per volunteer; a mobile already entered updates that volunteer."),
        back=(url_for("volunteers.index"), _("Volunteers")),
        template_endpoint="volunteers.template",
        columns=volunteer_import.VOLUNTEER_COLUMNS,
        figures=lambda r: [
            ("added", _("Volunteers added"), r.added),
            ("updated", _("Volunteers updated"), r.updated),
        ],
    )


@bp.get("/template.xlsx")
@role_required(*STAFF)
def template():
    return xlsx_response(volunteer_import.template_xlsx(), "志愿者导入模板.xlsx")


@bp.get("/export.xlsx")
@role_required(*STAFF)
def export():
    today = county_settings.county_today().isoformat()
    return xlsx_response(volunteer_import.export_xlsx(), f"志愿者-{today}.xlsx")


@bp.get("/applications")
@role_required(*STAFF)
def applications():
    return render_template(
        "volunteers/applications.html",
        applications=signup.pending_applications(),
        vehicle_labels=labels.VEHICLE_TYPES,
        duty_days_text=volunteers.duty_days_text,
        townships=places.townships(active_only=True),
    )


@bp.post("/applications/<int:application_id>")
@role_required(*STAFF)
def decide(application_id: int):
    """Approving is one tap (a volunteer can be deactivated); declining asks first, as
    the application then leaves the list for good."""
    try:
        if request.form.get("decision") == "approve":
            volunteer = signup.approve(application_id, current_user)
            flash(_("%(name)s is now a volunteer.", name=volunteer.name), "success")
        elif request.form.get("confirmed") != "1":
            return render_template(
                "volunteers/confirm_decline.html",
                application=signup.pending_application(application_id),
                reason=request.form.get("reason", "").strip()[:200],
            )
        else:
            signup.decline(application_id, current_user, request.form.get("reason", ""))
            flash(_("The application has been declined."), "success")
    except NotFoundError:
        abort(404)
    except volunteers.VolunteerError as error:
        for message in error.errors.values():
            flash(message, "error")
    return redirect(url_for("volunteers.applications"))


@bp.get("/poster/<int:township_id>")
@role_required(*STAFF)
def poster(township_id: int):
    try:
        township = places.get_township(township_id)
    except NotFoundError:
        abort(404)
    link = url_for("signup.form", code=township.code, _external=True)
    return render_template(
        "volunteers/poster.html", township=township, link=link, qr=qr_svg(link, scale=8)
    )
