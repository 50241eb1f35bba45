"""Hand-over (交接): the outlet's staff confirm each run as loaded, in full or with the
shortages named; and take back the goods of stops that could not be delivered.

A shortage shows at once on the dispatcher's side (``shortages_for_plan``) with the stops
whose goods are missing, before the volunteer leaves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    GoodsReturn,
    HandoverShortage,
    Outlet,
    PlanStatus,
    Product,
    RunHandover,
    Stock,
    StopStatus,
    User,
)
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.county.settings import county_time
from supply_match.services.delivery.stop_outcomes import DAMAGED, goods_taken_back
from supply_match.services.documents.route_sheets import goods_text, quantity_text
from supply_match.services.errors import NotFoundError, ServiceError
from supply_match.services.outlets.accounts import closing_of
from supply_match.services.outlets.closing import ensure_open, record_late_return
from supply_match.services.supply import stock as ledger
from supply_match.services.unit_of_work import use_case


class HandoverError(ServiceError, ValueError):
    """A hand-over or return that cannot be recorded; ``errors`` by field (product id)."""

    def __init__(self, errors: Mapping[object, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class HandoverConflict(HandoverError):
    """Recorded already: a retried hand-over or return changes nothing."""


class ShortagesToConfirm(Exception):
    """A hand-over with shortages not yet confirmed: a wrong shortage cannot be taken back,
    so the staff are asked first. ``shortages`` are the missing goods in words (product,
    quantity and unit), ``volunteer`` the run's; nothing is written."""

    def __init__(self, volunteer: str, shortages: list[str]):
        self.volunteer = volunteer
        self.shortages = shortages
        super().__init__("、".join(shortages))


def stops_with(run: DeliveryRun, product_id: int) -> list[DeliveryStop]:
    """The run's stops that were to get ``product_id``: those a shortage of it affects."""
    return [
        stop
        for stop in run.stops
        if any(item.order_line.product_id == product_id for item in stop.items)
    ]


def stops_goods(stops: list[DeliveryStop]) -> dict[int, Decimal]:
    """Product id -> the quantity the stops get."""
    goods: dict[int, Decimal] = defaultdict(Decimal)
    for stop in stops:
        for item in stop.items:
            goods[item.order_line.product_id] += item.quantity
    return dict(goods)


def run_goods(run: DeliveryRun) -> dict[int, Decimal]:
    """Product id -> the quantity the run loads."""
    return stops_goods(run.stops)


def handover_of(run_id: int) -> RunHandover | None:
    return db.session.scalar(select(RunHandover).where(RunHandover.run_id == run_id))


def handovers_of(run_ids: list[int]) -> dict[int, RunHandover]:
    """Run id -> its hand-over, for the runs handed over (with their shortages)."""
    rows = db.session.scalars(
        select(RunHandover)
        .where(RunHandover.run_id.in_(run_ids))
        .options(selectinload(RunHandover.shortages).selectinload(HandoverShortage.product))
    )
    return {row.run_id: row for row in rows}


def _run_at(outlet: Outlet, run_id: int) -> DeliveryRun:
    run = db.session.get(DeliveryRun, run_id)
    if run is None:
        raise NotFoundError()
    if run.outlet_id != outlet.id:
        raise HandoverError(
            {"run": _("This run loads at %(outlet)s, not here.", outlet=run.outlet.name)}
        )
    if run.plan.status != PlanStatus.PUBLISHED:
        raise HandoverError({"run": _("The plan for this day is not published.")})
    return run


def _read_shortages(run: DeliveryRun, texts: Mapping[int, object]) -> dict[int, Decimal]:
    goods = run_goods(run)
    missing: dict[int, Decimal] = {}
    errors: dict[object, str] = {}
    for product_id, text in texts.items():
        text = str(text or "").strip()
        if not text:
            continue
        try:
            quantity = Decimal(text)
        except InvalidOperation:
            errors[product_id] = _("Please enter a number.")
            continue
        if (
            not quantity.is_finite()
            or abs(quantity) > 10**9
            or quantity != quantity.quantize(Decimal("0.01"))
        ):
            errors[product_id] = _("Please enter a number.")
        elif product_id not in goods:
            errors[product_id] = _("This run does not load that product.")
        elif quantity < 0 or quantity > goods[product_id]:
            errors[product_id] = _(
                "The shortage is between 0 and the %(quantity)s the run loads.",
                quantity=quantity_text(goods[product_id]),
            )
        elif quantity > 0:
            missing[product_id] = quantity
    if errors:
        raise HandoverError(errors)
    return missing


@use_case
def confirm_handover(
    user: User | None,
    outlet: Outlet,
    run_id: int,
    shortages: Mapping[int, object],
    note: str | None = None,
    *,
    ask_about_shortages: bool = False,
) -> RunHandover:
    """Record that the run was loaded at ``outlet``; ``shortages`` maps product ids to the
    quantity that could not be loaded (blank or 0 for none). With ``ask_about_shortages``
    a hand-over with shortages raises ``ShortagesToConfirm`` instead of being recorded.

    Raises ``HandoverError`` for a run of another outlet or of an unpublished plan, a run
    already handed over (a retried confirmation changes nothing), a closed day, or a
    shortage that is not a number between 0 and what the run loads; ``NotFoundError``
    for an unknown run. Nothing is written on error."""
    run = _run_at(outlet, run_id)
    ensure_open(outlet.id, run.plan.delivery_date)
    existing = handover_of(run.id)
    if existing is not None:
        raise HandoverConflict(
            {
                "run": _(
                    "This run was handed over already, at %(time)s.",
                    time=county_time(existing.confirmed_at).strftime("%H:%M"),
                )
            }
        )
    missing = _read_shortages(run, shortages)
    if missing and ask_about_shortages:
        raise ShortagesToConfirm(run.volunteer.name, _goods_text(missing))
    handover = RunHandover(
        run_id=run.id, confirmed_by=user, note=(note or "").strip()[:200] or None
    )
    for product_id, quantity in sorted(missing.items()):
        handover.shortages.append(HandoverShortage(product_id=product_id, missing=quantity))
    db.session.add(handover)
    db.session.flush()
    audit.record(
        AuditKind.RUN,
        "handed_over",
        record_id=run.id,
        actor=user,
        summary=f"{outlet.name} → {run.volunteer.name}",
        detail={"shortages": {str(k): str(v) for k, v in missing.items()}},
    )
    return handover


def _goods_text(missing: Mapping[int, Decimal]) -> list[str]:
    """Each product's quantity in words: 尿素 1袋."""
    products = {p.id: p for p in db.session.scalars(select(Product).where(Product.id.in_(missing)))}
    return [goods_text(products[pid], quantity) for pid, quantity in sorted(missing.items())]


@dataclass(frozen=True)
class Shortage:
    run: DeliveryRun
    product: str
    unit: str
    missing: Decimal
    stops: list[DeliveryStop]  # the stops that were to get this product


def shortages_for_plan(plan: DeliveryPlan) -> list[Shortage]:
    """Every shortage named at hand-over on the plan's runs, with the stops it affects."""
    rows = db.session.scalars(
        select(HandoverShortage)
        .join(RunHandover)
        .join(DeliveryRun, RunHandover.run_id == DeliveryRun.id)
        .where(DeliveryRun.plan_id == plan.id)
        .order_by(DeliveryRun.position, HandoverShortage.id)
    )
    found = []
    for row in rows:
        run = row.handover.run
        stops = stops_with(run, row.product_id)
        found.append(Shortage(run, row.product.name, row.product.unit, row.missing, stops))
    return found


def _stop_to_return(outlet: Outlet, stop_id: int) -> DeliveryStop:
    stop = db.session.get(DeliveryStop, stop_id)
    if stop is None:
        raise NotFoundError()
    if stop.run.outlet_id != outlet.id:
        raise HandoverError(
            {
                "stop": _(
                    "This stop's run loads at %(outlet)s, not here.", outlet=stop.run.outlet.name
                )
            }
        )
    if stop.status != StopStatus.FAILED:
        raise HandoverError({"stop": _("Only the goods of a stop not delivered come back.")})
    if stop.failure_reason == DAMAGED:
        # Written off the stock as a loss when the stop was marked: counting them back in
        # would have the shelf hold goods the ledger says are gone.
        raise HandoverError(
            {"stop": _("These goods were written off as damaged: they do not come back.")}
        )
    if goods_taken_back(stop):
        raise HandoverConflict({"stop": _("These goods were taken back already.")})
    return stop


@dataclass(frozen=True)
class ReturnQuestion:
    """What the staff are asked before a failed stop's goods count as back."""

    stop_id: int
    number: int  # as the volunteer counts: 1 is the first stop
    label: str
    volunteer: str
    day: date
    goods: list[str]  # product, quantity and unit, in words
    closed: bool  # the day's accounts are closed: the return corrects them


def return_to_confirm(outlet: Outlet, stop_id: int) -> ReturnQuestion:
    """The question before ``confirm_return``; raises as it does, and writes nothing."""
    stop = _stop_to_return(outlet, stop_id)
    day = stop.run.plan.delivery_date
    goods = stops_goods([stop])
    return ReturnQuestion(
        stop_id=stop.id,
        number=stop.position + 1,
        label=stop.label,
        volunteer=stop.run.volunteer.name,
        day=day,
        goods=_goods_text(goods),
        closed=closing_of(outlet.id, day) is not None,
    )


@use_case
def confirm_return(user: User | None, outlet: Outlet, stop_id: int) -> GoodsReturn:
    """Record that a failed stop's goods are back at ``outlet``, with their ledger rows.
    On a closed day the return is recorded too (the goods are on the shelf whatever the
    accounts say) and the closed figures change by a ``returned`` correction per product.

    Raises ``HandoverError`` for a stop of another outlet's run, one not marked failed or
    one whose goods were written off as damaged, ``HandoverConflict`` for goods already
    taken back; ``NotFoundError`` for an unknown stop."""
    stop = _stop_to_return(outlet, stop_id)
    goods_return = GoodsReturn(stop_id=stop.id, confirmed_by_id=user.id if user else None)
    db.session.add(goods_return)
    for item in stop.items:
        stock_row = db.session.scalar(
            select(Stock).where(
                Stock.outlet_id == outlet.id, Stock.product_id == item.order_line.product_id
            )
        )
        if stock_row is not None:
            ledger.goods_returned(stock_row, item.quantity, item.order_line, user)
    closed = closing_of(outlet.id, stop.run.plan.delivery_date)
    if closed is not None:
        record_late_return(user, closed, stops_goods([stop]), stop.position + 1)
    db.session.flush()
    audit.record(
        AuditKind.STOCK,
        "goods_returned",
        record_id=stop.id,
        actor=user,
        summary=f"{outlet.name} ← {stop.label}",
        detail={"outlet_id": outlet.id, "stop_id": stop.id},
    )
    return goods_return
