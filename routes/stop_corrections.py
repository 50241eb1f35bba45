"""A dispatcher corrects stops' statuses, run by run, with a note each time."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from routes.access import role_required
from supply_match.models import Role
from supply_match.services.delivery import corrections
from supply_match.services.delivery.stop_outcomes import FAILURE_REASONS

bp = Blueprint("stop_corrections", __name__, url_prefix="/plans")
STAFF = (Role.DISPATCHER, Role.ADMIN)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


@bp.get("/<day>/runs/<int:run_id>/stops")
@role_required(*STAFF)
def run_stops(day: str, run_id: int):
    run = corrections.run_to_correct(_day(day), run_id)
    return render_template(
        "plans/run_stops.html",
        run=run,
        statuses=corrections.STATUS_CHOICES,
        reasons=FAILURE_REASONS,
        failure_reason_text=corrections.stop_outcomes.failure_reason_text,
    )


@bp.post("/<day>/stops/<int:stop_id>/correct")
@role_required(*STAFF)
def correct(day: str, stop_id: int):
    stop_day, run_id = corrections.stop_place(stop_id)
    if stop_day != _day(day):
        abort(404)
    try:
        stop = corrections.correct_stop(
            current_user,
            stop_id,
            request.form.get("status", ""),
            request.form.get("reason") or None,
            request.form.get("note", ""),
        )
    except corrections.CorrectionError as error:
        for message in error.errors.values():
            flash(message, "error")
        return redirect(url_for(".run_stops", day=day, run_id=run_id, _anchor=f"stop-{stop_id}"))
    flash(_("Stop %(label)s corrected: the volunteer's phone shows it.", label=stop.label), "info")
    return redirect(url_for(".run_stops", day=day, run_id=stop.run_id, _anchor=f"stop-{stop.id}"))
