"""The day's accounts of one outlet (日结): goods out, delivered and back; per volunteer
the money due, received in cash and by transfer, and the cash to hand in; subsidies to
claim by programme. All money in integer fen; quantities as decimal text.

The figures are a plain dict of ints and strings, so that a closing can keep them as they
stood (``closing.close_day``) and the API can send them unchanged.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import (
    DayClosing,
    DayCorrection,
    GoodsReturn,
    Outlet,
    PaidBy,
    PaymentMethod,
    RunHandover,
    StopPayment,
    StopStatus,
)
from supply_match.services.county import settings
from supply_match.services.documents.route_sheets import quantity_text
from supply_match.services.outlets.packing import outlet_runs, published_plan
from supply_match.services.supply.amounts import amounts_for

# "lost": goods out that neither reached the household nor came back (damaged, missing);
# only corrections of a closed day write it here so far.
GOODS_FIGURES = ("planned", "short", "out", "delivered", "failed", "returned", "lost", "pending")


def county_moment(moment: datetime) -> str:
    """A stored (naive UTC) moment as the county's time with its offset, to the second
    (``2020-03-03T18:20:00+08:00``): what the page and the sheet show, what the API sends."""
    zone = ZoneInfo(settings.current().time_zone)
    return moment.replace(tzinfo=UTC).astimezone(zone).isoformat(timespec="seconds")


def shown_moment(text: str) -> str:
    """``county_moment``'s text as a person reads it: ``2020-03-03 18:20``."""
    return text[:16].replace("T", " ")


def closing_of(outlet_id: int, day: date) -> DayClosing | None:
    return db.session.scalar(
        select(DayClosing).where(DayClosing.outlet_id == outlet_id, DayClosing.day == day)
    )


def live_figures(outlet: Outlet, day: date) -> dict[str, Any]:
    """The day's figures as the records stand now."""
    plan = published_plan(day)
    runs = outlet_runs(outlet.id, plan) if plan is not None else []
    stops = [stop for run in runs for stop in run.stops]
    stop_ids = [stop.id for stop in stops]
    handovers = {
        h.run_id: h
        for h in db.session.scalars(
            select(RunHandover).where(RunHandover.run_id.in_([run.id for run in runs]))
        )
    }
    returned = set(
        db.session.scalars(select(GoodsReturn.stop_id).where(GoodsReturn.stop_id.in_(stop_ids)))
    )
    payments = {
        p.stop_id: p
        for p in db.session.scalars(select(StopPayment).where(StopPayment.stop_id.in_(stop_ids)))
    }

    goods: dict[int, dict[str, Any]] = {}

    def row(product) -> dict[str, Any]:
        if product.id not in goods:
            goods[product.id] = {"product_id": product.id, "product": product.name}
            goods[product.id].update({"unit": product.unit})
            goods[product.id].update({key: Decimal(0) for key in GOODS_FIGURES})
        return goods[product.id]

    for run in runs:
        handover = handovers.get(run.id)
        for stop in run.stops:
            for item in stop.items:
                figures = row(item.order_line.product)
                figures["planned"] += item.quantity
                key = {StopStatus.DELIVERED: "delivered", StopStatus.FAILED: "failed"}.get(
                    stop.status, "pending"
                )
                figures[key] += item.quantity
                if stop.status == StopStatus.FAILED and stop.id in returned:
                    figures["returned"] += item.quantity
        for shortage in handover.shortages if handover else ():
            row(shortage.product)["short"] += shortage.missing
    for figures in goods.values():
        figures["out"] = figures["planned"] - figures["short"]

    volunteers: dict[int, dict[str, Any]] = {}
    for run in runs:
        person = volunteers.setdefault(
            run.volunteer_id,
            {
                "volunteer_id": run.volunteer_id,
                "name": run.volunteer.name,
                "due_fen": 0,
                "cash_fen": 0,
                "transfer_fen": 0,
                "difference_fen": 0,
                "unpriced_fen": 0,
                "corrections_fen": 0,
            },
        )
        for stop in run.stops:
            payment = payments.get(stop.id)
            if stop.status != StopStatus.DELIVERED or payment is None:
                continue
            way = "cash_fen" if payment.paid_by == PaidBy.CASH else "transfer_fen"
            person[way] += payment.received_fen
            if payment.due_fen is None:
                # A price was missing: what came in is counted apart, not as a difference.
                person["unpriced_fen"] += payment.received_fen
                continue
            person["due_fen"] += payment.due_fen
            person["difference_fen"] += payment.received_fen - payment.due_fen

    delivered_orders = {
        item.order_id: item.order
        for stop in stops
        if stop.status == StopStatus.DELIVERED
        for item in stop.items
    }
    amounts = amounts_for(delivered_orders.values())
    money = {"orders_fen": 0, "prepaid_fen": 0, "subsidy_fen": 0, "on_delivery_fen": 0}
    money["unpriced_orders"] = 0
    subsidies: dict[int, dict[str, Any]] = {}
    for order_id, order in sorted(delivered_orders.items()):
        amount = amounts[order_id]
        if amount.total_fen is None:
            money["unpriced_orders"] += 1
            continue
        money["orders_fen"] += amount.total_fen
        if order.payment_method == PaymentMethod.PREPAID:
            money["prepaid_fen"] += amount.total_fen
            continue
        money["on_delivery_fen"] += amount.due_fen
        if order.payment_method == PaymentMethod.SUBSIDY:
            programme = order.subsidy_programme
            claim = subsidies.setdefault(
                programme.id,
                {
                    "programme_id": programme.id,
                    "programme": programme.name,
                    "share_percent": programme.share_percent,
                    "orders": 0,
                    "claim_fen": 0,
                },
            )
            claim["orders"] += 1
            claim["claim_fen"] += amount.subsidy_fen
            money["subsidy_fen"] += amount.subsidy_fen
    people = sorted(volunteers.values(), key=lambda v: (v["name"], v["volunteer_id"]))
    for key in ("due_fen", "cash_fen", "transfer_fen", "difference_fen", "unpriced_fen"):
        money[key] = sum(person[key] for person in people)
    return {
        "outlet": {"id": outlet.id, "name": outlet.name},
        "day": day.isoformat(),
        "published": plan is not None,
        "runs": len(runs),
        "runs_handed_over": sum(1 for run in runs if run.id in handovers),
        "stops_pending": sum(1 for stop in stops if stop.status == StopStatus.PENDING),
        "goods": [
            {key: quantity_text(v) if isinstance(v, Decimal) else v for key, v in g.items()}
            for g in sorted(goods.values(), key=lambda g: (g["product"], g["product_id"]))
        ],
        "volunteers": people,
        "money": money,
        "subsidies": sorted(subsidies.values(), key=lambda s: s["programme"]),
    }


def _with_corrections(figures: dict[str, Any], closing: DayClosing) -> dict[str, Any]:
    figures = {**figures, "money": dict(figures["money"])}
    people = {p["volunteer_id"]: dict(p) for p in figures["volunteers"]}
    goods = {g["product_id"]: dict(g) for g in figures["goods"]}
    total = 0
    for correction in closing.corrections:
        if correction.amount_fen is None:
            _correct_goods(goods, correction)
            continue
        total += correction.amount_fen
        if correction.volunteer_id in people:
            people[correction.volunteer_id]["corrections_fen"] += correction.amount_fen
    figures["volunteers"] = list(people.values())
    figures["goods"] = list(goods.values())
    figures["money"]["corrections_fen"] = total
    figures["corrections"] = [correction_json(c) for c in closing.corrections]
    return figures


def _correct_goods(goods: dict[int, dict[str, Any]], correction: DayCorrection) -> None:
    """Add a goods correction to its product's row (figures kept as decimal text)."""
    row = goods.get(correction.product_id)
    if row is None:
        product = correction.product
        row = {"product_id": product.id, "product": product.name, "unit": product.unit}
        row |= dict.fromkeys(GOODS_FIGURES, "0")
        goods[product.id] = row
    before = Decimal(row.get(correction.figure) or 0)
    row[correction.figure] = quantity_text(before + correction.quantity)


def correction_json(correction: DayCorrection) -> dict[str, Any]:
    """A correction as the accounts list it: money (``amount_fen``) or goods
    (``product_id``, ``figure``, ``quantity`` as decimal text)."""
    goods = correction.amount_fen is None
    return {
        "id": correction.id,
        "kind": "goods" if goods else "money",
        "volunteer_id": correction.volunteer_id,
        "amount_fen": correction.amount_fen,
        "product_id": correction.product_id,
        "product": correction.product.name if goods else None,
        "unit": correction.product.unit if goods else None,
        "figure": correction.figure,
        "quantity": quantity_text(correction.quantity) if goods else None,
        "note": correction.note,
        "by": correction.created_by.display_name if correction.created_by else None,
        "at": county_moment(correction.created_at),
    }


def day_accounts(outlet: Outlet, day: date) -> dict[str, Any]:
    """The outlet's accounts for ``day``: as closed (with the corrections since) once the
    day is closed, as the records stand until then.

    Per volunteer, ``cash_to_hand_in_fen`` is the cash received plus their corrections;
    ``balanced`` says that what was due at the door equals what was received less the
    explained differences, to the fen."""
    closing = closing_of(outlet.id, day)
    if closing is None:
        figures = live_figures(outlet, day)
        figures["money"]["corrections_fen"] = 0
        figures["corrections"] = []
        figures["closed"] = None
    else:
        figures = _with_corrections(closing.figures, closing)
        figures["closed"] = {
            "at": county_moment(closing.closed_at),
            "by": closing.closed_by.display_name if closing.closed_by else None,
        }
    for person in figures["volunteers"]:
        person["received_fen"] = person["cash_fen"] + person["transfer_fen"]
        person["cash_to_hand_in_fen"] = person["cash_fen"] + person["corrections_fen"]
    money = figures["money"]
    money["cash_to_hand_in_fen"] = money["cash_fen"] + money["corrections_fen"]
    money["balanced"] = (
        money["due_fen"] + money["difference_fen"] + money["unpriced_fen"]
        == money["cash_fen"] + money["transfer_fen"]
    )
    return figures


def volunteers_of_day(outlet: Outlet, day: date) -> dict[int, str]:
    """Volunteer id -> name, for the volunteers who loaded at the outlet on ``day``."""
    plan = published_plan(day)
    runs = outlet_runs(outlet.id, plan) if plan is not None else []
    return {run.volunteer_id: run.volunteer.name for run in runs}


def returned_stop_ids(outlet: Outlet, day: date) -> set[int]:
    """The failed stops of the outlet's day whose goods were taken back."""
    plan = published_plan(day)
    runs = outlet_runs(outlet.id, plan) if plan is not None else []
    stop_ids = [stop.id for run in runs for stop in run.stops]
    return set(
        db.session.scalars(select(GoodsReturn.stop_id).where(GoodsReturn.stop_id.in_(stop_ids)))
    )
