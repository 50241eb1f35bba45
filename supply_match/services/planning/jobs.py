"""Planning as a background job: start, run (in a worker), report progress, cancel.

Progress, heartbeats and the cancel flag are written on their own short transactions, on
purpose outside the unit of work of the planning itself: the web must read them (and a
dispatcher set the cancel flag) while the worker's planning transaction is still open, and
a failed planning must still leave its job marked failed. A job that
fails or is cancelled rolls its planning transaction back: every order stays as it was.
A worker that dies stops its heartbeat; the job is then shown as failed, never stuck.

A job's progress message and error are stored as text, in the language of the person who
started it (kept in the job's parameters): the worker writes them in that language too.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from supply_match.extensions import db
from supply_match.models import DeliveryPlan, JobStatus, PlanningJob, User
from supply_match.models._types import utcnow
from supply_match.models.audit import AuditKind
from supply_match.queue import enqueue
from supply_match.services import audit
from supply_match.services.documents import route_sheets
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.settings import PlanningError, PlanningSettings
from supply_match.services.unit_of_work import after_commit, unit_of_work, use_case

HEARTBEAT_S = 5
STALE_AFTER_S = 60
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
SOLVE_TASK = "solve_day"


class JobConflict(RuntimeError):
    """Another planning job for the same day is queued or running."""


class JobCancelled(Exception):
    """The dispatcher asked to cancel: the planning transaction is rolled back."""


def _write(job_id: int, **values: Any) -> None:
    """Update a job on a connection of its own, committed at once."""
    with db.engine.begin() as connection:
        connection.execute(update(PlanningJob).where(PlanningJob.id == job_id).values(**values))


@contextmanager
def _job_language(params: dict | None) -> Iterator[None]:
    """Messages in the language of whoever started the job."""
    locale = (params or {}).get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        yield


def _cancel_requested(job_id: int) -> bool:
    with db.engine.connect() as connection:
        return bool(
            connection.execute(
                select(PlanningJob.cancel_requested).where(PlanningJob.id == job_id)
            ).scalar()
        )


def fail_stale_jobs() -> int:
    """Jobs whose worker stopped beating are failed; returns how many."""
    cutoff = utcnow() - timedelta(seconds=STALE_AFTER_S)
    stale = (PlanningJob.status == JobStatus.RUNNING, PlanningJob.heartbeat_at < cutoff)
    failed = 0
    with db.engine.begin() as connection:
        jobs = connection.execute(select(PlanningJob.id, PlanningJob.params).where(*stale)).all()
        for job_id, params in jobs:
            with _job_language(params):
                error = _(
                    "The background process stopped responding and planning did not finish; "
                    "no order was changed. Please plan again."
                )
            failed += connection.execute(
                update(PlanningJob)
                .where(PlanningJob.id == job_id, *stale)
                .values(status=JobStatus.FAILED, finished_at=utcnow(), error=error)
            ).rowcount
    return failed


@use_case
def start_planning(
    day: date,
    settings: PlanningSettings,
    user: User | None = None,
    *,
    order_ids: list[int] | None = None,
    volunteer_ids: list[int] | None = None,
    site_url: str | None = None,
    change: dict | None = None,
) -> PlanningJob:
    """Store a planning job for ``day`` and queue it once committed.

    ``site_url`` is the base of the volunteers' links on the route sheets laid out after
    planning (``SITE_URL`` when configured). Raises ``JobConflict`` while another job for
    that day is active. ``change`` (a published day's change, see ``proposals``) makes it a
    re-planning job that ends in a proposal instead of a draft."""
    fail_stale_jobs()
    active = db.session.scalar(
        select(PlanningJob).where(
            PlanningJob.delivery_date == day, PlanningJob.status.in_([str(s) for s in ACTIVE])
        )
    )
    if active is not None:
        raise JobConflict(
            _(
                "%(day)s is being planned already (job %(job)s): wait for it to finish or "
                "cancel it first.",
                day=day,
                job=active.id,
            )
        )
    job = PlanningJob(
        delivery_date=day,
        status=JobStatus.QUEUED,
        message=_("Queued"),
        params={
            "settings": asdict(settings),
            "order_ids": order_ids,
            "volunteer_ids": volunteer_ids,
            "locale": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
            # The host the dispatcher uses, for the links on the route sheets made after.
            "site_url": site_url,
            "change": change,
        },
        requested_by=user,
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        AuditKind.PLAN,
        "planning_started",
        actor=user,
        summary=day.isoformat(),
        detail={"job_id": job.id},
    )
    job_id = job.id
    after_commit(lambda: enqueue(SOLVE_TASK, job_id))
    return job


def cancel(job: PlanningJob) -> None:
    """Cancel a queued job at once, or ask a running one to stop (written at once, on its
    own transaction, so that the worker sees it); a finished job stays as it is."""
    if job.finished:
        return
    with _job_language(job.params):
        if job.status == JobStatus.QUEUED:
            _write(job.id, status=JobStatus.CANCELLED, finished_at=utcnow(), message=_("Cancelled"))
        else:
            _write(job.id, cancel_requested=True, message=_("Cancelling…"))
    db.session.expire(job)


class _Heartbeat(threading.Thread):
    def __init__(self, app, job_id: int) -> None:
        super().__init__(daemon=True)
        self.app = app
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(HEARTBEAT_S):
            with self.app.app_context():
                _write(self.job_id, heartbeat_at=utcnow())


def run_planning_job(job_id: int) -> None:
    """Run the job ``job_id`` in a worker, inside an app context: plan the day and commit
    the draft in one transaction, or roll it all back and mark the job failed or
    cancelled. Never raises: the job ends visibly, whatever broke."""
    with db.engine.connect() as connection:
        params = connection.execute(
            select(PlanningJob.params).where(PlanningJob.id == job_id)
        ).scalar()
    with _job_language(params):
        _run_planning_job(job_id)


def _claim(job_id: int) -> bool:
    """Mark a queued job running for this worker; False when it was cancelled while queued
    or another worker took it."""
    with db.engine.begin() as connection:
        return bool(
            connection.execute(
                update(PlanningJob)
                .where(PlanningJob.id == job_id, PlanningJob.status == JobStatus.QUEUED)
                .values(
                    status=JobStatus.RUNNING,
                    started_at=utcnow(),
                    heartbeat_at=utcnow(),
                    worker=f"{socket.gethostname()}:{os.getpid()}"[:64],
                    message=_("Planning started"),
                )
            ).rowcount
        )


def _plan_and_store(job: PlanningJob, progress: Callable[[int, str], None]) -> DeliveryPlan:
    """Plan the job's day and commit the draft, unless a cancel came first."""
    params = job.params
    with unit_of_work():
        plan = plan_day(
            job.delivery_date,
            PlanningSettings(**params["settings"]),
            order_ids=params.get("order_ids"),
            volunteer_ids=params.get("volunteer_ids"),
            user=job.requested_by,
            progress=progress,
        )
        if _cancel_requested(job.id):
            raise JobCancelled
    return plan


def _work_out_change(job: PlanningJob, progress: Callable[[int, str], None]) -> None:
    """A change to a published day: its proposal is the job's result (nothing else is
    written until the dispatcher accepts it)."""
    from supply_match.services.planning import proposals

    result = proposals.work_out(job, progress)
    if _cancel_requested(job.id):
        raise JobCancelled
    _write(
        job.id,
        status=JobStatus.SUCCEEDED,
        progress=100,
        result=result,
        finished_at=utcnow(),
        message=_("Proposal ready"),
    )


def _failed(job_id: int, error: str) -> None:
    _write(
        job_id,
        status=JobStatus.FAILED,
        finished_at=utcnow(),
        error=error[:500],
        message=_("Planning failed"),
    )


def _run_planning_job(job_id: int) -> None:
    if not _claim(job_id):
        return
    job = db.session.get(PlanningJob, job_id)
    heartbeat = _Heartbeat(current_app._get_current_object(), job_id)
    heartbeat.start()

    def progress(percent: int, message: str) -> None:
        if _cancel_requested(job_id):
            raise JobCancelled
        _write(job_id, progress=percent, message=message[:200], heartbeat_at=utcnow())

    try:
        if job.params.get("change"):
            _work_out_change(job, progress)
            return
        plan = _plan_and_store(job, progress)
        result = {
            "plan_id": plan.id,
            "runs": len(plan.runs),
            "stops": sum(len(run.stops) for run in plan.runs),
            "unassigned_orders": len(plan.unassigned),
        }
        _write(
            job_id,
            status=JobStatus.SUCCEEDED,
            progress=100,
            result=result,
            finished_at=utcnow(),
            message=_("Planning finished"),
        )
        # The route sheets of the draft are laid out next, before anyone prints them.
        site_url = job.params.get("site_url") or job.params.get("url_root")  # url_root: older
        route_sheets.queue_sheets(plan, site_url or current_app.config.get("SITE_URL"))
    except JobCancelled:
        _write(
            job_id,
            status=JobStatus.CANCELLED,
            finished_at=utcnow(),
            message=_("Cancelled; no order was changed"),
        )
    except PlanningError as error:
        _failed(job_id, str(error))
    except Exception as error:  # noqa: BLE001 - the job must end visibly, whatever broke
        _failed(
            job_id,
            _("Internal error (%(kind)s): %(error)s", kind=type(error).__name__, error=error),
        )
        current_app.logger.exception("planning job %s failed", job_id)
    finally:
        heartbeat.stopped.set()
