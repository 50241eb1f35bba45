"""Order intake by village cadres, one household and one order at a time.

Each function checks everything first and raises ``IntakeError`` with a message per field
(in the user's language) before anything is written; each public function is one transaction (``@use_case``). Scope: a cadre may
only touch households and orders of their own villages (``scope``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from supply_match import geo
from supply_match.extensions import db
from supply_match.models import (
    DeliveryPoint,
    Household,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    User,
    Village,
)
from supply_match.models.audit import AuditKind
from supply_match.models.order import EDITABLE_STATUSES
from supply_match.services import audit, scope
from supply_match.services.fields import MAX_ORDER_QUANTITY, parse_quantity
from supply_match.services.intake import payments
from supply_match.services.supply.matching import cancel_order as cancel_and_release
from supply_match.services.supply.matching import release_allocations
from supply_match.services.unit_of_work import use_case

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Orders are for the planting season: a range longer than this is almost always a typo.
MAX_RANGE_DAYS = 60


class IntakeError(ValueError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class NotEditable(ValueError):
    """The order is past the point where its village may change it; says why."""


@dataclass
class HouseholdInput:
    village_id: int | None
    name: str
    mobile: str
    group_no: int | None
    lat: float | None = None
    lon: float | None = None
    gcj02: bool = False  # the point was pasted from Amap or Tencent maps


@dataclass
class OrderInput:
    household_id: int | None
    lines: list[tuple[int | None, str]]  # product id, quantity as typed
    delivery_point: str = DeliveryPoint.HOME
    field_lat: float | None = None
    field_lon: float | None = None
    field_gcj02: bool = False
    wanted_from: date | None = None
    wanted_to: date | None = None
    window_start: time | None = None
    window_end: time | None = None
    priority: int = 0
    note: str | None = None
    # How it is paid: a code or its Chinese word, and the programme (id or name) for subsidy.
    payment_method: str | None = None
    subsidy_programme: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _point(lat, lon, gcj02: bool, errors: dict[str, str], key: str) -> tuple[float, float] | None:
    if lat is None or lon is None:
        errors[key] = _("Enter the latitude and longitude, or pick the point on the map.")
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors[key] = _("The coordinates are out of range.")
        return None
    if not geo.in_china(lat, lon):
        errors[key] = _("The point is outside China: are latitude and longitude swapped?")
        return None
    return geo.gcj02_to_wgs84(lat, lon) if gcj02 else (lat, lon)


@use_case
def add_household(user: User, data: HouseholdInput) -> Household:
    """Add a household to one of ``user``'s villages (coordinates WGS-84, or GCJ-02 when
    ``data.gcj02``, converted). Raises ``IntakeError`` with a message per field."""
    errors: dict[str, str] = {}
    village = db.session.get(Village, data.village_id) if data.village_id else None
    if village is None or not scope.may_see_village(user, village.id):
        errors["village_id"] = _("Please choose one of your villages.")
    name = (data.name or "").strip()
    if not name or len(name) > 32:
        errors["name"] = _("Please enter the head of household's name (at most 32 characters).")
    mobile = re.sub(r"[\s-]", "", data.mobile or "")
    if not MOBILE_RE.match(mobile):
        errors["mobile"] = _("Please fill in an 11-digit mobile number.")
    if (
        data.group_no is None
        or data.group_no < 1
        or (village is not None and data.group_no > village.group_count)
    ):
        errors["group_no"] = (
            _("The group number must be between 1 and %(count)s.", count=village.group_count)
            if village
            else _("Please enter the group number (a positive whole number).")
        )
    point = None
    if data.lat is not None or data.lon is not None:
        point = _point(data.lat, data.lon, data.gcj02, errors, "location")
    if not errors:
        duplicate = db.session.scalar(
            select(Household).where(
                Household.village_id == village.id,
                Household.name == name,
                Household.mobile == mobile,
            )
        )
        if duplicate is not None:
            errors["name"] = _(
                '%(village)s already has the household "%(name)s %(mobile)s": enter the '
                "order for it instead.",
                village=village.name,
                name=name,
                mobile=mobile,
            )
    if errors:
        raise IntakeError(errors)
    lat, lon = point or (village.lat, village.lon)
    household = Household(
        village=village, name=name, mobile=mobile, group_no=data.group_no, lat=lat, lon=lon
    )
    db.session.add(household)
    db.session.flush()
    audit.record(
        AuditKind.HOUSEHOLD,
        "created",
        record_id=household.id,
        actor=user,
        summary=f"{village.name} {name} {data.group_no}组",
        detail={"village_id": village.id},
    )
    return household


def _check_order(
    user: User, data: OrderInput
) -> tuple[Household | None, list[tuple[Product, Decimal]], dict]:
    errors: dict[str, str] = {}
    household = None
    if data.household_id:
        household = db.session.get(Household, data.household_id)
    if household is None or not scope.may_see_village(user, household.village_id):
        errors["household_id"] = _("Please choose a household in one of your villages.")
        household = None
    lines: list[tuple[Product, Decimal]] = []
    seen: set[int] = set()
    for index, (product_id, quantity_text) in enumerate(data.lines, start=1):
        if product_id is None and not (quantity_text or "").strip():
            continue
        product = db.session.get(Product, product_id) if product_id else None
        if product is None or not product.active:
            errors[f"lines-{index}-product"] = _("Please choose a product from the catalogue.")
            continue
        if product.id in seen:
            errors[f"lines-{index}-product"] = _(
                '"%(product)s" is listed twice: put it on one line.', product=product.name
            )
            continue
        quantity = parse_quantity(
            quantity_text, errors, f"lines-{index}-quantity", high=MAX_ORDER_QUANTITY
        )
        if quantity is None:
            continue
        seen.add(product.id)
        lines.append((product, quantity))
    if not lines and not any(k.startswith("lines-") for k in errors):
        errors["lines"] = _("Enter at least one product.")
    if data.delivery_point not in {str(p) for p in DeliveryPoint}:
        errors["delivery_point"] = _("Please choose where to deliver.")
    # Each message goes under the field it is about: a missing last date is not the
    # first date's fault.
    if data.wanted_from is None:
        errors["wanted_from"] = _("Please enter the earliest delivery date.")
    if data.wanted_to is None:
        errors["wanted_to"] = _("Please enter the latest delivery date.")
    if data.wanted_from is None or data.wanted_to is None:
        pass  # named above
    elif data.wanted_to < data.wanted_from:
        errors["wanted_to"] = _("The last date cannot be before the first.")
    elif (data.wanted_to - data.wanted_from).days > MAX_RANGE_DAYS:
        errors["wanted_to"] = _(
            "The date range cannot be longer than %(days)s days.", days=MAX_RANGE_DAYS
        )
    if data.window_start is None and data.window_end is not None:
        errors["window_start"] = _("Enter the start of the delivery time too.")
    elif data.window_end is None and data.window_start is not None:
        errors["window_end"] = _("Enter the end of the delivery time too.")
    elif data.window_start is not None and data.window_end <= data.window_start:
        errors["window_end"] = _("The end of the time range must be after its start.")
    if not 0 <= data.priority <= 9:
        errors["priority"] = _("The priority must be between 0 and 9.")
    return household, lines, errors


def _field_point(data: OrderInput, errors: dict) -> tuple[float | None, float | None]:
    if data.delivery_point != DeliveryPoint.FIELD:
        return None, None
    point = _point(data.field_lat, data.field_lon, data.field_gcj02, errors, "field_point")
    return point if point else (None, None)


@use_case
def create_order(user: User, data: OrderInput) -> Order:
    """Submit a new order for a household ``user`` may see (quantities in each product's
    unit). Raises ``IntakeError`` with a message per field; writes nothing then."""
    household, lines, errors = _check_order(user, data)
    field_lat, field_lon = _field_point(data, errors)
    method, programme = payments.read_payment(data.payment_method, data.subsidy_programme, errors)
    if errors:
        raise IntakeError(errors)
    order = Order(
        payment_method=method,
        subsidy_programme=programme,
        household=household,
        status=OrderStatus.SUBMITTED,
        delivery_point=data.delivery_point,
        delivery_lat=field_lat,
        delivery_lon=field_lon,
        wanted_from=data.wanted_from,
        wanted_to=data.wanted_to,
        window_start=data.window_start,
        window_end=data.window_end,
        priority=data.priority,
        note=(data.note or "").strip()[:200] or None,
        created_by=user,
    )
    for product, quantity in lines:
        order.lines.append(OrderLine(product=product, quantity=quantity))
    db.session.add(order)
    db.session.flush()
    audit.record(
        AuditKind.ORDER,
        "created",
        record_id=order.id,
        actor=user,
        summary=audit.order_text(order),
        detail={"household_id": household.id},
    )
    return order


def why_not_editable(order: Order) -> str | None:
    """Why ``order`` may no longer be changed or cancelled (in the user's language), or
    None while it may. The one rule for editing and cancelling, pages and API alike."""
    status = OrderStatus(order.status)
    if status in EDITABLE_STATUSES:
        return None
    if status == OrderStatus.SCHEDULED:
        return _(
            "This order is on a published delivery run and can no longer be changed or "
            "cancelled; ask the county dispatcher to take it off the run first."
        )
    if status == OrderStatus.DELIVERED:
        return _("The order has been delivered and can no longer be changed.")
    if status == OrderStatus.CANCELLED:
        return _("The order has been cancelled.")
    return _("The order cannot be changed in its current status.")


@use_case
def update_order(user: User, order: Order, data: OrderInput) -> Order:
    """Change an order until it is on a published run. Changing an allocated order gives its
    reserved stock back: it goes through matching again."""
    scope.get_order_for(user, order.id)
    reason = why_not_editable(order)
    if reason:
        raise NotEditable(reason)
    data.household_id = order.household_id
    _household, lines, errors = _check_order(user, data)
    field_lat, field_lon = _field_point(data, errors)
    if data.payment_method is None:  # not asked about: the payment way stays
        method, programme = order.payment_method, order.subsidy_programme
    else:
        method, programme = payments.read_payment(
            data.payment_method, data.subsidy_programme, errors
        )
    if errors:
        raise IntakeError(errors)
    # The stock ledger keeps its reasons as text, in the language of whoever changed it.
    changed = _("Order %(id)s changed, to be matched again", id=order.id)
    if order.status in (OrderStatus.ALLOCATED, OrderStatus.FAILED):
        release_allocations(order, changed, user)
        order.transition_to(OrderStatus.SUBMITTED)
    elif any(line.allocations for line in order.lines):
        release_allocations(order, changed, user)
    order.delivery_point = data.delivery_point
    order.delivery_lat, order.delivery_lon = field_lat, field_lon
    order.wanted_from, order.wanted_to = data.wanted_from, data.wanted_to
    order.window_start, order.window_end = data.window_start, data.window_end
    order.priority = data.priority
    order.note = (data.note or "").strip()[:200] or None
    order.payment_method, order.subsidy_programme = method, programme
    wanted = {product.id: quantity for product, quantity in lines}
    for line in list(order.lines):
        if line.product_id not in wanted:
            order.lines.remove(line)
        else:
            line.quantity = wanted.pop(line.product_id)
    db.session.flush()
    products = {product.id: product for product, _q in lines}
    for product_id, quantity in wanted.items():
        order.lines.append(OrderLine(product=products[product_id], quantity=quantity))
    db.session.flush()
    audit.record(
        AuditKind.ORDER,
        "edited",
        record_id=order.id,
        actor=user,
        summary=audit.order_text(order),
        detail={"household_id": order.household_id},
    )
    return order


@use_case
def cancel(user: User, order: Order) -> None:
    """Cancel ``order`` and give its reserved stock back. Raises ``NotEditable`` once it is
    on a published run (or delivered, or cancelled), ``ForbiddenError`` outside scope."""
    scope.get_order_for(user, order.id)
    reason = why_not_editable(order)
    if reason:
        raise NotEditable(reason)
    cancel_and_release(
        order,
        user,
        reason=_("Order %(id)s cancelled by %(name)s", id=order.id, name=user.display_name),
    )
    audit.record(
        AuditKind.ORDER,
        "cancelled",
        record_id=order.id,
        summary=audit.order_text(order),
        detail={"household_id": order.household_id},
        actor=user,
    )
