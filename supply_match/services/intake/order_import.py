"""Bulk order intake from the sheet a cadre already keeps (.xlsx or .csv).

One row is one order line. Rows of the same household, delivery point, dates and time
window form one order. Every row is checked before anything is written; a file with any
error writes nothing, and the errors name their row and column. Orders that already exist
(same household, dates, delivery point and lines) are skipped, so importing the same file
twice creates nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supply_match.extensions import db
from supply_match.models import Household, Order, OrderLine, OrderStatus, User
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.intake import visit_notes
from supply_match.services.intake.order_rows import PlannedOrder, parse_orders

# The sheet's format lives in order_sheet; these names are imported from here too.
from supply_match.services.intake.order_sheet import (  # noqa: F401
    ORDER_COLUMNS,
    POINT_NAMES,
    POINT_WORDS,
    TEMPLATE_NOTES,
    template_xlsx,
)
from supply_match.services.unit_of_work import use_case


@dataclass
class ImportResult:
    orders_created: int = 0
    lines_created: int = 0
    households_created: int = 0
    duplicates_skipped: int = 0
    rows: int = 0
    # Orders just created whose household will be visited twice on their one day (seed
    # and pesticide kept apart): the cadre may still widen their dates.
    two_visit_order_ids: list[int] = field(default_factory=list)


def _line_signature(pairs) -> frozenset[tuple[int, Decimal]]:
    return frozenset((product_id, Decimal(quantity).normalize()) for product_id, quantity in pairs)


@use_case
def import_orders(filename: str, data: bytes, user: User) -> ImportResult:
    """Validate the whole file (.xlsx or .csv), then add its households and orders in one
    transaction; rows already imported are skipped. Raises ``sheets.SheetError``
    (unreadable file) or ``RowErrors`` (every bad cell) and then writes nothing."""
    planned = parse_orders(filename, data, user)
    result = ImportResult(rows=sum(len(order.lines) for order in planned))
    village_ids = {order.village.id for order in planned}
    households: dict[tuple[int, str, str], Household] = {
        (h.village_id, h.name, h.mobile): h
        for h in db.session.scalars(select(Household).where(Household.village_id.in_(village_ids)))
    }
    existing = _existing_signatures(households)
    created: list[Order] = []
    for plan in planned:
        household = households.get((plan.village.id, plan.name, plan.mobile))
        if household is None:
            # A new household starts at its village's point until the cadre sets its home.
            household = Household(
                village=plan.village,
                name=plan.name,
                mobile=plan.mobile,
                group_no=plan.group_no,
                lat=plan.village.lat,
                lon=plan.village.lon,
            )
            db.session.add(household)
            households[(plan.village.id, plan.name, plan.mobile)] = household
            result.households_created += 1
        else:
            signature = _order_signature(
                household.id,
                plan.point,
                plan.field_lat,
                plan.field_lon,
                plan.wanted_from,
                plan.wanted_to,
                ((p.id, q) for p, q, _row in plan.lines.values()),
            )
            if signature in existing:
                result.duplicates_skipped += 1
                continue
        created.append(_add_order(plan, household, user))
        result.orders_created += 1
        result.lines_created += len(plan.lines)
    db.session.flush()
    result.two_visit_order_ids = [
        order.id for order in created if visit_notes.seed_and_pesticide_on_one_day(order)
    ]
    audit.record_import(
        AuditKind.ORDER,
        filename,
        created=result.orders_created,
        households_created=result.households_created,
        duplicates_skipped=result.duplicates_skipped,
    )
    return result


def _existing_signatures(households: dict[tuple[int, str, str], Household]) -> set[tuple]:
    """The signatures of the orders (not cancelled) these households already have."""
    existing: set[tuple] = set()
    if not households:
        return existing
    statement = (
        select(Order)
        .where(
            Order.household_id.in_([h.id for h in households.values()]),
            Order.status != OrderStatus.CANCELLED,
        )
        .options(selectinload(Order.lines))
    )
    for order in db.session.scalars(statement):
        existing.add(
            _order_signature(
                order.household_id,
                order.delivery_point,
                order.delivery_lat,
                order.delivery_lon,
                order.wanted_from,
                order.wanted_to,
                ((line.product_id, line.quantity) for line in order.lines),
            )
        )
    return existing


def _add_order(plan: PlannedOrder, household: Household, user: User) -> Order:
    order = Order(
        household=household,
        status=OrderStatus.SUBMITTED,
        delivery_point=plan.point,
        delivery_lat=plan.field_lat,
        delivery_lon=plan.field_lon,
        wanted_from=plan.wanted_from,
        wanted_to=plan.wanted_to,
        window_start=plan.window[0] if plan.window else None,
        window_end=plan.window[1] if plan.window else None,
        priority=plan.priority,
        note=plan.note,
        payment_method=plan.payment_method,
        subsidy_programme=plan.subsidy_programme,
        created_by=user,
    )
    for product, quantity, _row in plan.lines.values():
        order.lines.append(OrderLine(product=product, quantity=quantity))
    db.session.add(order)
    return order


def _order_signature(household_id, point, lat, lon, wanted_from, wanted_to, lines) -> tuple:
    return (
        household_id,
        str(point),
        round(lat, 6) if lat is not None else None,
        round(lon, 6) if lon is not None else None,
        wanted_from,
        wanted_to,
        _line_signature(lines),
    )
