"""Changing a published day for dispatchers: withdraw a volunteer (asked first, naming the
stops that will move), add orders, and accept or discard the re-planned proposal."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from routes.access import role_required
from routes.plans import STAFF, _day, _plan_or_404
from supply_match import urls
from supply_match.services.fields import id_value
from supply_match.services.planning import day_changes, proposals
from supply_match.services.planning import jobs as planning_jobs
from supply_match.services.planning.settings import PlanningError, PlanningSettings

bp = Blueprint("day_changes", __name__, url_prefix="/plans")


def _settings(plan) -> PlanningSettings:
    # Tests set a solution limit: reproducible plans, and no waiting for the clock.
    return PlanningSettings.of_plan(
        plan, solution_limit=current_app.config.get("PLANNING_SOLUTION_LIMIT")
    )


def _request(day: str, plan, change: day_changes.DayChange):
    try:
        job = proposals.request_change(
            plan, change, _settings(plan), current_user, site_url=urls.site_url()
        )
    except (PlanningError, planning_jobs.JobConflict) as error:
        flash(str(error), "error")
        return redirect(url_for("plans.day", day=day))
    return redirect(url_for("plans.job", job_id=job.id))


@bp.get("/<day>/volunteers/<int:volunteer_id>/withdraw")
@role_required(*STAFF)
def confirm_withdraw(day: str, volunteer_id: int):
    plan = _plan_or_404(_day(day))
    preview = day_changes.withdrawal_preview(plan, volunteer_id)
    return render_template(
        "plans/confirm_withdraw.html", day=day, volunteer_id=volunteer_id, preview=preview
    )


@bp.post("/<day>/volunteers/<int:volunteer_id>/withdraw")
@role_required(*STAFF)
def withdraw(day: str, volunteer_id: int):
    plan = _plan_or_404(_day(day))
    return _request(day, plan, day_changes.DayChange(volunteer_id=volunteer_id))


@bp.get("/<day>/add-orders")
@role_required(*STAFF)
def choose_orders(day: str):
    plan = _plan_or_404(_day(day))
    return render_template("plans/add_orders.html", day=day, orders=day_changes.orders_to_add(plan))


@bp.post("/<day>/add-orders")
@role_required(*STAFF)
def add_orders(day: str):
    plan = _plan_or_404(_day(day))
    order_ids = [i for i in request.form.getlist("order", type=id_value) if i]
    if not order_ids:
        flash(_("Choose at least one order."), "error")
        return redirect(url_for("day_changes.choose_orders", day=day))
    return _request(day, plan, day_changes.DayChange(order_ids=tuple(order_ids)))


@bp.post("/jobs/<int:job_id>/accept")
@role_required(*STAFF)
def accept(job_id: int):
    job = proposals.job_with_proposal(job_id)
    try:
        version = proposals.accept(job, current_user, site_url=urls.site_url())
    except proposals.ProposalError as error:
        flash(str(error), "error")
        return redirect(url_for("plans.job", job_id=job_id))
    if proposals.proposal_of(job).get("kind") == proposals.REOPTIMIZE:
        flash(
            _("Re-optimized around the locked runs and stops. Publish again to send the changes."),
            "info",
        )
        return redirect(url_for("plans.day", day=job.delivery_date.isoformat()))
    flash(
        _(
            "Version %(version)s is published: the volunteers whose runs changed see it on "
            "their phones, and their new route sheets are being made.",
            version=version,
        ),
        "info",
    )
    return redirect(url_for("plans.day", day=job.delivery_date.isoformat()))


@bp.post("/jobs/<int:job_id>/discard")
@role_required(*STAFF)
def discard(job_id: int):
    job = proposals.job_with_proposal(job_id)
    try:
        proposals.discard(job, current_user)
    except proposals.ProposalError as error:
        flash(str(error), "error")
        return redirect(url_for("plans.job", job_id=job_id))
    flash(_("Proposal discarded: the day stays as it was."), "info")
    return redirect(url_for("plans.day", day=job.delivery_date.isoformat()))
