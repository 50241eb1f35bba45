"""Planning a delivery day end to end on small, hand-made days."""

from decimal import Decimal

import pytest
from sqlalchemy import select

import solver
from supply_match.extensions import db
from supply_match.models import DeliveryPlan, Order, OrderStatus, StopItem
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.loading import load_day
from supply_match.services.planning.problem import build_problem
from supply_match.services.planning.settings import PlanningError, PlanningSettings
from tests.days import DAY, allocated_orders

SETTINGS = PlanningSettings(solution_limit=50)


def test_a_planned_day_passes_the_solver_checker_and_leaves_orders_allocated(county):
    orders = allocated_orders(
        county,
        [
            [(county["urea"], 2)],
            [(county["urea"], 1), (county["seed"], 3)],
            [(county["seed"], 5)],
            [(county["urea"], 3)],
        ],
    )
    built = build_problem(load_day(DAY), SETTINGS)
    solution = solver.solve(built.problem, SETTINGS.limits())
    assert solver.check(built.problem, solution).ok

    plan = plan_day(DAY, SETTINGS)
    db.session.commit()

    assert plan.status == "draft"
    planned_orders = {
        item.order_id for run in plan.runs for stop in run.stops for item in stop.items
    }
    unassigned = {u.order_id for u in plan.unassigned}
    assert planned_orders | unassigned == {o.id for o in orders}
    assert all(db.session.get(Order, o.id).status == OrderStatus.ALLOCATED for o in orders)
    for run in plan.runs:
        assert run.load_kg <= run.volunteer.payload_kg
        assert [s.position for s in run.stops] == list(range(len(run.stops)))


def test_pesticide_and_seed_never_share_a_run(county):
    allocated_orders(
        county,
        [
            [(county["seed"], 2), (county["spray"], 2)],
            [(county["spray"], 1)],
            [(county["seed"], 4)],
        ],
    )
    plan = plan_day(DAY, SETTINGS)
    for run in plan.runs:
        categories = {item.order_line.product.category for stop in run.stops for item in stop.items}
        assert not {"seed", "pesticide"} <= categories


def test_an_order_heavier_than_any_vehicle_is_split_across_runs_and_keeps_its_quantity(county):
    (big,) = allocated_orders(county, [[(county["urea"], 14)]])  # 700 kg: more than 500 or 400
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()
    items = db.session.scalars(select(StopItem).where(StopItem.order_id == big.id)).all()
    runs = {item.stop.run_id for item in items}
    assert len(runs) == 2
    assert sum(item.quantity for item in items) == Decimal(14)
    for run in plan.runs:
        assert run.load_kg <= run.volunteer.payload_kg


def test_a_day_without_allocated_orders_is_a_clear_error(county):
    with pytest.raises(PlanningError, match="没有已分配"):
        plan_day(DAY, SETTINGS)
    assert db.session.scalars(select(DeliveryPlan)).all() == []


def test_replanning_replaces_the_draft(county):
    allocated_orders(county, [[(county["urea"], 2)], [(county["seed"], 1)]])
    first = plan_day(DAY, SETTINGS)
    db.session.commit()
    second = plan_day(DAY, SETTINGS)
    db.session.commit()
    assert first.id == second.id
    assert len(db.session.scalars(select(DeliveryPlan)).all()) == 1
    assert [c.action for c in second.changes] == ["planned", "planned"]


def test_volunteers_back_early_make_second_trips_for_what_did_not_fit(county, app):
    # 1,200 kg of urea for 500 + 400 kg of payload, on short roads with the day ahead.
    orders = allocated_orders(county, [[(county["urea"], 4)] for _ in range(6)])
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()

    by_volunteer = {}
    for run in plan.runs:
        by_volunteer.setdefault(run.volunteer_id, []).append(run)
        assert run.load_kg <= run.volunteer.payload_kg
    assert any(len(runs) > 1 for runs in by_volunteer.values())
    for runs in by_volunteer.values():
        runs.sort(key=lambda r: r.trip)
        assert [r.trip for r in runs] == list(range(1, len(runs) + 1))
        for earlier, later in zip(runs, runs[1:], strict=False):
            assert earlier.end_s <= later.start_s
    on_runs = {i.order_id for r in plan.runs for s in r.stops for i in s.items}
    assert on_runs == {o.id for o in orders} and not plan.unassigned

    # The volunteer's phone lists both trips, in order, each with its number.
    from supply_match.services.delivery.volunteer_day import day_data
    from supply_match.services.planning.publishing import publish

    publish(plan)
    db.session.commit()
    volunteer_id, runs = next((v, r) for v, r in by_volunteer.items() if len(r) > 1)
    volunteer = runs[0].volunteer
    assert [r["trip"] for r in day_data(volunteer, DAY)["runs"]] == [r.trip for r in runs]


def test_a_trip_stretched_into_the_next_one_is_warned_about(county):
    from supply_match.services.planning.edits import move_stop

    allocated_orders(county, [[(county["urea"], 4)] for _ in range(6)])
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()
    first, second = next(
        sorted(runs, key=lambda r: r.trip)
        for runs in [[r for r in plan.runs if r.volunteer_id == v.id] for v in county["volunteers"]]
        if len(runs) > 1
    )
    second.start_s = first.end_s  # leave no slack between the trips
    stop = second.stops[0]
    warnings = move_stop(stop, first, len(first.stops))
    assert any("第 2 趟应出发" in w.message for w in warnings)


def test_second_trips_can_be_switched_off(county):
    allocated_orders(county, [[(county["urea"], 4)] for _ in range(6)])
    plan = plan_day(DAY, PlanningSettings(solution_limit=50, second_trips=False))
    assert all(run.trip == 1 for run in plan.runs)
    assert plan.unassigned and plan.settings["second_trips"] is False
