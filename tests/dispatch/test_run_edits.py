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
