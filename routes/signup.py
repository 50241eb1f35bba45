"""The volunteers' sign-up page: public, opened from a township's poster on a phone."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

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
    status = 200
    county = county_settings.current()
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in FIELDS}
        values["duty_days"] = request.form.getlist("duty_days")
        try:
            signup.submit(township, values, request.remote_addr)
        except VolunteerError as error:
            errors, status = error.errors, 422
        except signup.SignupThrottled as refused:
            flash(
                _(
                    "Too many sign-ups from this connection. Please try again after %(time)s.",
                    time=format_datetime(refused.until, "short"),
                ),
                "error",
            )
            status = 429
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
    ), status


@bp.get("/<code>/thanks")
def thanks(code: str):
    try:
        township = signup.township_for_signup(code)
    except NotFoundError:
        abort(404)
    return render_template("signup/thanks.html", township=township)
