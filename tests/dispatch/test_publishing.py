"""Publishing: orders become scheduled, and nothing else changes."""

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import (
    Allocation,
    DeliveryStop,
    Order,
    OrderStatus,
    RunStatus,
    Stock,
    StockChange,
)
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import PublishError, publish
from supply_match.services.planning.settings import PlanningSettings
from tests.days import DAY, allocated_orders

SETTINGS = PlanningSettings(solution_limit=30)


def snapshot():
    return {
        "stock": sorted((s.id, s.quantity, s.reserved) for s in db.session.scalars(select(Stock))),
        "allocations": sorted(
            (a.order_line_id, a.outlet_id, a.quantity)
            for a in db.session.scalars(select(Allocation))
        ),
        "ledger": db.session.query(StockChange).count(),
        "stops": sorted(
            (s.id, s.run_id, s.position) for s in db.session.scalars(select(DeliveryStop))
        ),
    }


def test_publishing_schedules_the_planned_orders_and_changes_nothing_else(county):
    orders = allocated_orders(
        county, [[(county["urea"], 2)], [(county["seed"], 3)], [(county["urea"], 1)]]
    )
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()
    before = snapshot()

    change = publish(plan)
    db.session.commit()

    assert plan.status == "published" and plan.version == 1
    on_runs = {item.order_id for run in plan.runs for stop in run.stops for item in stop.items}
    for order in orders:
        expected = OrderStatus.SCHEDULED if order.id in on_runs else OrderStatus.ALLOCATED
        assert db.session.get(Order, order.id).status == expected
    assert change.detail["added"] == sorted(on_runs)
    assert snapshot() == before


def test_republishing_after_an_order_left_the_plan_puts_it_back_to_allocated(county):
    orders = allocated_orders(county, [[(county["urea"], 2)], [(county["seed"], 3)]])
    plan = plan_day(DAY, SETTINGS)
    publish(plan)
    db.session.commit()
    # The dispatcher takes the first order's stop off its run.
    stop = next(s for run in plan.runs for s in run.stops if s.items[0].order_id == orders[0].id)
    stop.run.stops.remove(stop)
    db.session.flush()

    change = publish(plan)
    db.session.commit()

    assert change.detail["removed"] == [orders[0].id]
    assert db.session.get(Order, orders[0].id).status == OrderStatus.ALLOCATED
    assert db.session.get(Order, orders[1].id).status == OrderStatus.SCHEDULED
    assert plan.version == 2


def test_no_republishing_once_a_run_has_started(county):
    allocated_orders(county, [[(county["urea"], 2)]])
    plan = plan_day(DAY, SETTINGS)
    publish(plan)
    plan.runs[0].status = RunStatus.STARTED
    db.session.commit()
    with pytest.raises(PublishError, match="已开始配送"):
        publish(plan)
