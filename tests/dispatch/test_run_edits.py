"""Moving stops by hand: runs are re-timed and broken rules come back as warnings."""

from collections import defaultdict
from decimal import Decimal

import pytest

from supply_match.extensions import db
from supply_match.models import RunStatus
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.edits import (
    EditRefused,
    MoveNotConfirmed,
    move_stop,
    retime,
    set_locked,
)
from supply_match.services.planning.settings import PlanningSettings
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


def test_an_unconfirmed_move_with_warnings_saves_nothing(plan):
    small, big = sorted(plan.runs, key=lambda r: r.volunteer.payload_kg)
    stop = max(big.stops, key=lambda s: s.weight_kg)
    stop_id, changes = stop.id, len(plan.changes)
    with pytest.raises(MoveNotConfirmed) as refused:
        move_stop(stop, small, 0, confirmed=False)
    assert any("超过车辆载重" in w.message for w in refused.value.warnings)
    db.session.expire_all()
    assert db.session.get(type(stop), stop_id).run_id == big.id
    assert len(plan.changes) == changes


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
    from supply_match.services.planning.reoptimizing import reoptimize

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


def _quantities(plan):
    """Quantity per order line on the plan's stops, and the orders left unassigned."""
    totals = defaultdict(Decimal)
    for run in plan.runs:
        for stop in run.stops:
            for item in stop.items:
                totals[item.order_line_id] += item.quantity
    return dict(totals), {u.order_id for u in plan.unassigned}


def test_a_locked_stop_stays_with_its_volunteer_and_the_rest_is_planned_again(plan):
    from supply_match.services.planning.reoptimizing import reoptimize

    a, b = plan.runs
    stop = a.stops[0]
    lines = {item.order_line_id for item in stop.items}
    move_stop(stop, b, 0)
    set_locked(stop, True)
    db.session.commit()
    before = _quantities(plan)
    volunteer, outlet = b.volunteer_id, b.outlet_id

    reoptimize(plan, PlanningSettings(solution_limit=30))
    db.session.commit()

    carrying = [
        (run, s)
        for run in plan.runs
        for s in run.stops
        if lines & {item.order_line_id for item in s.items}
    ]
    # Only the stop was locked, not its run: the run itself was planned again.
    assert b not in plan.runs
    assert carrying and all(run.volunteer_id == volunteer for run, _ in carrying)
    assert all(run.outlet_id == outlet for run, _ in carrying)
    assert all(s.locked for _, s in carrying)
    # The volunteer's other stops were free to move: only the locked one is marked.
    assert sum(s.locked for run in plan.runs for s in run.stops) == len(carrying)
    assert _quantities(plan) == before


def test_an_order_split_over_a_locked_run_is_planned_again_only_for_the_rest(county):
    from supply_match.services.planning.reoptimizing import reoptimize

    (big,) = allocated_orders(county, [[(county["urea"], 14)]])  # 700 kg over 500 + 400
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()
    assert len(plan.runs) == 2
    locked = plan.runs[0]
    set_locked(locked, True)
    on_locked = sum(i.quantity for s in locked.stops for i in s.items)
    db.session.commit()

    reoptimize(plan, PlanningSettings(solution_limit=30))
    db.session.commit()

    assert locked in plan.runs
    assert sum(i.quantity for s in locked.stops for i in s.items) == on_locked
    (line,) = big.lines
    assert _quantities(plan)[0] == {line.id: Decimal(14)}


def test_moves_after_publishing_wait_for_the_next_publish(plan):
    from supply_match.services.planning.publishing import publish

    publish(plan)
    small, big = sorted(plan.runs, key=lambda r: r.volunteer.payload_kg)
    move_stop(big.stops[0], small, 0)
    assert plan.status == "draft"
    publish(plan)
    assert plan.status == "published" and plan.version == 2


def test_warnings_and_refusals_speak_the_readers_language(app, plan):
    from flask_babel import refresh

    from supply_match.services.planning.reasons import unassigned_reason_text

    small, big = sorted(plan.runs, key=lambda r: r.volunteer.payload_kg)
    stop = max(big.stops, key=lambda s: s.weight_kg)
    with app.test_request_context("/?lang=en"):
        refresh()
        warnings = move_stop(stop, small, 0)
        assert any("exceeds the vehicle's" in w.message for w in warnings)
        set_locked(small, True)
        with pytest.raises(EditRefused, match="is locked; unlock it first"):
            move_stop(small.stops[0], big, 0)
        assert unassigned_reason_text("dropped_for_priority").startswith("Not enough vehicles")
    refresh()
    assert unassigned_reason_text("dropped_for_priority") == "当天运力不足，优先安排了其他订单"
