"""A volunteer withdrawn at 11:00 on a 2,000-stop day: time to a new published version.

    .venv/bin/python -m benchmarks.withdraw_volunteer [--orders 2000] [--volunteers 100]
        [--plan-time-limit 120] [--replan-time-limit 20] [--at 11:00]

On the Pengshui demo (``benchmarks.dispatch_day``'s day: every household's order wants the
same date, stock enough, volunteers added up to the number given), the day is planned and
published. At ``--at``, every stop planned to be served by then is marked delivered (its
run started), and the volunteer of the started run with the most stops still to deliver
is withdrawn (their tricycle broke down on the way): the
change goes through the worker's queue as in production (job, proposal), then is accepted.

Prints the day's size, the withdrawn volunteer's stops, the seconds from the request to
the accepted new version (with the worker's part apart), stops moved and left unplaced,
runs changed, km and late stops before and after.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from benchmarks.dispatch_day import DAY, make_day
from supply_match import create_app
from supply_match.demo import build_demo
from supply_match.extensions import db
from supply_match.models import PlanningJob, RunStatus, StopStatus
from supply_match.queue import work_one
from supply_match.services.planning import proposals
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.day_changes import DayChange
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.supply.matching import run_matching


def _seconds(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def deliver_until(plan, at_s: int) -> int:
    """Mark delivered every stop planned to be served by ``at_s``; returns how many."""
    marked = 0
    for run in plan.runs:
        for stop in run.stops:
            if stop.arrival_s <= at_s:
                stop.status = StopStatus.DELIVERED
                run.status = RunStatus.STARTED
                marked += 1
    db.session.commit()
    return marked


def busiest_left(plan):
    """The started run with the most stops still to deliver (the tricycle broke down on
    the way), else any run with the most."""

    def left(run):
        return sum(1 for s in run.stops if s.status == StopStatus.PENDING)

    started = [r for r in plan.runs if r.status == RunStatus.STARTED and left(r)]
    return max(started or plan.runs, key=left)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--volunteers", type=int, default=100)
    parser.add_argument("--plan-time-limit", type=float, default=120.0)
    parser.add_argument("--replan-time-limit", type=float, default=20.0)
    parser.add_argument("--at", default="11:00")
    parser.add_argument("--profile", action="store_true", help="profile the worker's part")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'withdraw.db'}",
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "QUEUE_SQLITE_PATH": str(folder / "queue.db"),
            "SERVER_NAME": "bench.local",
        }
    )
    with app.app_context():
        upgrade()
        build_demo(2020)
        db.session.commit()
        make_day(args.orders, args.volunteers, random.Random(2000))
        run_matching()
        db.session.commit()
        plan = plan_day(DAY, PlanningSettings(time_limit_s=args.plan_time_limit))
        publish(plan)
        db.session.commit()
        at_s = _seconds(args.at)
        marked = deliver_until(plan, at_s)
        run = busiest_left(plan)
        left = sum(1 for s in run.stops if s.status == StopStatus.PENDING)
        print(
            f"day: {sum(len(r.stops) for r in plan.runs)} stops on {len(plan.runs)} runs, "
            f"{len(plan.unassigned)} orders unplanned; {marked} stops delivered by {args.at}"
        )
        print(f"withdrawn: {run.volunteer.name}, {left} stops left of {len(run.stops)}")

        started = time.perf_counter()
        job = proposals.request_change(
            plan,
            DayChange(volunteer_id=run.volunteer_id, now_s=at_s),
            PlanningSettings(time_limit_s=args.replan_time_limit, second_trips=False),
        )
        asked = time.perf_counter()
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(work_one, app.extensions["queue"])
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        else:
            work_one(app.extensions["queue"])
        worked = time.perf_counter()
        db.session.expire_all()
        job = db.session.get(PlanningJob, job.id)
        proposal = proposals.proposal_of(job)
        if proposal is None:
            print(f"job {job.status}: {job.error}")
            return
        version = proposals.accept(job)
        done = time.perf_counter()
        before, after = proposal["before"], proposal["after"]
        print(
            f"seconds to version {version}: {done - started:.1f} (request {asked - started:.1f}, "
            f"worker {worked - asked:.1f}, accept {done - worked:.1f})"
        )
        print(
            f"stops moved {len(proposal['moved'])}, unplaced {len(proposal['unplaced'])}, "
            f"runs changed {len(proposal['changed_runs'])}"
        )
        print(
            f"km {before['km']} -> {after['km']} (added {after['km'] - before['km']:.1f}), "
            f"late stops {before['late_stops']} -> {after['late_stops']}, "
            f"stops served {before['stops']} -> {after['stops']}"
        )
        db.engine.dispose()


if __name__ == "__main__":
    main()
