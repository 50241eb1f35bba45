"""The volunteers' sign-up page: public, opened from a township's poster on a phone."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from routes.volunteers import WEEKDAYS
from supply_match import labels
from supply_match.services.county import settings as county_settings
from supply_match.services.county import signup
from supply_match.services.county.volunteers import VolunteerError
from supply_match.services.errors import NotFoundError

bp = Blueprint("signup", __name__, url_prefix="/signup")

FIELDS = ("name", "mobile", "party_branch", "village", "vehicle_type", "plate", "payload_kg",
          "shift_start", "shift_end")  # fmt: skip


@bp.route("/<code>", methods=["GET", "POST"])
def form(code: str):
    try:
        township = signup.township_for_signup(code)
    except NotFoundError:
        abort(404)
    errors: dict[str, str] = {}
    county = county_settings.current()
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in FIELDS}
        values["duty_days"] = request.form.getlist("duty_days")
        try:
            signup.apply(township, values)
        except VolunteerError as error:
            errors = error.errors
        else:
            return redirect(url_for("signup.thanks", code=code))
        days = [int(d) for d in values["duty_days"] if str(d).isdigit()]
    else:
        values = {
            "shift_start": county.default_shift_start.strftime("%H:%M"),
            "shift_end": county.default_shift_end.strftime("%H:%M"),
        }
        days = list(range(7))
    villages = [village for village in township.villages if village.active]
    return render_template(
        "signup/form.html",
        township=township,
        villages=villages,
        values=values,
        errors=errors,
        days=days,
        weekdays=WEEKDAYS,
        vehicle_labels=labels.VEHICLE_TYPES,
    ), 422 if errors else 200


@bp.get("/<code>/thanks")
def thanks(code: str):
    try:
        township = signup.township_for_signup(code)
    except NotFoundError:
        abort(404)
    return render_template("signup/thanks.html", township=township)
