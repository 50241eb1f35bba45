"""The board's progress of each run against its plan: done, next stop, expected finish and
lateness carried forward from the last mark; late runs on top."""

from datetime import datetime, timedelta

import pytest

from supply_match.extensions import db
from supply_match.services.delivery import phone_updates as delivery
from supply_match.services.delivery import run_progress
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.planning.views import board, plan_for
from tests.days import DAY, allocated_orders

# Asia/Shanghai is UTC+8: the county's midnight of DAY is 16:00 UTC the day before.
MIDNIGHT_UTC = datetime.combine(DAY, datetime.min.time()) - timedelta(hours=8)


@pytest.fixture
def plan(county):
    # More than one vehicle carries: 800 kg of urea on a 500 kg and a 400 kg vehicle.
    allocated_orders(county, [[(county["urea"], 4)] for _ in range(4)] + [[(county["seed"], 3)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    return plan


def at(app, seconds_into_day: int) -> None:
    app.config["CLOCK_NOW"] = MIDNIGHT_UTC + timedelta(seconds=seconds_into_day)


def mark_first_stop(app, run, seconds_into_day):
    at(app, seconds_into_day)
    stop = run.stops[0]
    result = delivery.apply_stop_update(
        run.volunteer,
        change_id=f"mark-{stop.id}",
        stop_id=stop.id,
        action="delivered",
        plan_version=run.plan.version,
    )
    db.session.commit()
    assert result.applied
    return stop


def test_a_late_mark_is_carried_to_the_expected_finish(app, plan):
    run = max(plan.runs, key=lambda r: len(r.stops))
    stop = mark_first_stop(app, run, run.stops[0].departure_s + 25 * 60)
    progress = run_progress.for_plan(plan)[run.id]
    assert progress.done == 1 and progress.total == len(run.stops)
    assert progress.late_s == 25 * 60 and progress.running_late
    if len(run.stops) > 1:
        assert progress.next_stop == run.stops[1].label
        assert progress.expected_finish_s == run.end_s + 25 * 60
    else:
        assert progress.finished
    assert stop.status == "delivered"


def test_an_overdue_next_stop_without_a_mark_counts_as_late(app, plan):
    run = plan.runs[0]
    at(app, run.stops[0].arrival_s + 40 * 60)
    progress = run_progress.for_plan(plan)[run.id]
    assert progress.done == 0 and progress.late_s == 40 * 60
    assert progress.next_stop == run.stops[0].label


def test_an_early_mark_is_on_time(app, plan):
    run = plan.runs[0]
    mark_first_stop(app, run, run.stops[0].departure_s - 5 * 60)
    at(app, 0)  # the board looked at before the day's work
    progress = run_progress.for_plan(plan)[run.id]
    assert not progress.running_late and progress.late_s <= 0


def test_late_runs_go_to_the_top_of_the_board(app, plan):
    # A run still under way, not the first: a finished run is no longer worth the top.
    last = max(plan.runs[1:], key=lambda r: len(r.stops))
    assert len(last.stops) > 1, [len(r.stops) for r in plan.runs]
    mark_first_stop(app, last, last.stops[0].departure_s + 60 * 60)
    at(app, 0)  # no other run is overdue yet
    loaded = plan_for(DAY)
    rows = run_progress.late_first(loaded, board(loaded))
    assert rows[0]["run"].id == last.id
    assert rows[0]["index"] == plan.runs.index(last)  # its colour stays its own
