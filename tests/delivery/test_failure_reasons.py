"""Each failure reason's consequence, and a dispatcher's correction of a stop that takes
back what the last mark did before doing what the new status does."""

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import (
    Allocation,
    AuditEntry,
    Order,
    OrderStatus,
    Stock,
    StockChange,
    StopStatus,
)
from supply_match.services.delivery import corrections
from supply_match.services.delivery import phone_updates as delivery
from supply_match.services.delivery.volunteer_day import day_data
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.loading import eligible_orders
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders

SETTINGS = PlanningSettings(solution_limit=30)


@pytest.fixture
def day(county):
    orders = allocated_orders(county, [[(county["urea"], 2)]])
    plan = plan_day(DAY, SETTINGS)
    publish(plan)
    db.session.commit()
    run = plan.runs[0]
    return dict(
        plan=plan,
        run=run,
        stop=run.stops[0],
        volunteer=run.volunteer,
        order=orders[0],
        county=county,
        dispatcher=factories.user(),
    )


def mark(day, change_id, action="failed", **extra):
    extra.setdefault("plan_version", day["plan"].version)
    result = delivery.apply_stop_update(
        day["volunteer"], change_id=change_id, stop_id=day["stop"].id, action=action, **extra
    )
    db.session.commit()
    return result


def urea_stock(day) -> Stock:
    stock = db.session.scalar(select(Stock).where(Stock.product_id == day["county"]["urea"].id))
    db.session.refresh(stock)
    return stock


def figures(day):
    stock = urea_stock(day)
    order = db.session.get(Order, day["order"].id)
    db.session.refresh(order)
    allocated = sum(a.quantity for line in order.lines for a in line.allocations)
    return order.status, stock.quantity, stock.reserved, allocated


def correct(day, status, reason=None, note="电话核实"):
    stop = corrections.correct_stop(day["dispatcher"], day["stop"].id, status, reason, note)
    db.session.refresh(stop)
    return stop


def test_a_failure_without_a_reason_is_refused_and_changes_nothing(day):
    before = figures(day)
    result = mark(day, "no-reason", reason=None)
    assert result.outcome == "conflict"
    assert db.session.get(type(day["stop"]), day["stop"].id).status == StopStatus.PENDING
    assert figures(day) == before


def test_other_needs_its_note(day):
    assert mark(day, "other-bare", reason="other").outcome == "conflict"
    assert mark(day, "other-said", reason="other", note="狗拦路").applied
    assert figures(day)[0] == OrderStatus.FAILED


def test_nobody_home_keeps_the_goods_reserved_for_another_day(day):
    before = figures(day)
    assert mark(day, "nobody", reason="nobody_home").applied
    status, quantity, reserved, allocated = figures(day)
    assert status == OrderStatus.FAILED
    assert (quantity, reserved, allocated) == before[1:]
    assert day["order"].id in {o.id for o in eligible_orders(DAY)}
    order = db.session.get(Order, day["order"].id)
    assert order.failure_reason  # what the cadre reads


def test_refused_cancels_the_order_and_gives_the_stock_back(day):
    _status, quantity, reserved, allocated = figures(day)
    assert mark(day, "refused", reason="refused").applied
    assert figures(day) == (OrderStatus.CANCELLED, quantity, reserved - allocated, 0)
    assert day["order"].id not in {o.id for o in eligible_orders(DAY)}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "refused"))
    assert entry.record_id == day["order"].id and entry.actor_name == day["volunteer"].name


def test_damaged_goods_are_written_off_and_the_order_goes_back_to_matching(day):
    _status, quantity, reserved, allocated = figures(day)
    assert mark(day, "damaged", reason="damaged").applied
    assert figures(day) == (
        OrderStatus.SUBMITTED,
        quantity - allocated,
        reserved - allocated,
        0,
    )
    loss = db.session.scalar(
        select(StockChange).where(StockChange.quantity_delta < 0).order_by(StockChange.id.desc())
    )
    assert loss.quantity_delta == -allocated and "破损" in loss.reason


@pytest.mark.parametrize("reason", ["nobody_home", "refused", "damaged"])
def test_undo_takes_back_each_reasons_consequence(day, reason):
    before = figures(day)
    assert mark(day, f"{reason}-mark", reason=reason).applied
    assert mark(day, f"{reason}-undo", action="undo").applied
    assert figures(day) == (OrderStatus.SCHEDULED, *before[1:])


def test_a_refused_stop_corrected_to_delivered_hands_over_once(day):
    _status, quantity, reserved, allocated = figures(day)
    mark(day, "refused-wrongly", reason="refused")
    stop = correct(day, "delivered")
    assert stop.status == StopStatus.DELIVERED and stop.failure_reason is None
    assert figures(day) == (
        OrderStatus.DELIVERED,
        quantity - allocated,
        reserved - allocated,
        allocated,
    )
    # The volunteer's own undo no longer overrides the dispatcher.
    assert mark(day, "undo-after-correction", action="undo").outcome == "conflict"


def test_a_delivered_stop_corrected_to_damaged_and_back_to_open(day):
    before = figures(day)
    mark(day, "delivered", action="delivered")
    correct(day, "failed", "damaged")
    assert figures(day)[0] == OrderStatus.SUBMITTED
    correct(day, "pending")
    assert figures(day) == (OrderStatus.SCHEDULED, *before[1:])
    assert db.session.get(type(day["stop"]), day["stop"].id).status == StopStatus.PENDING


def test_a_correction_needs_a_note_a_reason_and_a_change(day):
    with pytest.raises(corrections.CorrectionError) as missing:
        corrections.correct_stop(day["dispatcher"], day["stop"].id, "failed", None, " ")
    assert set(missing.value.errors) == {"reason", "note"}
    with pytest.raises(corrections.CorrectionError) as same:
        corrections.correct_stop(day["dispatcher"], day["stop"].id, "pending", None, "x")
    assert "status" in same.value.errors
    db.session.rollback()
    assert db.session.get(type(day["stop"]), day["stop"].id).corrected_at is None


def test_a_correction_refuses_when_the_stock_went_to_another_order(day):
    mark(day, "refused-first", reason="refused")
    stock = urea_stock(day)
    stock.reserved = stock.quantity
    db.session.commit()
    with pytest.raises(corrections.CorrectionError):
        correct(day, "delivered")
    db.session.rollback()
    assert figures(day)[0] == OrderStatus.CANCELLED


def test_the_correction_is_on_the_phone_and_in_the_audit_log(day):
    mark(day, "nobody-phone", reason="nobody_home")
    correct(day, "delivered", note="村干部电话确认已送达")
    data = day_data(day["volunteer"], DAY)
    shown = next(s for r in data["runs"] for s in r["stops"] if s["id"] == day["stop"].id)
    assert shown["status"] == StopStatus.DELIVERED
    assert shown["correction"]["note"] == "村干部电话确认已送达"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "corrected"))
    assert entry.record_id == day["stop"].id
    assert entry.detail["from"] == "failed" and entry.detail["to"] == "delivered"
    assert db.session.scalar(select(Allocation.id)) is not None


def test_undoing_a_refusal_whose_stock_went_elsewhere_is_a_conflict(day):
    mark(day, "refused-then", reason="refused")
    stock = urea_stock(day)
    stock.reserved = stock.quantity  # reserved in full for other orders since
    db.session.commit()
    result = mark(day, "undo-refusal", action="undo")
    assert result.outcome == "conflict" and "其他订单" in result.message
    assert figures(day)[0] == OrderStatus.CANCELLED


def test_a_stop_whose_goods_came_back_cannot_be_corrected_to_delivered(day):
    """The outlet counted the goods back onto its shelf: a correction to delivered (or back
    to open, or to damaged on the way) would have the stock say the goods left, or were
    lost, while they sit at the outlet."""
    from supply_match.services.outlets import handover

    mark(day, "nobody-then-back", reason="nobody_home")
    handover.confirm_return(None, day["run"].outlet, day["stop"].id)
    before = figures(day)
    for status in ("delivered", "pending"):
        with pytest.raises(corrections.CorrectionError) as refused:
            correct(day, status)
        assert "退回库存" in refused.value.errors["status"]
        db.session.rollback()
    with pytest.raises(corrections.CorrectionError) as lost:
        correct(day, "failed", "damaged")
    assert "退回库存" in lost.value.errors["reason"]
    db.session.rollback()
    assert figures(day) == before
    stop = db.session.get(type(day["stop"]), day["stop"].id)
    assert stop.status == StopStatus.FAILED and stop.corrected_at is None
    # Another reason the goods on the shelf bear out is still corrected.
    assert correct(day, "failed", "refused").failure_reason == "refused"
    assert figures(day)[0] == OrderStatus.CANCELLED


def test_the_volunteers_undo_is_refused_once_the_goods_came_back(day):
    from supply_match.services.outlets import handover

    mark(day, "nobody-back-soon", reason="nobody_home")
    handover.confirm_return(None, day["run"].outlet, day["stop"].id)
    result = mark(day, "undo-after-return", action="undo")
    assert result.outcome == "conflict" and "退回库存" in result.message
    assert db.session.get(type(day["stop"]), day["stop"].id).status == StopStatus.FAILED
