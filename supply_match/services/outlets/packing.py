"""What an outlet prepares the evening before: the pick list (total per product), a
packing list per run in loading order (the last stop's goods go in first, so the first
stop's come out on top), and a bag label per household and stop.

Only published plans are packed: a draft still changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    Order,
    OrderLine,
    Outlet,
    PlanStatus,
    Product,
    StopItem,
    StopStatus,
    Village,
)
from supply_match.services.delivery.stop_outcomes import DAMAGED
from supply_match.services.documents.route_sheets import qr_svg, quantity_text
from supply_match.services.errors import NotFoundError
from supply_match.services.intake.payments import payment_label
from supply_match.services.supply.amounts import order_stop_dues


@dataclass(frozen=True)
class Goods:
    product_id: int
    name: str
    unit: str
    quantity: Decimal

    @property
    def text(self) -> str:
        return f"{self.name} {quantity_text(self.quantity)}{self.unit}"


@dataclass
class PackedOrder:
    """One household's bag at one stop."""

    order_id: int
    household: str
    place: str  # township, village and group
    goods: list[Goods]
    due_fen: int | None
    payment: str


@dataclass
class PackedStop:
    stop_id: int
    number: int  # as the volunteer counts: 1 is the first stop
    label: str
    status: str
    orders: list[PackedOrder]
    failure_reason: str | None = None

    @property
    def goods_written_off(self) -> bool:
        """Marked failed with its goods damaged: a loss, so nothing comes back."""
        return self.status == StopStatus.FAILED and self.failure_reason == DAMAGED

    @property
    def due_fen(self) -> int | None:
        dues = [order.due_fen for order in self.orders]
        return None if None in dues else sum(dues)


@dataclass
class PackingList:
    run: DeliveryRun
    stops: list[PackedStop]  # in loading order: the last stop first
    goods: list[Goods]

    @property
    def cash_to_collect_fen(self) -> int | None:
        dues = [stop.due_fen for stop in self.stops]
        return None if None in dues else sum(dues)


@dataclass
class DayPacking:
    outlet: Outlet
    day: date
    plan: DeliveryPlan | None
    products: list[Goods] = field(default_factory=list)
    runs: list[PackingList] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.plan is not None


def published_plan(day: date) -> DeliveryPlan | None:
    return db.session.scalar(
        select(DeliveryPlan).where(
            DeliveryPlan.delivery_date == day, DeliveryPlan.status == PlanStatus.PUBLISHED
        )
    )


def all_outlets() -> list[Outlet]:
    """Every outlet by name, for the county's choice of one."""
    return list(db.session.scalars(select(Outlet).order_by(Outlet.name)))


def published_days(outlet_id: int, limit: int = 30) -> list[date]:
    """The latest published delivery days with a run loading at the outlet, newest first."""
    return list(
        db.session.scalars(
            select(DeliveryPlan.delivery_date)
            .join(DeliveryRun)
            .where(DeliveryRun.outlet_id == outlet_id, DeliveryPlan.status == PlanStatus.PUBLISHED)
            .distinct()
            .order_by(DeliveryPlan.delivery_date.desc())
            .limit(limit)
        )
    )


def stop_packing(stop_id: int) -> tuple[DeliveryStop, PackedStop]:
    """A stop and what its bags hold; ``NotFoundError`` for an unknown stop."""
    stop = db.session.get(DeliveryStop, stop_id)
    if stop is None:
        raise NotFoundError()
    packed = packing_list(stop.run)
    return stop, next(s for s in packed.stops if s.stop_id == stop_id)


def outlet_runs(outlet_id: int | None, plan: DeliveryPlan) -> list[DeliveryRun]:
    """The plan's runs that load at the outlet (every run for None), with what packing
    shows loaded: a fixed number of statements, whatever the number of runs and stops."""
    stops = selectinload(DeliveryRun.stops)
    items = stops.selectinload(DeliveryStop.items)
    statement = select(DeliveryRun).where(DeliveryRun.plan_id == plan.id)
    if outlet_id is not None:
        statement = statement.where(DeliveryRun.outlet_id == outlet_id)
    return list(
        db.session.scalars(
            statement.options(
                selectinload(DeliveryRun.volunteer),
                stops.selectinload(DeliveryStop.household),
                stops.selectinload(DeliveryStop.village).selectinload(Village.township),
                items.selectinload(StopItem.order_line).selectinload(OrderLine.product),
                items.selectinload(StopItem.order)
                .selectinload(Order.lines)
                .selectinload(OrderLine.allocations),
                items.selectinload(StopItem.order).selectinload(Order.household),
                items.selectinload(StopItem.order).selectinload(Order.subsidy_programme),
            ).order_by(DeliveryRun.position, DeliveryRun.id)
        )
    )


def _totals(items: list[StopItem]) -> list[Goods]:
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    products: dict[int, Product] = {}
    for item in items:
        product = item.order_line.product
        quantities[product.id] += item.quantity
        products[product.id] = product
    return [
        Goods(pid, products[pid].name, products[pid].unit, quantities[pid])
        for pid in sorted(quantities, key=lambda pid: (products[pid].name, pid))
    ]


def _place(stop: DeliveryStop, order: Order) -> str:
    village = order.household.village if order.household else stop.village
    return f"{village.township.name}{village.name}{order.household.group_no}组"


def _packed_stop(stop: DeliveryStop, dues: dict[tuple[int, int], int | None]) -> PackedStop:
    by_order: dict[int, list[StopItem]] = defaultdict(list)
    for item in stop.items:
        by_order[item.order_id].append(item)
    orders = []
    for order_id in sorted(by_order):
        order = by_order[order_id][0].order
        orders.append(
            PackedOrder(
                order_id=order_id,
                household=order.household.name,
                place=_place(stop, order),
                goods=_totals(by_order[order_id]),
                due_fen=dues.get((order_id, stop.id)),
                payment=payment_label(order.payment_method),
            )
        )
    label = stop.household.name if stop.household else stop.label
    return PackedStop(stop.id, stop.position + 1, label, stop.status, orders, stop.failure_reason)


def packing_list(run: DeliveryRun) -> PackingList:
    """One run's stops in loading order, each household's goods and what to collect."""
    return packing_lists([run])[0]


def packing_lists(runs: list[DeliveryRun]) -> list[PackingList]:
    """``packing_list`` of each run, the amounts of all their orders read at once."""
    dues = order_stop_dues(stop for run in runs for stop in run.stops)
    return [
        PackingList(
            run,
            [_packed_stop(stop, dues) for stop in reversed(run.stops)],
            _totals([item for stop in run.stops for item in stop.items]),
        )
        for run in runs
    ]


def day_packing(outlet: Outlet, day: date) -> DayPacking:
    """The outlet's pick list and packing lists for ``day`` (empty while no plan for the
    day is published)."""
    plan = published_plan(day)
    if plan is None:
        return DayPacking(outlet, day, None)
    runs = outlet_runs(outlet.id, plan)
    items = [item for run in runs for stop in run.stops for item in stop.items]
    return DayPacking(outlet, day, plan, _totals(items), packing_lists(runs))


@dataclass(frozen=True)
class BagLabel:
    household: str
    place: str
    goods: str
    volunteer: str
    trip: int
    stop_number: int
    due_fen: int | None
    payment: str
    qr_svg: str


def bag_labels(packing: DayPacking, stop_page_url: Callable[[int], str]) -> list[BagLabel]:
    """One label per household and stop, run by run in loading order; the QR code holds
    ``stop_page_url(stop_id)`` (as ``urls.outlet_stop_link_builder`` gives): the stop's
    page for the outlet's staff and the county, behind a sign-in. Not the volunteer's
    own link: the bag goes to the household, and whoever holds that link sees the whole
    run and can mark its stops."""
    labels = []
    for packed_run in packing.runs:
        for stop in packed_run.stops:
            code = qr_svg(stop_page_url(stop.stop_id), scale=2)
            for order in stop.orders:
                labels.append(
                    BagLabel(
                        household=order.household,
                        place=order.place,
                        goods="；".join(goods.text for goods in order.goods),
                        volunteer=packed_run.run.volunteer.name,
                        trip=packed_run.run.trip,
                        stop_number=stop.number,
                        due_fen=order.due_fen,
                        payment=order.payment,
                        qr_svg=code,
                    )
                )
    return labels
