"""Planning in the background: a real queue on both backends, failures that leave every
order as it was, cancelling, and workers that die."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from supply_match.extensions import db
from supply_match.models import DeliveryPlan, JobStatus, Order, OrderStatus, PlanningJob
from supply_match.models._types import utcnow
from supply_match.queue import work_one
from supply_match.services.planning import jobs as planning_jobs
from supply_match.services.planning.settings import PlanningSettings
from tests import servers
from tests.conftest import make_app
from tests.days import DAY, allocated_orders

SETTINGS = PlanningSettings(solution_limit=30)


def orders_state():
    return sorted((o.id, o.status) for o in db.session.scalars(select(Order)))


def test_a_job_goes_through_the_sqlite_queue_and_stores_a_draft(app, county):
    allocated_orders(county, [[(county["urea"], 2)], [(county["seed"], 3)]])
    job = planning_jobs.start_planning(DAY, SETTINGS)
    assert job.status == JobStatus.QUEUED

    assert work_one(app.extensions["queue"]) is True
    db.session.expire_all()

    job = db.session.get(PlanningJob, job.id)
    assert (job.status, job.progress) == (JobStatus.SUCCEEDED, 100)
    plan = db.session.get(DeliveryPlan, job.result["plan_id"])
    assert plan.status == "draft" and len(plan.runs) == job.result["runs"] >= 1


@pytest.fixture(scope="session")
def redis_server():
    server = servers.start_redis()
    yield server
    server.stop()


def test_a_job_goes_through_the_redis_queue(app, county, redis_server):
    allocated_orders(county, [[(county["urea"], 2)]])
    redis_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_server.url)
    queue = redis_app.extensions["queue"]
    queue.flush()
    with redis_app.app_context():
        job = planning_jobs.start_planning(DAY, SETTINGS)
        job_id = job.id
        assert len(queue) == 1
        assert work_one(queue) is True
        db.session.remove()
        db.engine.dispose()
    db.session.expire_all()
    assert db.session.get(PlanningJob, job_id).status == JobStatus.SUCCEEDED


def test_a_job_that_raises_fails_visibly_and_leaves_every_order_as_it_was(app, county, monkeypatch):
    allocated_orders(county, [[(county["urea"], 2)], [(county["seed"], 3)]])
    before = orders_state()

    def broken_solver(*_args, **_kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("supply_match.services.planning.solving.solver.solve", broken_solver)
    job = planning_jobs.start_planning(DAY, SETTINGS)
    work_one(app.extensions["queue"])
    db.session.expire_all()

    job = db.session.get(PlanningJob, job.id)
    assert job.status == JobStatus.FAILED
    assert "solver exploded" in job.error
    assert orders_state() == before
    assert all(status == OrderStatus.ALLOCATED for _id, status in before)
    assert db.session.scalars(select(DeliveryPlan)).all() == []


def test_a_queued_job_can_be_cancelled_and_then_never_runs(app, county):
    allocated_orders(county, [[(county["urea"], 2)]])
    job = planning_jobs.start_planning(DAY, SETTINGS)
    planning_jobs.cancel(job)
    work_one(app.extensions["queue"])
    db.session.expire_all()
    assert db.session.get(PlanningJob, job.id).status == JobStatus.CANCELLED
    assert db.session.scalars(select(DeliveryPlan)).all() == []


def test_a_running_job_stops_at_its_next_step_when_cancelled(app, county):
    allocated_orders(county, [[(county["urea"], 2)]])
    before = orders_state()
    job = planning_jobs.start_planning(DAY, SETTINGS)
    # The dispatcher presses cancel after the worker took the job: the flag is seen at the
    # first progress report.
    db.session.execute(
        update(PlanningJob).where(PlanningJob.id == job.id).values(cancel_requested=True)
    )
    db.session.commit()
    work_one(app.extensions["queue"])
    db.session.expire_all()
    assert db.session.get(PlanningJob, job.id).status == JobStatus.CANCELLED
    assert orders_state() == before
    assert db.session.scalars(select(DeliveryPlan)).all() == []


def test_a_job_whose_worker_died_is_shown_failed_not_stuck(app, county):
    job = PlanningJob(
        delivery_date=DAY, status=JobStatus.RUNNING, heartbeat_at=utcnow() - timedelta(minutes=5)
    )
    db.session.add(job)
    db.session.commit()
    assert planning_jobs.fail_stale_jobs() == 1
    db.session.expire_all()
    job = db.session.get(PlanningJob, job.id)
    assert job.status == JobStatus.FAILED
    assert "停止响应" in job.error


def test_only_one_active_job_per_day(app, county):
    allocated_orders(county, [[(county["urea"], 2)]])
    planning_jobs.start_planning(DAY, SETTINGS)
    with pytest.raises(planning_jobs.JobConflict):
        planning_jobs.start_planning(DAY, SETTINGS)
