"""What a cadre should know when entering an order: goods that will come in two visits.

When the county keeps pesticide apart from seed (its setting, on by default), the two
never ride on one run. A household that wants both on one day only is therefore visited
twice that day. Wanted over two days or more, the seed comes first and the pesticide on
a later day of the range, one visit each day. Planning the county's busiest days in turn
(``python -m benchmarks.plan_quality --days in-turn``), such one-day orders were the only
households visited twice. The order's page says so while the dates can still be widened.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supply_match.extensions import db
from supply_match.models import Order, OrderLine, OrderStatus, ProductCategory
from supply_match.services.county import settings as county_settings

_KEPT_APART = {ProductCategory.SEED, ProductCategory.PESTICIDE}
# Orders whose goods are still to be handed over.
_STILL_TO_COME = (
    OrderStatus.SUBMITTED,
    OrderStatus.ALLOCATED,
    OrderStatus.SCHEDULED,
    OrderStatus.FAILED,
)


def seed_and_pesticide_on_one_day(order: Order) -> bool:
    """True when ``order`` is wanted on one day only and the household's goods wanted on
    that day alone (this order's and its other orders') hold both seed and pesticide,
    while the county keeps the two apart: that day, the household is visited twice. An
    order of neither (fertilizer, film) is not the cause, and is not marked."""
    if order.wanted_from != order.wanted_to or order.status not in _STILL_TO_COME:
        return False
    if not any(line.product.category in _KEPT_APART for line in order.lines):
        return False
    if not county_settings.current().keep_pesticide_apart:
        return False
    same_day = db.session.scalars(
        select(Order)
        .where(
            Order.household_id == order.household_id,
            Order.wanted_from == order.wanted_from,
            Order.wanted_to == order.wanted_to,
            Order.status.in_(_STILL_TO_COME),
        )
        .options(selectinload(Order.lines).selectinload(OrderLine.product))
    )
    categories = {line.product.category for other in same_day for line in other.lines}
    return categories >= _KEPT_APART
