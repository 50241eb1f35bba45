"""What a stop's mark does to its orders and the outlet's stock, and how it is taken back.

A failed stop's reason decides what follows:

- nobody at home, wrong address, could not get there, other: the order goes back to the
  pool for another day (failed, its stock still reserved), the reason shown to the cadre;
- refused: the order is cancelled and its reserved stock given back;
- goods damaged: the goods the run carried are written off the outlet's stock as a loss,
  and the order goes back to matching for new goods.

``back_to_pending`` undoes whichever of these a mark did, so that a volunteer's undo and a
dispatcher's correction leave the stock and the orders as if the mark had never been made.
Helpers here flush, never commit.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import (
    Allocation,
    AuditKind,
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    GoodsReturn,
    Order,
    OrderStatus,
    RunStatus,
    Stock,
    StopItem,
    StopStatus,
    User,
)
from supply_match.services import audit
from supply_match.services.supply import matching
from supply_match.services.supply import stock as ledger

# In the order the phone lists them: the common reasons first, "other" last.
FAILURE_REASONS = {
    "nobody_home": _l("Nobody at home"),
    "refused": _l("Refused by the household"),
    "wrong_address": _l("Wrong address"),
    "unreachable": _l("Road blocked, could not get there"),
    "damaged": _l("Goods damaged"),
    "other": _l("Other (say what in the note)"),
}
REFUSED = "refused"
DAMAGED = "damaged"
NOTE_REQUIRED = frozenset({"other"})


def failure_reason_text(code: str | None) -> str:
    """A failure reason in words, for the code a stop keeps."""
    if not code:
        return ""
    label = FAILURE_REASONS.get(code)
    return str(label) if label is not None else code


def reason_problem(reason: str | None, note: str | None) -> str | None:
    """The message code for a failure that cannot be recorded as sent, or None: a reason
    must be chosen, and "other" needs its note."""
    if reason not in FAILURE_REASONS:
        return "reason_missing"
    if reason in NOTE_REQUIRED and not (note or "").strip():
        return "note_missing"
    return None


class OrdersMovedOn(Exception):
    """Orders of the stop were changed since its mark (planned again, matched again,
    cancelled by the cadre): the mark can no longer be taken back as it was."""

    def __init__(self, order_ids: list[int]):
        self.order_ids = order_ids
        super().__init__(", ".join(str(i) for i in order_ids))


def orders_on(stop: DeliveryStop) -> list[Order]:
    ids = sorted({item.order_id for item in stop.items})
    return list(db.session.scalars(select(Order).where(Order.id.in_(ids)).order_by(Order.id)))


def refresh_run_status(run: DeliveryRun) -> None:
    pending = [s for s in run.stops if s.status == StopStatus.PENDING]
    run.status = RunStatus.STARTED if pending else RunStatus.FINISHED


def _order_fully_delivered(order: Order, plan: DeliveryPlan) -> bool:
    statement = (
        select(DeliveryStop.status)
        .join(StopItem, StopItem.stop_id == DeliveryStop.id)
        .join(DeliveryRun, DeliveryStop.run_id == DeliveryRun.id)
        .where(StopItem.order_id == order.id, DeliveryRun.plan_id == plan.id)
    )
    on_this_plan = all(status == StopStatus.DELIVERED for status in db.session.scalars(statement))
    return on_this_plan and _all_goods_delivered(order)


def _all_goods_delivered(order: Order) -> bool:
    """Whether delivered stops, of this day and earlier ones, carry all of the order's
    allocated goods: the rest of a partly scheduled order keeps it open for another day."""
    delivered = dict(
        db.session.execute(
            select(StopItem.order_line_id, func.sum(StopItem.quantity))
            .join(DeliveryStop, StopItem.stop_id == DeliveryStop.id)
            .where(StopItem.order_id == order.id, DeliveryStop.status == StopStatus.DELIVERED)
            .group_by(StopItem.order_line_id)
        ).all()
    )
    return all(
        Decimal(delivered.get(line.id) or 0)
        >= sum((a.quantity for a in line.allocations), Decimal(0))
        for line in order.lines
    )


def _stock_of(outlet_id: int, product_id: int) -> Stock:
    return db.session.scalar(
        select(Stock).where(Stock.outlet_id == outlet_id, Stock.product_id == product_id)
    )


def _hand_over(order: Order, undo: bool = False, user: User | None = None) -> None:
    for line in order.lines:
        for allocation in line.allocations:
            stock_row = _stock_of(allocation.outlet_id, line.product_id)
            if undo:
                ledger.take_back(stock_row, allocation.quantity, line, user)
            else:
                ledger.hand_over(stock_row, allocation.quantity, line, user)


def _items_of(stop: DeliveryStop, order: Order) -> list[StopItem]:
    return [item for item in stop.items if item.order_id == order.id]


def mark_delivered(stop: DeliveryStop, orders: list[Order], user: User | None = None) -> None:
    """The stop (its status already flushed as delivered) handed its goods over: an order
    whose every stop on the plan is delivered is delivered, its goods out of the stock."""
    for order in orders:
        if order.status == OrderStatus.SCHEDULED and _order_fully_delivered(order, stop.run.plan):
            order.transition_to(OrderStatus.DELIVERED)
            _hand_over(order, user=user)


def mark_failed(
    stop: DeliveryStop, orders: list[Order], reason: str, user: User | None = None
) -> None:
    """The consequences of a failed stop, by its reason (the module's docstring)."""
    for order in orders:
        if order.status != OrderStatus.SCHEDULED:
            continue
        order.transition_to(OrderStatus.FAILED)
        # Stored as text, in the language of whoever marked it: the cadre reads it.
        order.failure_reason = failure_reason_text(reason)
        if reason == REFUSED:
            refused = _("Order %(id)s refused by the household", id=order.id)
            matching.cancel_order(order, user, reason=refused)
            _audit(AuditKind.ORDER, "refused", order.id, refused, stop, user)
        elif reason == DAMAGED:
            _write_off(stop, order, user)
            _audit(
                AuditKind.STOCK,
                "written_off",
                order.id,
                _("Order %(id)s: goods damaged on delivery, written off", id=order.id),
                stop,
                user,
            )
    db.session.flush()


def _audit(kind: AuditKind, action: str, order_id: int, summary: str, stop, user) -> None:
    """The audit entry of a consequence: by the dispatcher who corrected the stop, or by
    the volunteer whose mark it was."""
    detail = {"order_id": order_id, "stop_id": stop.id}
    if user is not None:
        audit.record(kind, action, record_id=order_id, summary=summary, detail=detail, actor=user)
    else:
        name = stop.run.volunteer.name
        audit.record(
            kind, action, record_id=order_id, summary=summary, detail=detail, actor_name=name
        )


def _write_off(stop: DeliveryStop, order: Order, user: User | None) -> None:
    """The goods this stop carried for ``order`` are lost: out of the run's outlet's stock
    and reservation; an order left with nothing reserved goes back to matching."""
    outlet_id = stop.run.outlet_id
    for item in _items_of(stop, order):
        line = item.order_line
        allocation = next((a for a in line.allocations if a.outlet_id == outlet_id), None)
        if allocation is None:
            continue
        quantity = min(item.quantity, allocation.quantity)
        ledger.write_off(_stock_of(outlet_id, line.product_id), quantity, line, user)
        if allocation.quantity == quantity:
            line.allocations.remove(allocation)
        else:
            allocation.quantity -= quantity
    db.session.flush()
    if not any(line.allocations for line in order.lines):
        order.transition_to(OrderStatus.SUBMITTED)


def _reserve_again(stop: DeliveryStop, order: Order, user: User | None, *, lost: bool) -> None:
    """Put back the reservation this stop's goods had at the run's outlet: after a refusal
    (the stock was released) or a write-off (``lost``: the goods count as there again).
    Raises ``ledger.StockError`` when the released stock went to another order since."""
    outlet_id = stop.run.outlet_id
    for item in _items_of(stop, order):
        line = item.order_line
        stock_row = _stock_of(outlet_id, line.product_id)
        if lost:
            ledger.write_off_undone(stock_row, item.quantity, line, user)
        else:
            ledger.reserve(stock_row, item.quantity, line, user)
        allocation = next((a for a in line.allocations if a.outlet_id == outlet_id), None)
        if allocation is None:
            line.allocations.append(Allocation(outlet_id=outlet_id, quantity=item.quantity))
        else:
            allocation.quantity += item.quantity
    db.session.flush()


def goods_taken_back(stop: DeliveryStop) -> bool:
    """Whether the outlet took the (failed) stop's goods back onto its shelf."""
    return (
        db.session.scalar(select(GoodsReturn.id).where(GoodsReturn.stop_id == stop.id)) is not None
    )


def stock_still_there(stop: DeliveryStop) -> bool:
    """Whether a refused stop's goods could be reserved again at the run's outlet: their
    stock was released and may have gone to another order since."""
    if stop.status != StopStatus.FAILED or stop.failure_reason != REFUSED:
        return True
    wanted: dict[int, object] = {}
    for item in stop.items:
        product_id = item.order_line.product_id
        wanted[product_id] = wanted.get(product_id, 0) + item.quantity
    for product_id, quantity in wanted.items():
        stock_row = _stock_of(stop.run.outlet_id, product_id)
        if stock_row is None or stock_row.quantity - (stock_row.reserved or 0) < quantity:
            return False
    return True


def _expected_status(was: str, reason: str | None) -> OrderStatus:
    """The status a mark left an order of its stop in."""
    if was == StopStatus.DELIVERED:
        return OrderStatus.DELIVERED
    if reason == REFUSED:
        return OrderStatus.CANCELLED
    if reason == DAMAGED:
        return OrderStatus.SUBMITTED
    return OrderStatus.FAILED


def back_to_pending(
    stop: DeliveryStop,
    was: str,
    reason: str | None,
    orders: list[Order],
    user: User | None = None,
    *,
    strict: bool = False,
) -> None:
    """Undo what the stop's mark (``was``, with its failure ``reason``) did to its orders
    and the stock, leaving them scheduled with their goods reserved.

    An order that moved on since (planned, matched or cancelled again) is left as it is;
    with ``strict`` that raises ``OrdersMovedOn`` instead (a dispatcher's correction must
    not half apply). A delivered stop whose order is not yet delivered (split over
    stops) has nothing to undo."""
    moved_on = []
    for order in orders:
        expected = _expected_status(was, reason)
        if order.status == OrderStatus.SCHEDULED and was == StopStatus.DELIVERED:
            continue
        if order.status == OrderStatus.FAILED and reason == DAMAGED:
            expected = OrderStatus.FAILED  # goods written off, others still reserved
        if order.status != expected:
            moved_on.append(order.id)
            continue
        if was == StopStatus.DELIVERED:
            order.transition_to(OrderStatus.SCHEDULED)
            _hand_over(order, undo=True, user=user)
            continue
        if reason in (REFUSED, DAMAGED):
            _reserve_again(stop, order, user, lost=reason == DAMAGED)
        if order.status != OrderStatus.FAILED:
            order.transition_to(OrderStatus.ALLOCATED)
        order.transition_to(OrderStatus.SCHEDULED)
        order.failure_reason = None
    if moved_on and strict:
        raise OrdersMovedOn(moved_on)
    db.session.flush()
