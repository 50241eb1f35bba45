"""Which days have goods waiting for delivery: the dispatcher's list of days to plan.

An allocated order can go on any day of its wanted range; a failed delivery waits for the
next plan whatever its range. Each day counts the orders that could go that day and those
for which it is the last day asked for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import DeliveryPlan, Order, OrderLine, OrderStatus, Product, Volunteer


@dataclass(frozen=True)
class DeliveryDay:
    day: date
    orders: int
    last_day_orders: int
    weight_kg: Decimal
    plan: DeliveryPlan | None
    volunteers: int = 0
    payload_kg: int = 0


@dataclass(frozen=True)
class Upcoming:
    days: list[DeliveryDay]
    overdue_orders: int
    """Allocated orders whose wanted range ended before today."""
    failed_orders: int
    """Failed deliveries waiting to be planned again (they can go any day)."""

    @property
    def first_day(self) -> date | None:
        return self.days[0].day if self.days else None


def upcoming(today: date, limit: int = 21) -> Upcoming:
    """The next ``limit`` days on which allocated orders may be delivered, from today on
    (or from the earliest wanted day when every range lies in the past, as in the demo)."""
    # One row per allocated order: its wanted range and weight.
    ranges = db.session.execute(
        select(
            Order.id,
            Order.wanted_from,
            Order.wanted_to,
            func.sum(OrderLine.quantity * Product.unit_weight_kg),
        )
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Product, OrderLine.product_id == Product.id)
        .where(Order.status == OrderStatus.ALLOCATED)
        .group_by(Order.id, Order.wanted_from, Order.wanted_to)
    ).all()
    failed = db.session.scalar(
        select(func.count()).select_from(Order).where(Order.status == OrderStatus.FAILED)
    )
    current = [r for r in ranges if r.wanted_to >= today]
    overdue = len(ranges) - len(current)
    start = today if current else min((r.wanted_from for r in ranges), default=today)
    considered = current or ranges
    counts: dict[date, int] = defaultdict(int)
    last_day: dict[date, int] = defaultdict(int)
    weight: dict[date, Decimal] = defaultdict(Decimal)
    for _order_id, wanted_from, wanted_to, order_kg in considered:
        first = max(wanted_from, start)
        for offset in range((wanted_to - first).days + 1):
            day = first + timedelta(days=offset)
            counts[day] += 1
            weight[day] += Decimal(order_kg or 0)
        if wanted_to >= start:
            last_day[wanted_to] += 1
    days = sorted(counts)[:limit]
    plans = {
        p.delivery_date: p
        for p in db.session.scalars(
            select(DeliveryPlan).where(DeliveryPlan.delivery_date.in_(days or [start]))
        )
    }
    active = list(db.session.scalars(select(Volunteer).where(Volunteer.active.is_(True))))
    on_duty = {weekday: [v for v in active if v.on_duty(weekday)] for weekday in range(7)}
    return Upcoming(
        [
            DeliveryDay(
                d,
                counts[d],
                last_day[d],
                weight[d],
                plans.get(d),
                len(on_duty[d.weekday()]),
                sum(v.payload_kg for v in on_duty[d.weekday()]),
            )
            for d in days
        ],
        overdue if current else 0,
        failed or 0,
    )
