"""Moving stops by hand: runs are re-timed and broken rules come back as warnings."""

import pytest

from supply_match.extensions import db
from supply_match.models import RunStatus
from supply_match.services.planning import PlanningSettings, plan_day
from supply_match.services.run_edits import EditRefused, move_stop, retime, set_locked
from tests.days import DAY, allocated_orders

SETTINGS = PlanningSettings(solution_limit=30)


@pytest.fixture
def plan(county):
    # 600 + 600 kg of urea and some seed: two runs, each near its payload.
    allocated_orders(county, [[(county["urea"], 6)], [(county["urea"], 6)], [(county["seed"], 4)]])
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()
    assert len(plan.runs) == 2
    return plan


def test_retiming_an_untouched_run_reproduces_the_solver_within_rounding(plan):
    run = plan.runs[0]
    arrivals = [s.arrival_s for s in run.stops]
    assert retime(run) == []
    assert all(abs(a - s.arrival_s) <= 5 for a, s in zip(arrivals, run.stops, strict=True))


def test_moving_a_heavy_stop_onto_a_full_run_warns_about_payload(plan):
    small, big = sorted(plan.runs, key=lambda r: r.volunteer.payload_kg)
    stop = max(big.stops, key=lambda s: s.weight_kg)
    warnings = move_stop(stop, small, 0)
    assert stop.run is small and stop.position == 0
    assert any("超过车辆载重" in w.message for w in warnings)
    assert [s.position for s in small.stops] == list(range(len(small.stops)))
    assert [s.position for s in big.stops] == list(range(len(big.stops)))
    assert plan.changes[-1].action == "moved_stop"


def test_reordering_within_a_run_recomputes_arrivals(plan):
    run = max(plan.runs, key=lambda r: len(r.stops))
    assert len(run.stops) >= 2
    first = run.stops[0]
    move_stop(first, run, len(run.stops) - 1)
    assert run.stops[-1] is first
    assert first.arrival_s > run.stops[0].arrival_s


def test_locked_and_started_runs_refuse_moves(plan):
    a, b = plan.runs
    set_locked(b, True)
    with pytest.raises(EditRefused, match="锁定"):
        move_stop(a.stops[0], b, 0)
    set_locked(b, False)
    b.status = RunStatus.STARTED
    with pytest.raises(EditRefused, match="已开始配送"):
        move_stop(a.stops[0], b, 0)


def test_reoptimizing_keeps_locked_runs_and_stops_exactly(plan, county):
    from supply_match.services.planning import reoptimize

    locked_run, other = plan.runs
    set_locked(locked_run, True)
    kept = [(s.id, s.position, s.arrival_s) for s in locked_run.stops]
    before_orders = {i.order_id for r in plan.runs for s in r.stops for i in s.items} | {
        u.order_id for u in plan.unassigned
    }
    db.session.commit()

    reoptimize(plan, PlanningSettings(solution_limit=30))
    db.session.commit()

    assert locked_run in plan.runs and locked_run.locked
    assert [(s.id, s.position, s.arrival_s) for s in locked_run.stops] == kept
    after_orders = {i.order_id for r in plan.runs for s in r.stops for i in s.items} | {
        u.order_id for u in plan.unassigned
    }
    assert after_orders == before_orders
    assert all(r.volunteer_id != locked_run.volunteer_id for r in plan.runs if r is not locked_run)
    assert plan.changes[-1].action == "reoptimized"


def test_a_locked_stop_keeps_its_whole_run(plan):
    from supply_match.services.planning import reoptimize

    run = plan.runs[0]
    set_locked(run.stops[0], True)
    kept = [(s.id, s.position) for s in run.stops]
    db.session.commit()
    reoptimize(plan, PlanningSettings(solution_limit=30))
    assert [(s.id, s.position) for s in run.stops] == kept


def test_moves_after_publishing_wait_for_the_next_publish(plan):
    from supply_match.services.publishing import publish

    publish(plan)
    small, big = sorted(plan.runs, key=lambda r: r.volunteer.payload_kg)
    move_stop(big.stops[0], small, 0)
    assert plan.status == "draft"
    publish(plan)
    assert plan.status == "published" and plan.version == 2
