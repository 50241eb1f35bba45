"""What a cadre is told after a delivery did not happen: their villages' orders whose
stop failed in the last days, with the reason and what follows (back in the pool for
another day, cancelled after a refusal, waiting for new goods after damage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from supply_match.extensions import db
from supply_match.models import Order, OrderStatus, User
from supply_match.models._types import utcnow
from supply_match.services import scope

RECENT_DAYS = 7
WHAT_FOLLOWS = {
    OrderStatus.FAILED: _l("Back in the pool: it will be planned for another day."),
    OrderStatus.CANCELLED: _l("Cancelled: the goods went back to the outlet's stock."),
    OrderStatus.SUBMITTED: _l("The goods were damaged: new goods will be matched."),
}


@dataclass(frozen=True)
class FailedDelivery:
    order: Order
    reason: str
    what_follows: str


def failed_deliveries(user: User, limit: int = 20) -> list[FailedDelivery]:
    """The user's villages' orders not delivered in the last ``RECENT_DAYS``, newest
    change first."""
    since = utcnow() - timedelta(days=RECENT_DAYS)
    statement = (
        scope.orders_query(user)
        .where(
            Order.failure_reason.is_not(None),
            Order.status.in_(list(WHAT_FOLLOWS)),
            Order.updated_at >= since,
        )
        .order_by(None)
        .order_by(Order.updated_at.desc(), Order.id.desc())
        .limit(limit)
    )
    return [
        FailedDelivery(order, order.failure_reason, str(WHAT_FOLLOWS[OrderStatus(order.status)]))
        for order in db.session.scalars(statement)
    ]
