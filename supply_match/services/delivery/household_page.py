"""A household's own page (农户查询页), opened by a signed link without an account: what is
coming, on which day, in which time window, who brings it, and whether it arrived.

The link is signed like a volunteer's (``links.sign`` with its own salt) and names the
household and its link version; renewing bumps the version, so every earlier link stops
opening. The page reads the household's own orders and nothing else: its stops are found
through its orders' items, never by place, so another household at the same stop stays
unseen.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_skeleton
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supply_match import labels
from supply_match.extensions import db
from supply_match.models import (
    AuditKind,
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    Household,
    Order,
    OrderLine,
    OrderStatus,
    PlanStatus,
    Role,
    StopItem,
    StopStatus,
    User,
)
from supply_match.models.account import user_villages
from supply_match.services import audit, scope
from supply_match.services.delivery import links
from supply_match.services.delivery.phone_updates import failure_reason_text
from supply_match.services.documents.route_sheets import clock, quantity_text
from supply_match.services.unit_of_work import use_case

SALT = "supply-match-household-page"
# What households read and forward is Chinese, whatever the cadre's page is in.
SHARE_LOCALE = "zh_Hans_CN"
# Delivered orders stay on the page this long, so a household can check what came.
DELIVERED_SHOWN_DAYS = 30


def token_for(household: Household) -> str:
    """The signed token of the household's current link."""
    return links.sign(SALT, household.id, household.link_version)


def household_for_token(token: str) -> Household | None:
    """The household a token opens, or None for a forged, renewed or unknown one."""
    signed = links.signed_id(SALT, token)
    household = db.session.get(Household, signed[0]) if signed else None
    if household is None or household.link_version != signed[1]:
        return None
    return household


def link_for(household: Household, page_url: Callable[[str], str]) -> str:
    """The household's page as an absolute URL (``urls.household_link_builder``)."""
    return page_url(token_for(household))


@use_case
def renew_link(user: User, household_id: int) -> Household:
    """Give the household a new link (committed): every earlier one stops opening. For a
    cadre of the household's village or a dispatcher (``scope`` raises otherwise)."""
    household = scope.get_household_for(user, household_id)
    household.link_version += 1
    audit.record(
        AuditKind.HOUSEHOLD,
        "link_renewed",
        record_id=household.id,
        summary=f"{household.name} {household.village.full_name}: new page link",
        detail={"link_version": household.link_version},
        actor=user,
    )
    db.session.flush()
    return household


# The expected time window. A plan's arrival time is a forecast that grows less certain
# with every stop before it (a farmer not home, a steep road), so the window widens with
# the time the run has been under way, and is rounded outward to the half hour a household
# can plan around.
WINDOW_MARGIN_S = 30 * 60
WINDOW_SPREAD = 0.2  # every hour on the road adds 12 minutes either side
WINDOW_STEP_S = 30 * 60
NOON_S = 12 * 3600
EVENING_S = 18 * 3600


def arrival_window(arrival_s: int, run_start_s: int) -> tuple[int, int]:
    """The window (seconds after midnight) around a planned arrival."""
    margin = WINDOW_MARGIN_S + WINDOW_SPREAD * max(0, arrival_s - run_start_s)
    start = math.floor((arrival_s - margin) / WINDOW_STEP_S) * WINDOW_STEP_S
    end = math.ceil((arrival_s + margin) / WINDOW_STEP_S) * WINDOW_STEP_S
    # Goods cannot come before the run leaves the outlet.
    earliest = run_start_s // WINDOW_STEP_S * WINDOW_STEP_S
    return max(start, earliest, 0), min(end, 24 * 3600 - 60)


def part_of_day(arrival_s: int) -> str:
    if arrival_s < NOON_S:
        return _("in the morning")
    if arrival_s < EVENING_S:
        return _("in the afternoon")
    return _("in the evening")


@dataclass(frozen=True)
class Goods:
    name: str
    unit: str
    quantity: Decimal

    @property
    def text(self) -> str:
        return f"{self.name} {quantity_text(self.quantity)}{self.unit}"


@dataclass
class Delivery:
    """One stop of a published run that carries (part of) the household's order."""

    day: date
    window_from: str
    window_to: str
    part_of_day: str
    volunteer: str
    volunteer_mobile: str
    status: str  # the stop's: pending, delivered, failed
    failure: str  # why it failed, in words
    goods: list[Goods]
    arrival_s: int = 0


@dataclass
class OrderView:
    order_id: int
    status: str
    wanted_from: date
    wanted_to: date
    goods: list[Goods]
    deliveries: list[Delivery] = field(default_factory=list)
    unscheduled: list[Goods] = field(default_factory=list)  # on no published run yet

    @property
    def state(self) -> str:
        """``not_scheduled``, ``partly_scheduled``, ``scheduled``, ``delivered``,
        ``failed`` or ``cancelled``: what the page says first."""
        if self.status == OrderStatus.CANCELLED:
            return "cancelled"
        if self.status == OrderStatus.DELIVERED:
            return "delivered"
        live = [d for d in self.deliveries if d.status != StopStatus.FAILED]
        if not live:
            return "failed" if self.deliveries else "not_scheduled"
        return "partly_scheduled" if self.unscheduled else "scheduled"

    @property
    def next_delivery(self) -> Delivery | None:
        pending = [d for d in self.deliveries if d.status == StopStatus.PENDING]
        return pending[0] if pending else None


@dataclass(frozen=True)
class Contact:
    name: str
    mobile: str


@dataclass
class HouseholdPage:
    household: Household
    place: str
    orders: list[OrderView]
    contacts: list[Contact]

    @property
    def next_delivery(self) -> Delivery | None:
        upcoming = [o.next_delivery for o in self.orders if o.next_delivery]
        return min(upcoming, key=lambda d: (d.day, d.arrival_s)) if upcoming else None


def _orders_shown(household: Household, today: date) -> list[Order]:
    since = today - timedelta(days=DELIVERED_SHOWN_DAYS)
    orders = db.session.scalars(
        select(Order)
        .where(Order.household_id == household.id, Order.status != OrderStatus.CANCELLED)
        .options(selectinload(Order.lines).selectinload(OrderLine.product))
        .order_by(Order.wanted_from, Order.id)
    )
    return [
        order
        for order in orders
        if order.status != OrderStatus.DELIVERED or order.updated_at.date() >= since
    ]


def _published_items(order_ids: list[int]) -> list[StopItem]:
    """The orders' items on published runs, by day and planned arrival."""
    if not order_ids:
        return []
    return list(
        db.session.scalars(
            select(StopItem)
            .join(DeliveryStop, StopItem.stop_id == DeliveryStop.id)
            .join(DeliveryRun, DeliveryStop.run_id == DeliveryRun.id)
            .join(DeliveryPlan, DeliveryRun.plan_id == DeliveryPlan.id)
            .where(StopItem.order_id.in_(order_ids), DeliveryPlan.status == PlanStatus.PUBLISHED)
            .options(
                selectinload(StopItem.order_line).selectinload(OrderLine.product),
                selectinload(StopItem.stop)
                .selectinload(DeliveryStop.run)
                .selectinload(DeliveryRun.volunteer),
                selectinload(StopItem.stop)
                .selectinload(DeliveryStop.run)
                .selectinload(DeliveryRun.plan),
            )
            .order_by(DeliveryPlan.delivery_date, DeliveryStop.arrival_s, StopItem.id)
        )
    )


def _goods(pairs: list[tuple[OrderLine, Decimal]]) -> list[Goods]:
    return [
        Goods(line.product.name, line.product.unit, quantity)
        for line, quantity in pairs
        if quantity > 0
    ]


def _delivery(stop: DeliveryStop, items: list[StopItem]) -> Delivery:
    run = stop.run
    start, end = arrival_window(stop.arrival_s, run.start_s)
    return Delivery(
        day=run.plan.delivery_date,
        window_from=clock(start),
        window_to=clock(end),
        part_of_day=part_of_day(stop.arrival_s),
        volunteer=run.volunteer.name,
        volunteer_mobile=run.volunteer.mobile,
        status=stop.status,
        failure=failure_reason_text(stop.failure_reason),
        goods=_goods([(item.order_line, item.quantity) for item in items]),
        arrival_s=stop.arrival_s,
    )


def _order_view(order: Order, items: list[StopItem]) -> OrderView:
    by_stop: dict[int, list[StopItem]] = defaultdict(list)
    on_runs: dict[int, Decimal] = defaultdict(Decimal)
    for item in items:
        by_stop[item.stop_id].append(item)
        if item.stop.status != StopStatus.FAILED:
            on_runs[item.order_line_id] += item.quantity
    view = OrderView(
        order_id=order.id,
        status=order.status,
        wanted_from=order.wanted_from,
        wanted_to=order.wanted_to,
        goods=_goods([(line, line.quantity) for line in order.lines]),
        deliveries=[_delivery(group[0].stop, group) for group in by_stop.values()],
    )
    if order.status not in (OrderStatus.DELIVERED, OrderStatus.CANCELLED):
        view.unscheduled = _goods(
            [(line, line.quantity - on_runs[line.id]) for line in order.lines]
        )
    return view


def village_contacts(village_id: int) -> list[Contact]:
    """The village's cadres who can be called, and its collection point's contact."""
    cadres = db.session.scalars(
        select(User)
        .join(user_villages, user_villages.c.user_id == User.id)
        .where(
            user_villages.c.village_id == village_id,
            User.role == Role.CADRE,
            User.active.is_(True),
            User.mobile.is_not(None),
        )
        .order_by(User.display_name, User.id)
    )
    return [Contact(user.display_name, user.mobile) for user in cadres]


def page_for(household: Household, today: date) -> HouseholdPage:
    """What the household's page shows on ``today`` (the county's date)."""
    orders = _orders_shown(household, today)
    items_by_order: dict[int, list[StopItem]] = defaultdict(list)
    for item in _published_items([order.id for order in orders]):
        items_by_order[item.order_id].append(item)
    village = household.village
    contacts = village_contacts(village.id)
    if village.collection_contact and village.collection_mobile:
        contact = Contact(village.collection_contact, village.collection_mobile)
        if contact not in contacts:
            contacts.append(contact)
    return HouseholdPage(
        household=household,
        place=labels.village_group(f"{village.township.name}{village.name}", household.group_no),
        orders=[_order_view(order, items_by_order[order.id]) for order in orders],
        contacts=contacts,
    )


@dataclass(frozen=True)
class HouseholdLink:
    household: Household
    url: str
    share_text: str  # ready to paste into WeChat or an SMS, in Chinese


def _goods_words(page: HouseholdPage) -> str:
    categories = sorted(
        {line.product.category for order in page.household.orders for line in order.lines}
        & set(labels.PRODUCT_CATEGORIES)
    )
    words = [str(labels.PRODUCT_CATEGORIES[code]) for code in categories]
    return _(", ").join(words) if words else _("farm supplies")


def share_text(page: HouseholdPage, url: str) -> str:
    """The message a cadre sends: when the goods come, and the link."""
    with force_locale(SHARE_LOCALE):
        goods = _goods_words(page)
        coming = page.next_delivery
        if coming is None:
            return _("Your %(goods)s order is not scheduled yet; follow it here: %(url)s",
                     goods=goods, url=url)  # fmt: skip
        return _(
            "Your %(goods)s should arrive on %(day)s %(part)s; details: %(url)s",
            goods=goods,
            day=format_skeleton("MMMd", coming.day, locale=get_locale()),
            part=part_of_day(coming.arrival_s),
            url=url,
        )


def link_of(
    user: User, household_id: int, page_url: Callable[[str], str], today: date
) -> HouseholdLink:
    """The household's link and the message to send it with, for a cadre of its village
    or a dispatcher (``scope`` raises ``NotFoundError`` / ``ForbiddenError``)."""
    household = scope.get_household_for(user, household_id)
    url = link_for(household, page_url)
    return HouseholdLink(household, url, share_text(page_for(household, today), url))
