"""Changes to a published day as proposals: asked for (a job for the worker), worked out
(``day_changes.propose``), then accepted as a new plan version or discarded.

Always a proposal, never applied at once: a withdrawal moves goods between volunteers, and
even a change that looks no worse in the figures (km, late stops) sends people elsewhere,
so the dispatcher sees before and after and decides. Accepting bumps the plan's version and
only the changed runs' versions: the volunteers of those runs see a notice on their phone
and get a new route sheet; the others keep their run exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from supply_match import clock
from supply_match.extensions import db
from supply_match.models import (
    AuditKind,
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    JobStatus,
    Order,
    OrderStatus,
    PlanChange,
    PlanningJob,
    PlanStatus,
    RunStatus,
    StopItem,
    StopStatus,
    UnassignedOrder,
    User,
    Volunteer,
)
from supply_match.services import audit
from supply_match.services.county import settings as county_settings
from supply_match.services.documents import route_sheets
from supply_match.services.errors import NotFoundError
from supply_match.services.planning import day_changes, reoptimizing
from supply_match.services.planning.publishing import planned_order_ids
from supply_match.services.planning.settings import PlanningError, PlanningSettings
from supply_match.services.unit_of_work import unit_of_work, use_case

OPEN, ACCEPTED, DISCARDED = "open", "accepted", "discarded"
REOPTIMIZE = "reoptimize"


class ProposalError(RuntimeError):
    """The proposal cannot be accepted (any more); nothing changed."""


def _published(plan: DeliveryPlan) -> None:
    if plan.status != PlanStatus.PUBLISHED:
        raise PlanningError(_("The plan is not published: edit the draft and publish it instead."))


@use_case
def request_change(
    plan: DeliveryPlan,
    change: day_changes.DayChange,
    settings: PlanningSettings,
    user: User | None = None,
    *,
    site_url: str | None = None,
) -> PlanningJob:
    """Queue the job that re-plans ``plan`` for ``change``, committed. Raises
    ``PlanningError`` when the change makes no sense (nothing left to move, an order not
    waiting) and ``jobs.JobConflict`` while the day is being planned already."""
    from supply_match.services.planning import jobs

    _published(plan)
    day_changes.validate(plan, change, settings)
    job = jobs.start_planning(
        plan.delivery_date,
        settings,
        user,
        site_url=site_url,
        change={
            "volunteer_id": change.volunteer_id,
            "order_ids": list(change.order_ids),
            "now_s": change.now_s,
        },
    )
    if change.volunteer_id is not None:
        volunteer = db.session.get(Volunteer, change.volunteer_id)
        audit.record(
            AuditKind.VOLUNTEER,
            "withdraw_asked",
            record_id=change.volunteer_id,
            summary=_(
                "Withdrawal of %(name)s on %(day)s asked; re-planning (job %(job)s)",
                name=volunteer.name,
                day=plan.delivery_date,
                job=job.id,
            ),
            detail={"plan_id": plan.id, "job_id": job.id},
            actor=user,
        )
    if change.order_ids:
        audit.record(
            AuditKind.PLAN,
            "orders_add_asked",
            record_id=plan.id,
            summary=_(
                "Orders %(ids)s to be added to %(day)s; re-planning (job %(job)s)",
                ids=", ".join(map(str, change.order_ids)),
                day=plan.delivery_date,
                job=job.id,
            ),
            detail={"order_ids": list(change.order_ids), "job_id": job.id},
            actor=user,
        )
    return job


@use_case
def request_reoptimize(
    plan: DeliveryPlan,
    settings: PlanningSettings,
    user: User | None = None,
    *,
    site_url: str | None = None,
) -> PlanningJob:
    """Queue re-optimizing ``plan`` around its locked runs and stops (a job that ends in a
    proposal), committed. Raises ``PlanningError`` once volunteers started delivering and
    ``jobs.JobConflict`` while the day is being planned already."""
    from supply_match.services.planning import jobs

    if any(run.status != RunStatus.PLANNED for run in plan.runs):
        raise PlanningError(
            _("Volunteers have started delivering; the plan can no longer be re-optimized.")
        )
    job = jobs.start_planning(
        plan.delivery_date, settings, user, site_url=site_url, change={"kind": REOPTIMIZE}
    )
    audit.record(
        AuditKind.PLAN,
        "reoptimize_asked",
        record_id=plan.id,
        actor=user,
        summary=_("Re-optimizing %(day)s asked (job %(job)s)", day=plan.delivery_date, job=job.id),
        detail={"job_id": job.id},
    )
    return job


def _work_out_reoptimizing(job: PlanningJob, progress) -> dict:
    with unit_of_work():
        plan = day_changes.load_plan(job.delivery_date)
        if plan is None:
            raise PlanningError(_("The plan of this day is gone."))
        settings = PlanningSettings(**job.params["settings"])
        proposal = reoptimizing.propose(plan, settings, job.requested_by, progress)
        db.session.rollback()  # a proposal until accepted: nothing is kept
    return {"proposal": proposal, "plan_id": proposal["plan_id"]}


def work_out(job: PlanningJob, progress: Callable[[int, str], None]) -> dict:
    """The worker's part: the proposal for the job's change (nothing written)."""
    params = job.params
    if params["change"].get("kind") == REOPTIMIZE:
        return _work_out_reoptimizing(job, progress)
    change = day_changes.DayChange(
        volunteer_id=params["change"].get("volunteer_id"),
        order_ids=tuple(params["change"].get("order_ids") or ()),
        now_s=params["change"].get("now_s"),
    )
    with unit_of_work():
        plan = day_changes.load_plan(job.delivery_date)
        if plan is None:
            raise PlanningError(_("The plan of this day is gone."))
        _published(plan)
        zone = county_settings.current().time_zone
        proposal = day_changes.propose(
            plan, change, PlanningSettings(**params["settings"]), zone, progress=progress
        )
        db.session.rollback()  # only read; nothing to keep
    return {"proposal": proposal, "plan_id": proposal["plan_id"]}


def job_with_proposal(job_id: int) -> PlanningJob:
    """The job ``job_id`` if it holds a proposal; ``NotFoundError`` otherwise (no such job,
    or one that planned a draft), answered 404 by the pages and the API alike."""
    job = db.session.get(PlanningJob, job_id)
    if job is None or proposal_of(job) is None:
        raise NotFoundError()
    return job


def proposal_of(job: PlanningJob) -> dict | None:
    """The job's proposal, if it is a finished day change."""
    if job.status != JobStatus.SUCCEEDED:
        return None
    return (job.result or {}).get("proposal")


def _open_proposal(job: PlanningJob) -> dict:
    proposal = proposal_of(job)
    if proposal is None:
        raise ProposalError(_("This job holds no proposal."))
    if proposal["state"] != OPEN:
        if proposal["state"] == ACCEPTED:
            raise ProposalError(_("This proposal was already accepted."))
        raise ProposalError(_("This proposal was already discarded."))
    return proposal


def _set_state(job: PlanningJob, proposal: dict, state: str, **extra) -> None:
    job.result = {**job.result, "proposal": {**proposal, "state": state, **extra}}


@use_case
def discard(job: PlanningJob, user: User | None = None) -> None:
    """Leave the day as it is, committed; the proposal is kept, marked discarded."""
    proposal = _open_proposal(job)
    _set_state(job, proposal, DISCARDED)
    audit.record(
        AuditKind.PLAN,
        "proposal_discarded",
        record_id=proposal["plan_id"],
        summary=_("Proposal of job %(job)s discarded; the day stays as it was", job=job.id),
        detail={"job_id": job.id},
        actor=user,
    )


@use_case
def accept(job: PlanningJob, user: User | None = None, *, site_url: str | None = None) -> int:
    """Apply the job's proposal as the plan's next version, committed; returns the version.

    Raises ``ProposalError`` when the day moved on since it was worked out (another change,
    a stop marked): it must be re-planned then; nothing is written."""
    proposal = _open_proposal(job)
    if proposal.get("kind") == REOPTIMIZE:
        return _accept_reoptimized(job, proposal, user, site_url)
    plan = day_changes.load_plan(job.delivery_date)
    if plan is None or plan.id != proposal["plan_id"] or plan.version != proposal["plan_version"]:
        raise ProposalError(_("The plan changed since this proposal was made: ask for a new one."))
    stops = {stop.id: stop for run in plan.runs for stop in run.stops}
    _still_valid(plan, proposal, stops)
    version = plan.version + 1
    removed_order_ids = _apply(plan, proposal, stops, version)
    plan.version = version
    change = PlanChange(
        user=user,
        action="published",
        detail={
            "version": version,
            "order_ids": sorted(planned_order_ids(plan)),
            "added": sorted(set(proposal["order_ids"]) - set(proposal["unplaced_order_ids"])),
            "removed": removed_order_ids,
            "change": "withdraw" if proposal["volunteer_id"] else "add_orders",
            "job_id": job.id,
        },
    )
    plan.changes.append(change)
    _set_state(job, proposal, ACCEPTED, version=version)
    _record_accepted(plan, proposal, version, user)
    db.session.flush()
    route_sheets.queue_sheets(plan, site_url or current_app.config.get("SITE_URL"))
    return version


def _accept_reoptimized(job, proposal: dict, user, site_url) -> int:
    """The re-optimized runs become the draft, if the plan did not change meanwhile."""
    plan = day_changes.load_plan(job.delivery_date)
    last_change = plan.changes[-1].id if plan is not None and plan.changes else None
    if plan is None or last_change != proposal["last_change_id"]:
        raise ProposalError(_("The plan changed since this proposal was made: ask for a new one."))
    if any(run.status != RunStatus.PLANNED for run in plan.runs):
        raise ProposalError(
            _("Volunteers have started delivering; the plan can no longer be re-optimized.")
        )
    reoptimizing.apply_proposal(plan, proposal, user)
    _set_state(job, proposal, ACCEPTED, version=plan.version)
    audit.record(
        AuditKind.PLAN,
        "reoptimized",
        record_id=plan.id,
        summary=_(
            "%(day)s re-optimized around the locked runs (job %(job)s accepted)",
            day=plan.delivery_date,
            job=job.id,
        ),
        detail={"before": proposal["before"], "after": proposal["after"], "job_id": job.id},
        actor=user,
    )
    route_sheets.queue_sheets(plan, site_url or current_app.config.get("SITE_URL"))
    return plan.version


def _still_valid(plan: DeliveryPlan, proposal: dict, stops: dict[int, DeliveryStop]) -> None:
    """Refuse a proposal the day has moved past: a run gone or finished, or a stop it
    moves to another run marked meanwhile. The volunteers of a busy day keep marking
    while the worker plans and the dispatcher reads: a run that started since, or a stop
    marked on the run it stays on, only joins that run's done part."""
    runs = {run.id: run for run in plan.runs}
    stale = False
    for changed in proposal["changed_runs"]:
        run = runs.get(changed["run_id"])
        stale |= run is None or not _status_still_fits(changed["status"], run.status)
        for row in changed["stops"]:
            if row["job"].startswith("s"):
                stop = stops.get(int(row["job"][1:]))
                stale |= stop is None or (
                    stop.status != StopStatus.PENDING and stop.run_id != changed["run_id"]
                )
    for withdrawn in proposal["withdrawn_runs"]:
        stale |= withdrawn["run_id"] not in runs
    if stale:
        raise ProposalError(_("Stops were marked since this proposal was made: ask for a new one."))


def _status_still_fits(proposed_on: str, now: str) -> bool:
    """A run's status now against the one the proposal was worked out on: the same, or
    started since (its first stops marked)."""
    return now == proposed_on or (proposed_on == RunStatus.PLANNED and now == RunStatus.STARTED)


def _new_stop(row: dict) -> DeliveryStop:
    stop = DeliveryStop(
        position=0,
        delivery_point=row["delivery_point"],
        household_id=row["household_id"],
        village_id=row["village_id"],
        label=row["label"],
        lat=row["lat"],
        lon=row["lon"],
        weight_kg=Decimal(row["weight_kg"]),
    )
    for order_id, line_id, quantity in row["items"]:
        stop.items.append(
            StopItem(order_id=order_id, order_line_id=line_id, quantity=Decimal(quantity))
        )
    return stop


def _notice(version: int, added: list[str], removed: list[str]) -> dict:
    at = clock.to_zone(clock.now_utc(), county_settings.current().time_zone)
    return {"version": version, "at": at.strftime("%H:%M"), "added": added, "removed": removed}


def _apply(plan, proposal, stops, version) -> list[int]:
    """Move and add the stops, re-time the changed runs, take the withdrawn ones off;
    returns the orders that came off the day."""
    runs = {run.id: run for run in plan.runs}
    for changed in proposal["changed_runs"]:
        run: DeliveryRun = runs[changed["run_id"]]
        kept = [s for s in run.stops if s.status != StopStatus.PENDING]
        ordered = []
        for row in changed["stops"]:
            key = row["job"]
            stop = (
                stops[int(key[1:])]
                if key.startswith("s")
                else _new_stop(proposal["new_stops"][key])
            )
            if key.startswith("s") and stop.status != StopStatus.PENDING:
                continue  # marked since the proposal: already in the run's done part
            if stop.run is not run:
                stop.locked = False
                run.stops.append(stop)
            stop.arrival_s, stop.departure_s = row["arrival_s"], row["departure_s"]
            ordered.append(stop)
        for position, stop in enumerate(kept + ordered):
            stop.position = position
        run.stops.sort(key=lambda s: s.position)
        run.start_s, run.end_s = changed["start_s"], changed["end_s"]
        run.duration_s = max(0, run.end_s - run.start_s)
        run.distance_m = changed["distance_m"]
        run.load_kg = sum((s.weight_kg for s in run.stops), Decimal(0))
        run.version = version
        run.notice = _notice(version, changed["added"], [])
    db.session.flush()
    removed = _take_off_withdrawn(plan, proposal, runs, version)
    _schedule_added(plan, proposal)
    return removed


def _take_off_withdrawn(plan, proposal, runs, version) -> list[int]:
    unplaced = {row["job"]: row["reason"] for row in proposal["unplaced"]}
    taken_off: set[int] = set()
    for withdrawn in proposal["withdrawn_runs"]:
        run = runs[withdrawn["run_id"]]
        for stop in [s for s in run.stops if s.status == StopStatus.PENDING]:
            reason = unplaced.get(f"s{stop.id}") or "no_allowed_vehicle"
            taken_off |= _unplan(plan, stop, reason)
            run.stops.remove(stop)
        db.session.flush()
        if withdrawn["keeps"]:
            run.status = "finished"
            run.distance_m = withdrawn["distance_m"]
            run.version = version
            run.notice = _notice(version, [], withdrawn["removed"])
        else:
            plan.runs.remove(run)
    db.session.flush()
    return sorted(taken_off)


def _unplan(plan: DeliveryPlan, stop: DeliveryStop, reason: str) -> set[int]:
    """The stop's orders go back to the pool (allocated, stock still reserved) unless
    another stop of the day still carries them; returns those that went back."""
    others = set(
        db.session.scalars(
            select(StopItem.order_id)
            .join(DeliveryStop)
            .join(DeliveryRun)
            .where(DeliveryRun.plan_id == plan.id, DeliveryStop.id != stop.id)
        )
    )
    back = set()
    for order in {item.order for item in stop.items}:
        if order.id in others:
            continue
        if order.status == OrderStatus.SCHEDULED:
            order.transition_to(OrderStatus.ALLOCATED)
        back.add(order.id)
        if not any(u.order_id == order.id for u in plan.unassigned):
            plan.unassigned.append(UnassignedOrder(order_id=order.id, reason=reason[:32]))
    return back


def _schedule_added(plan: DeliveryPlan, proposal: dict) -> None:
    unplaced = set(proposal["unplaced_order_ids"])
    orders = db.session.scalars(select(Order).where(Order.id.in_(proposal["order_ids"] or [-1])))
    for order in orders:
        if order.id in unplaced:
            if not any(u.order_id == order.id for u in plan.unassigned):
                plan.unassigned.append(
                    UnassignedOrder(order_id=order.id, reason="dropped_for_priority")
                )
            continue
        if order.status == OrderStatus.FAILED:
            order.transition_to(OrderStatus.ALLOCATED)
        if order.status == OrderStatus.ALLOCATED:
            order.transition_to(OrderStatus.SCHEDULED)
        for row in [u for u in plan.unassigned if u.order_id == order.id]:
            plan.unassigned.remove(row)


def _record_accepted(plan: DeliveryPlan, proposal: dict, version: int, user) -> None:
    summary = _(
        "%(day)s version %(version)s: %(moved)s stops placed on other runs, %(unplaced)s "
        "could not be placed",
        day=plan.delivery_date,
        version=version,
        moved=len(proposal["moved"]),
        unplaced=len(proposal["unplaced"]),
    )
    if proposal["volunteer_id"]:
        audit.record(
            AuditKind.VOLUNTEER,
            "withdrawn",
            record_id=proposal["volunteer_id"],
            summary=summary,
            detail={"plan_id": plan.id, "version": version},
            actor=user,
        )
    audit.record(
        AuditKind.PLAN,
        "day_changed",
        record_id=plan.id,
        summary=summary,
        detail={
            "version": version,
            "runs": [c["run_id"] for c in proposal["changed_runs"]],
            "moved": proposal["moved"],
            "unplaced": proposal["unplaced"],
            "before": proposal["before"],
            "after": proposal["after"],
        },
        actor=user,
    )
