"""Loading a delivery day: the orders waiting for it, the volunteers on duty, the outlets
their goods load at."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    Household,
    Order,
    OrderLine,
    OrderStatus,
    Outlet,
    PlanStatus,
    StopItem,
    StopStatus,
    Volunteer,
)


@dataclass
class DayInput:
    day: date
    orders: list[Order]
    volunteers: list[Volunteer]
    outlets: dict[int, Outlet] = field(default_factory=dict)
    # (order line id, outlet id) -> quantity already on runs that stay as they are.
    kept_quantities: dict[tuple[int, int], Decimal] = field(default_factory=dict)


def seconds(value: time) -> int:
    """A time of day as seconds after midnight."""
    return value.hour * 3600 + value.minute * 60 + value.second


def _with_lines_and_household(statement):
    return statement.options(
        selectinload(Order.lines).selectinload(OrderLine.allocations),
        selectinload(Order.lines).selectinload(OrderLine.product),
        selectinload(Order.household).selectinload(Household.village),
    ).order_by(Order.id)


def carried_on_other_days(order_ids: Collection[int], day: date) -> dict[tuple[int, int], Decimal]:
    """(order line id, outlet id) -> quantity of ``order_ids`` on the runs of published
    plans of days other than ``day`` (failed stops left out: their goods come back)."""
    if not order_ids:
        return {}
    statement = (
        select(StopItem.order_line_id, DeliveryRun.outlet_id, func.sum(StopItem.quantity))
        .join(DeliveryStop, StopItem.stop_id == DeliveryStop.id)
        .join(DeliveryRun, DeliveryStop.run_id == DeliveryRun.id)
        .join(DeliveryPlan, DeliveryRun.plan_id == DeliveryPlan.id)
        .where(
            StopItem.order_id.in_(order_ids),
            DeliveryPlan.status == PlanStatus.PUBLISHED,
            DeliveryPlan.delivery_date != day,
            DeliveryStop.status != StopStatus.FAILED,
        )
        .group_by(StopItem.order_line_id, DeliveryRun.outlet_id)
    )
    return {
        (line, outlet): Decimal(quantity)
        for line, outlet, quantity in db.session.execute(statement)
    }


def _with_goods_left(orders: list[Order], carried: dict[tuple[int, int], Decimal]) -> list[Order]:
    return [
        order
        for order in orders
        if any(
            a.quantity > carried.get((line.id, a.outlet_id), Decimal(0))
            for line in order.lines
            for a in line.allocations
        )
    ]


def eligible_orders(day: date) -> list[Order]:
    """Allocated orders whose wanted range includes ``day``, failed deliveries back in
    the pool (their stock is still reserved), whatever their range, and scheduled orders
    only partly on other days' published runs: the rest stays open (部分排车)."""
    wanted_today = and_(
        Order.status == OrderStatus.ALLOCATED, Order.wanted_from <= day, Order.wanted_to >= day
    )
    statement = select(Order).where(or_(wanted_today, Order.status == OrderStatus.FAILED))
    orders = list(db.session.scalars(_with_lines_and_household(statement)))
    scheduled = list(
        db.session.scalars(
            _with_lines_and_household(
                select(Order).where(Order.status == OrderStatus.SCHEDULED, Order.wanted_from <= day)
            )
        )
    )
    carried = carried_on_other_days([o.id for o in scheduled], day)
    return sorted(orders + _with_goods_left(scheduled, carried), key=lambda o: o.id)


def orders_by_ids(order_ids: Collection[int]) -> list[Order]:
    """The orders ``order_ids``, with what planning reads of them, by id."""
    statement = select(Order).where(Order.id.in_(order_ids or {-1}))
    return list(db.session.scalars(_with_lines_and_household(statement)))


def outlets_of(orders: Sequence[Order]) -> dict[int, Outlet]:
    """Outlet id -> outlet, for every outlet the orders' goods are allocated at."""
    outlet_ids = {a.outlet_id for o in orders for line in o.lines for a in line.allocations}
    return {
        o.id: o for o in db.session.scalars(select(Outlet).where(Outlet.id.in_(outlet_ids or {-1})))
    }


def volunteers_on_duty(day: date) -> list[Volunteer]:
    """Active volunteers whose duty days include ``day``'s weekday, by id."""
    statement = (
        select(Volunteer)
        .where(Volunteer.active.is_(True))
        .options(
            selectinload(Volunteer.area_townships),
            selectinload(Volunteer.area_villages),
            selectinload(Volunteer.township),
        )
        .order_by(Volunteer.id)
    )
    return [v for v in db.session.scalars(statement) if v.on_duty(day.weekday())]


def load_day(
    day: date, order_ids: Sequence[int] | None = None, volunteer_ids: Sequence[int] | None = None
) -> DayInput:
    """The day's eligible orders and volunteers on duty, narrowed to ``order_ids`` and
    ``volunteer_ids`` when given."""
    orders = eligible_orders(day)
    if order_ids is not None:
        wanted = set(order_ids)
        orders = [o for o in orders if o.id in wanted]
    volunteers = volunteers_on_duty(day)
    if volunteer_ids is not None:
        wanted = set(volunteer_ids)
        volunteers = [v for v in volunteers if v.id in wanted]
    carried = carried_on_other_days([o.id for o in orders], day)
    return DayInput(day, orders, volunteers, outlets_of(orders), carried)
