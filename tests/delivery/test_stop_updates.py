"""Volunteers' marks: applied once whatever the retries, conflicts answered, undo allowed
for a few minutes, failed orders back in the pool."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from supply_match.extensions import db
from supply_match.models import (
    Order,
    OrderStatus,
    RunStatus,
    Stock,
    StockChange,
    StopStatus,
    StopUpdate,
)
from supply_match.models._types import utcnow
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.delivery import phone_updates as delivery
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.loading import eligible_orders
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests.days import DAY, allocated_orders

SETTINGS = PlanningSettings(solution_limit=30)


@pytest.fixture
def day(county):
    orders = allocated_orders(county, [[(county["urea"], 2)], [(county["seed"], 3)]])
    plan = plan_day(DAY, SETTINGS)
    publish(plan)
    db.session.commit()
    run = plan.runs[0]
    return dict(
        plan=plan, run=run, stop=run.stops[0], volunteer=run.volunteer, orders=orders, county=county
    )


def mark(day, change_id, action="delivered", **extra):
    extra.setdefault("plan_version", day["plan"].version)
    result = delivery.apply_stop_update(
        day["volunteer"], change_id=change_id, stop_id=day["stop"].id, action=action, **extra
    )
    db.session.commit()
    return result


def ledger_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(StockChange))


def stop_orders(stop):
    return [db.session.get(Order, i) for i in sorted({item.order_id for item in stop.items})]


def test_delivered_hands_the_goods_over_and_completes_the_orders(day):
    stock_before = {s.id: (s.quantity, s.reserved) for s in db.session.scalars(select(Stock))}
    result = mark(day, "phone-1", received_by="冉光明")
    assert result.applied and result.stop_status == StopStatus.DELIVERED
    for order in stop_orders(day["stop"]):
        assert order.status == OrderStatus.DELIVERED
        for line in order.lines:
            stock = db.session.scalar(select(Stock).where(Stock.product_id == line.product_id))
            quantity, reserved = stock_before[stock.id]
            assert (stock.quantity, stock.reserved) == (
                quantity - line.quantity,
                reserved - line.quantity,
            )
    assert day["run"].status in (RunStatus.STARTED, RunStatus.FINISHED)


def test_a_retried_change_is_applied_once(day):
    first = mark(day, "phone-2")
    rows = ledger_rows()
    again = mark(day, "phone-2")
    assert first.applied and again.applied and again.duplicate
    assert ledger_rows() == rows
    assert db.session.scalar(select(func.count()).select_from(StopUpdate)) == 1


def test_the_same_mark_from_two_tabs_changes_things_once(day):
    mark(day, "tab-a")
    rows = ledger_rows()
    second = mark(day, "tab-b")
    assert second.applied
    assert ledger_rows() == rows


def test_a_contradicting_mark_from_another_tab_is_a_conflict(day):
    mark(day, "tab-a", "delivered")
    result = mark(day, "tab-b", "failed", reason="nobody_home")
    assert result.outcome == "conflict"
    assert "已送达" in result.message
    assert day["stop"].status == StopStatus.DELIVERED


def test_a_change_against_an_older_plan_version_is_a_conflict(day):
    result = mark(day, "old-phone", plan_version=day["plan"].version - 1)
    assert result.outcome == "conflict"
    assert "刷新" in result.message
    assert day["stop"].status == StopStatus.PENDING
    assert all(o.status == OrderStatus.SCHEDULED for o in stop_orders(day["stop"]))


def test_failed_orders_go_back_to_the_pool_with_their_reason(day):
    result = mark(day, "phone-3", "failed", reason="nobody_home")
    assert result.applied
    orders = stop_orders(day["stop"])
    assert all(o.status == OrderStatus.FAILED and o.failure_reason == "家中无人" for o in orders)
    reserved = sum(s.reserved for s in db.session.scalars(select(Stock)))
    assert reserved > 0  # still reserved for another day
    next_day = DAY + timedelta(days=3)
    assert {o.id for o in orders} <= {o.id for o in eligible_orders(next_day)}


def test_a_failure_needs_a_known_reason(day):
    assert mark(day, "phone-4", "failed", reason="").outcome == "conflict"


def test_undo_within_minutes_restores_stop_orders_and_stock(day):
    before = sorted((s.id, s.quantity, s.reserved) for s in db.session.scalars(select(Stock)))
    mark(day, "phone-5")
    result = mark(day, "phone-6", "undo")
    assert result.applied
    assert day["stop"].status == StopStatus.PENDING
    assert all(o.status == OrderStatus.SCHEDULED for o in stop_orders(day["stop"]))
    assert (
        sorted((s.id, s.quantity, s.reserved) for s in db.session.scalars(select(Stock))) == before
    )


def test_undo_after_the_window_is_refused(day):
    mark(day, "phone-7")
    ten_minutes_ago = utcnow() - timedelta(minutes=10)
    db.session.execute(update(StopUpdate).values(received_at=ten_minutes_ago))
    db.session.commit()
    result = mark(day, "phone-8", "undo")
    assert result.outcome == "conflict"
    assert day["stop"].status == StopStatus.DELIVERED


def test_another_volunteers_stop_cannot_be_touched(day, county):
    other = next(v for v in county["volunteers"] if v.id != day["volunteer"].id)
    with pytest.raises(delivery.StopNotYours):
        delivery.apply_stop_update(other, change_id="x", stop_id=day["stop"].id, action="delivered")
    assert day["stop"].status == StopStatus.PENDING


def test_a_link_opens_its_volunteer_until_revoked(day, county):
    volunteer = day["volunteer"]
    token = volunteer_links.token_for(volunteer)
    assert volunteer_links.volunteer_for_token(token) is volunteer
    new_token = volunteer_links.revoke(volunteer)
    db.session.commit()
    assert volunteer_links.volunteer_for_token(token) is None
    assert volunteer_links.volunteer_for_token(new_token) is volunteer
    assert volunteer_links.volunteer_for_token(new_token[:-2] + "xx") is None
    assert volunteer_links.volunteer_for_token("not-a-token") is None
    other = next(v for v in county["volunteers"] if v.id != volunteer.id)
    assert volunteer_links.volunteer_for_token(volunteer_links.token_for(other)) is other


def test_progress_counts_per_run(day):
    mark(day, "phone-9", "failed", reason="refused")
    figures = delivery.progress_by_run(day["plan"])[day["run"].id]
    assert figures["failed"] == 1
    assert figures["remaining"] == len(day["run"].stops) - 1
    assert figures["failure_reasons"] == {"农户拒收": 1}
    assert figures["last_update"] is not None
