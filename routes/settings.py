"""The county's own settings (admins)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from routes.access import role_required
from supply_match.models import Role
from supply_match.services.county import settings as county_settings

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")

FIELDS = ("county_code", "county_name", "service_title", "time_zone", "default_shift_start",
          "default_shift_end", "circuity")  # fmt: skip


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit():
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in FIELDS}
        values["keep_pesticide_apart"] = request.form.get("keep_pesticide_apart") == "1"
        try:
            county_settings.save_settings(**values)
        except county_settings.SettingsError as error:
            errors = {field: _(message) for field, message in error.errors.items()}
        else:
            flash(_("The county's settings are saved."), "success")
            return redirect(url_for("admin.home"))
    else:
        current = county_settings.current()
        values = {key: getattr(current, key) for key in FIELDS}
        values["keep_pesticide_apart"] = current.keep_pesticide_apart
        values["default_shift_start"] = current.default_shift_start.strftime("%H:%M")
        values["default_shift_end"] = current.default_shift_end.strftime("%H:%M")
    return render_template(
        "settings/edit.html",
        values=values,
        errors=errors,
        zones=county_settings.time_zone_choices(),
    ), 422 if errors else 200
