"""Where an order stands in the day plans, for the dispatcher's and the cadre's pages:
fully on runs, partly on runs (部分排车: planned and unplanned quantities), or left off,
with the reason. Read from the plans; an order's stored status is not changed here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    Order,
    StopItem,
    UnassignedOrder,
)
from supply_match.services.planning.reasons import unassigned_reason_text


@dataclass
class LineOnPlan:
    order_line_id: int
    product: str
    unit: str
    ordered: Decimal
    planned: Decimal

    @property
    def unplanned(self) -> Decimal:
        return max(Decimal(0), self.ordered - self.planned)


@dataclass
class OrderOnPlan:
    """The order in the latest plan that mentions it."""

    day: date
    published: bool
    lines: list[LineOnPlan] = field(default_factory=list)
    reason: str | None = None
    """Why (some of) it is not on a run, in words."""

    @property
    def planned_any(self) -> bool:
        return any(line.planned > 0 for line in self.lines)

    @property
    def partly(self) -> bool:
        """Some of its goods are on runs and some are not: 部分排车."""
        return self.planned_any and any(line.unplanned > 0 for line in self.lines)


def order_on_plan(order: Order) -> OrderOnPlan | None:
    """``order`` in the latest day plan holding it on a run or among the unassigned;
    ``None`` when no plan mentions it."""
    on_runs = (
        select(DeliveryRun.plan_id)
        .join(DeliveryStop)
        .join(StopItem)
        .where(StopItem.order_id == order.id)
    )
    left_off = select(UnassignedOrder.plan_id).where(UnassignedOrder.order_id == order.id)
    plan = db.session.scalar(
        select(DeliveryPlan)
        .where(DeliveryPlan.id.in_(on_runs.union(left_off).scalar_subquery()))
        .order_by(DeliveryPlan.delivery_date.desc())
        .limit(1)
    )
    if plan is None:
        return None
    return _on_plan(plan, order)


def _planned_quantities(plan: DeliveryPlan, order_ids: set[int]) -> dict[int, Decimal]:
    """Order line id -> the quantity on the plan's runs, for the lines of ``order_ids``
    (one walk over the plan for all of them, not one per order)."""
    planned: dict[int, Decimal] = {}
    for run in plan.runs:
        for stop in run.stops:
            for item in stop.items:
                if item.order_id in order_ids:
                    planned[item.order_line_id] = (
                        planned.get(item.order_line_id, Decimal(0)) + item.quantity
                    )
    return planned


def _on_plan(
    plan: DeliveryPlan, order: Order, planned: dict[int, Decimal] | None = None
) -> OrderOnPlan:
    if planned is None:
        planned = _planned_quantities(plan, {order.id})
    missing = next((u for u in plan.unassigned if u.order_id == order.id), None)
    return OrderOnPlan(
        plan.delivery_date,
        plan.status == "published",
        [
            LineOnPlan(
                line.id,
                line.product.name,
                line.product.unit,
                line.quantity,
                planned.get(line.id, Decimal(0)),
            )
            for line in order.lines
        ],
        unassigned_reason_text(missing.reason, order) if missing else None,
    )


def left_off(plan: DeliveryPlan) -> dict[int, OrderOnPlan]:
    """Order id -> the order in ``plan``, for every order left off it wholly or in part."""
    planned = _planned_quantities(plan, {missing.order_id for missing in plan.unassigned})
    return {missing.order_id: _on_plan(plan, missing.order, planned) for missing in plan.unassigned}
