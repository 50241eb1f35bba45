"""Publishing a plan: the draft becomes the day's runs and its orders become scheduled.

Re-publishing after edits is allowed until a volunteer has started a run. Each publish
records who, when and which orders came on or went off the day's runs; orders taken off
go back to allocated. Publishing changes order statuses and nothing else.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from supply_match import labels
from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    Order,
    OrderStatus,
    PlanChange,
    PlanStatus,
    RunStatus,
    User,
)
from supply_match.models._types import utcnow
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.documents import route_sheets
from supply_match.services.planning.loading import carried_on_other_days
from supply_match.services.unit_of_work import use_case


class PublishError(RuntimeError):
    """The plan cannot be published as it is; nothing changed."""


def planned_order_ids(plan: DeliveryPlan) -> set[int]:
    """Ids of the orders with goods on the plan's runs."""
    return {item.order_id for run in plan.runs for stop in run.stops for item in stop.items}


def _has_line_in(order: Order, line_ids: set[int]) -> bool:
    return any(line.id in line_ids for line in order.lines)


def _last_published_order_ids(plan: DeliveryPlan) -> set[int]:
    for change in reversed(plan.changes):
        if change.action == "published":
            return set(change.detail.get("order_ids", []))
    return set()


@use_case
def publish(
    plan: DeliveryPlan, user: User | None = None, *, site_url: str | None = None
) -> PlanChange:
    """Publish ``plan``, committed: its orders become scheduled, orders taken off go back
    to allocated; the route sheets are queued with links under ``site_url``. Returns the
    recorded change (version, added and removed order ids).

    Raises ``PublishError`` for a plan without runs, one a volunteer started, or an order
    no longer allocated; nothing is written then."""
    if not plan.runs:
        raise PublishError(_("The plan has no delivery runs, so it cannot be published."))
    started = [run for run in plan.runs if run.status != RunStatus.PLANNED]
    if started:
        names = "、".join(run.volunteer.name for run in started)
        raise PublishError(
            _(
                "%(names)s already started delivering: changes can no longer be published.",
                names=names,
            )
        )
    now_on = planned_order_ids(plan)
    before = _last_published_order_ids(plan)
    orders = {
        o.id: o for o in db.session.scalars(select(Order).where(Order.id.in_(now_on | before)))
    }
    added, removed = sorted(now_on - before), sorted(before - now_on)
    # The rest of an order partly on another day's published runs: it is scheduled already.
    elsewhere = {
        line for line, _outlet in carried_on_other_days(added + removed, plan.delivery_date)
    }
    for order_id in added:
        order = orders[order_id]
        if order.status == OrderStatus.SCHEDULED and _has_line_in(order, elsewhere):
            continue
        if order.status == OrderStatus.FAILED:
            order.transition_to(OrderStatus.ALLOCATED)  # a failed delivery, planned again
        if order.status != OrderStatus.ALLOCATED:
            raise PublishError(
                _(
                    'Order %(id)s is now "%(status)s": plan again before publishing.',
                    id=order_id,
                    status=labels.label(labels.ORDER_STATUSES, order.status),
                )
            )
        order.transition_to(OrderStatus.SCHEDULED)
    for order_id in removed:
        order = orders[order_id]
        if order.status == OrderStatus.SCHEDULED and not _has_line_in(order, elsewhere):
            order.transition_to(OrderStatus.ALLOCATED)
    plan.status = PlanStatus.PUBLISHED
    plan.version += 1
    for run in plan.runs:
        run.version = plan.version
        run.notice = None
    plan.published_at = utcnow()
    plan.published_by = user
    change = PlanChange(
        user=user,
        action="published",
        detail={
            "version": plan.version,
            "order_ids": sorted(now_on),
            "added": added,
            "removed": removed,
        },
    )
    plan.changes.append(change)
    db.session.flush()
    audit.record(
        AuditKind.PLAN,
        "published",
        record_id=plan.id,
        actor=user,
        summary=audit.plan_text(plan),
        detail={"added": added, "removed": removed},
    )
    route_sheets.queue_sheets(plan, site_url)
    return change
