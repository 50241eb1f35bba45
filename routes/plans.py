"""Delivery days for dispatchers: plan in the background, review, adjust, publish, print,
and follow the day live."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from routes.access import role_required
from supply_match import labels, urls
from supply_match.extensions import db
from supply_match.models import DeliveryRun, DeliveryStop, JobStatus, PlanningJob, Role, Volunteer
from supply_match.services.county import settings as county_settings
from supply_match.services.county import volunteers as volunteer_directory
from supply_match.services.delivery import board_map, positions, run_progress
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.documents import route_sheets
from supply_match.services.fields import id_value
from supply_match.services.outlets import handover
from supply_match.services.planning import (
    delivery_days,
    order_plans,
    proposals,
    publishing,
    vehicles,
)
from supply_match.services.planning import edits as run_edits
from supply_match.services.planning import jobs as planning_jobs
from supply_match.services.planning import views as plan_views
from supply_match.services.planning.reasons import second_visit_text, unassigned_reason_text
from supply_match.services.planning.settings import PlanningError, PlanningSettings

bp = Blueprint("plans", __name__, url_prefix="/plans")
STAFF = (Role.DISPATCHER, Role.ADMIN)
TIME_LIMITS_S = (10, 30, 60, 120)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


def _plan_or_404(day: date, load=plan_views.plan_for):
    """The plan of ``day`` as ``load`` loads it (the plan page's loads by default), or 404."""
    plan = load(day)
    if plan is None:
        abort(404)
    return plan


def volunteer_link(volunteer: Volunteer) -> str:
    """The volunteer's phone page under the site's base URL (as the worker's sheets show it)."""
    return volunteer_links.link_for(volunteer, urls.volunteer_link_builder(urls.site_url()))


@bp.get("/")
@role_required(*STAFF)
def index():
    chosen = request.args.get("day")
    if chosen:
        try:
            return redirect(url_for("plans.day", day=date.fromisoformat(chosen).isoformat()))
        except ValueError:
            flash(_("Please pick a valid date."), "error")
    days = delivery_days.upcoming(county_settings.county_today())
    return render_template(
        "plans/index.html",
        plans=plan_views.recent_plans(),
        upcoming=days,
        default_day=days.first_day or county_settings.county_today(),
    )


@bp.get("/<day>")
@role_required(*STAFF)
def day(day: str):
    when = _day(day)
    plan = plan_views.plan_for(when)
    job = plan_views.latest_job(when)
    if job is not None and not job.finished:
        return redirect(url_for("plans.job", job_id=job.id))
    if plan is None or request.args.get("replan"):
        return render_template(
            "plans/prepare.html",
            day=when,
            candidates=plan_views.candidates(when),
            plan=plan,
            job=job,
            time_limits=TIME_LIMITS_S,
            county_defaults=county_settings.current(),
            range_m=vehicles.range_m,
        )
    return render_template(
        "plans/plan.html",
        plan=plan,
        summary=plan_views.summary(plan),
        map_svg=plan_views.plan_map(plan),
        colours=plan_views.run_colours(plan),
        move_choices=plan_views.move_choices(plan),
        reason_text=unassigned_reason_text,
        second_visit_text=second_visit_text,
        left_off=order_plans.left_off(plan),
        job=job,
    )


@bp.post("/<day>/start")
@role_required(*STAFF)
def start(day: str):
    when = _day(day)
    order_ids = request.form.getlist("order", type=id_value)
    volunteer_ids = request.form.getlist("volunteer", type=id_value)
    time_limit = request.form.get("time_limit", type=id_value)
    if time_limit not in TIME_LIMITS_S:
        time_limit = 30
    if not volunteer_ids:
        flash(_("Choose at least one volunteer."), "error")
        return redirect(url_for("plans.day", day=day, replan=1))
    if not order_ids:
        flash(_("Choose at least one order."), "error")
        return redirect(url_for("plans.day", day=day, replan=1))
    settings = PlanningSettings.for_county(
        float(time_limit),
        separate_pesticide=bool(request.form.get("separate_pesticide")),
        second_trips=bool(request.form.get("second_trips")),
        # Tests set a solution limit: reproducible plans, and no waiting for the clock.
        solution_limit=current_app.config.get("PLANNING_SOLUTION_LIMIT"),
    )
    try:
        job = planning_jobs.start_planning(
            when,
            settings,
            current_user,
            order_ids=order_ids,
            volunteer_ids=volunteer_ids,
            site_url=urls.site_url(),
        )
    except planning_jobs.JobConflict as error:
        flash(str(error), "error")
        return redirect(url_for("plans.day", day=day))
    return redirect(url_for("plans.job", job_id=job.id))


@bp.get("/jobs/<int:job_id>")
@role_required(*STAFF)
def job(job_id: int):
    planning_jobs.fail_stale_jobs()
    job = db.get_or_404(PlanningJob, job_id)
    proposal = proposals.proposal_of(job)
    if proposal is not None:  # a published day's change, worked out: accept or discard
        return render_template("plans/proposal.html", job=job, proposal=proposal)
    if job.status == JobStatus.SUCCEEDED:
        flash(_("Planning finished."), "info")
        return redirect(url_for("plans.day", day=job.delivery_date.isoformat()))
    return render_template("plans/job.html", job=job)


@bp.post("/jobs/<int:job_id>/cancel")
@role_required(*STAFF)
def cancel_job(job_id: int):
    job = db.get_or_404(PlanningJob, job_id)
    planning_jobs.cancel(job)
    flash(_("Cancelling: every order stays as it was."), "info")
    return redirect(url_for("plans.job", job_id=job.id))


@bp.post("/<day>/publish")
@role_required(*STAFF)
def publish(day: str):
    plan = _plan_or_404(_day(day))
    try:
        change = publishing.publish(plan, current_user, site_url=urls.site_url())
    except publishing.PublishError as error:
        flash(str(error), "error")
        return redirect(url_for("plans.day", day=day))
    flash(
        _(
            "Published version %(version)s: %(added)s orders scheduled, %(removed)s taken off.",
            version=change.detail["version"],
            added=len(change.detail["added"]),
            removed=len(change.detail["removed"]),
        ),
        "info",
    )
    return redirect(url_for("plans.day", day=day))


@bp.post("/<day>/stops/<int:stop_id>/move")
@role_required(*STAFF)
def move_stop(day: str, stop_id: int):
    return _move(day, stop_id)


@bp.post("/<day>/runs/<int:run_id>/move")
@role_required(*STAFF)
def move_chosen_stop(day: str, run_id: int):
    """A run's one move form: the stop is the row chosen in the run's table (one form a
    run instead of one a stop, whose run lists made half of a busy day's page)."""
    stop_id = request.form.get("stop", type=id_value)
    if stop_id is None:
        flash(_("Choose the stop to move in the run's table first."), "error")
        return redirect(url_for("plans.day", day=day, _anchor=f"run-{run_id}"))
    return _move(day, stop_id)


def _move(day: str, stop_id: int):
    plan = _plan_or_404(_day(day))
    stop = db.get_or_404(DeliveryStop, stop_id)
    target = db.session.get(DeliveryRun, request.form.get("run", type=id_value) or 0)
    if stop.run.plan_id != plan.id or target is None or target.plan_id != plan.id:
        abort(404)
    # No position given: the end of the target run.
    position = request.form.get("position", type=id_value)
    if position is None:
        position = sum(1 for other in target.stops if other.id != stop.id) + 1
    position -= 1
    stop_label, target_name = stop.label, labels.run_name(target)
    try:
        warnings = run_edits.move_stop(
            stop,
            target,
            position,
            current_user,
            confirmed=bool(request.form.get("confirmed")),
            site_url=urls.site_url(),
        )
    except run_edits.EditRefused as error:
        flash(str(error), "error")
        return redirect(url_for("plans.day", day=day))
    except run_edits.MoveNotConfirmed as unconfirmed:
        # Show what the move would break, and save it only when the dispatcher confirms.
        return render_template(
            "plans/confirm_move.html",
            day=day,
            stop_id=stop_id,
            run_id=target.id,
            position=position + 1,
            stop_label=stop_label,
            target_name=target_name,
            warnings=[w.message for w in unconfirmed.warnings],
        )
    for warning in warnings:
        flash(warning.message, "error")
    if not warnings:
        flash(_("Stop moved; the runs were re-timed."), "info")
    return redirect(url_for("plans.day", day=day, _anchor=f"run-{target.id}"))


@bp.post("/<day>/runs/<int:run_id>/lock")
@role_required(*STAFF)
def lock_run(day: str, run_id: int):
    plan = _plan_or_404(_day(day))
    run = db.get_or_404(DeliveryRun, run_id)
    if run.plan_id != plan.id:
        abort(404)
    run_edits.set_locked(run, not run.locked, current_user)
    return redirect(url_for("plans.day", day=day, _anchor=f"run-{run.id}"))


@bp.post("/<day>/stops/<int:stop_id>/lock")
@role_required(*STAFF)
def lock_stop(day: str, stop_id: int):
    plan = _plan_or_404(_day(day))
    stop = db.get_or_404(DeliveryStop, stop_id)
    if stop.run.plan_id != plan.id:
        abort(404)
    run_edits.set_locked(stop, not stop.locked, current_user)
    return redirect(url_for("plans.day", day=day, _anchor=f"run-{stop.run_id}"))


@bp.post("/<day>/reoptimize")
@role_required(*STAFF)
def reoptimize(day: str):
    plan = _plan_or_404(_day(day))
    # Tests set a solution limit: reproducible plans, and no waiting for the clock.
    settings = PlanningSettings.of_plan(
        plan, solution_limit=current_app.config.get("PLANNING_SOLUTION_LIMIT")
    )
    try:
        job = proposals.request_reoptimize(plan, settings, current_user, site_url=urls.site_url())
    except (PlanningError, planning_jobs.JobConflict) as error:
        flash(str(error), "error")
        return redirect(url_for("plans.day", day=day))
    # Re-optimizing runs in the worker and ends in a proposal to accept or discard.
    return redirect(url_for("plans.job", job_id=job.id))


@bp.get("/<day>/sheets")
@role_required(*STAFF)
def sheets(day: str):
    plan = _plan_or_404(_day(day), plan_views.sheets_plan_for)
    runs = request.args.getlist("run", type=id_value)
    locale = str(get_locale())
    sheets = route_sheets.sheets_for_plan(plan, volunteer_link, locale)
    if runs:
        sheets = [sheet for sheet, run in zip(sheets, plan.runs, strict=True) if run.id in runs]
    return route_sheets.render_html(sheets, locale=locale)


@bp.get("/<day>/sheets.pdf")
@role_required(*STAFF)
def sheets_pdf(day: str):
    plan = _plan_or_404(_day(day), plan_views.sheets_plan_for)
    # Kept for the next request (in each language asked for).
    pdf = route_sheets.pdf_for_plan(plan, volunteer_link, str(get_locale()))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="route-sheets-{day}.pdf"'},
    )


@bp.get("/<day>/board")
@role_required(*STAFF)
def board(day: str):
    plan = plan_views.board_plan_for(_day(day))
    if plan is None:
        abort(404)
    # The map comes after the page (board_map_json): drawing it was half the page's time
    # and more than half its size, and the table is what a dispatcher reads first.
    return render_template(
        "plans/board.html",
        plan=plan,
        positions=positions.positions_for_plan(plan),
        rows=run_progress.late_first(plan, plan_views.board(plan)),
        shortages=handover.shortages_for_plan(plan),
    )


@bp.get("/<day>/board/map.json")
@role_required(*STAFF)
def board_map_json(day: str):
    plan = plan_views.board_map_plan_for(_day(day))
    if plan is None:
        abort(404)
    response = jsonify(svg=board_map.board_map(plan, positions.positions_for_plan(plan)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/volunteers")
@role_required(*STAFF)
def volunteers():
    people = plan_views.all_volunteers()
    links = {v.id: volunteer_link(v) for v in people}
    qr = {v.id: route_sheets.qr_svg(links[v.id], scale=2) for v in people}
    return render_template(
        "plans/volunteers.html",
        volunteers=people,
        links=links,
        qr=qr,
    )


@bp.route("/volunteers/<int:volunteer_id>/renew", methods=["GET", "POST"])
@role_required(*STAFF)
def renew_link(volunteer_id: int):
    """GET asks first, naming the published runs the old link opens; a confirmed POST
    renews (an unconfirmed one only asks)."""
    volunteer = db.get_or_404(Volunteer, volunteer_id)
    if request.form.get("confirmed") != "1":
        return render_template(
            "plans/confirm_renew.html",
            volunteer=volunteer,
            runs=volunteer_directory.runs_ahead(volunteer.id),
            today=county_settings.county_today(),
        )
    volunteer_links.revoke(volunteer)
    flash(_("%(name)s has a new link; the old one no longer opens.", name=volunteer.name), "info")
    return redirect(url_for("plans.volunteers", _anchor=f"volunteer-{volunteer.id}"))


@bp.get("/progress")
@role_required(Role.CADRE, *STAFF)
def progress():
    return render_template("plans/progress.html", rows=plan_views.village_progress(current_user))
