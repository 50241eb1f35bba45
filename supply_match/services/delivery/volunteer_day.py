"""What a volunteer's phone shows: their published runs, stop by stop, with navigation
links for the map apps Chinese phones have (coordinates converted to each app's datum)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload

from supply_match import geo
from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    PlanStatus,
    RunStatus,
    StopItem,
    Village,
    Volunteer,
)
from supply_match.services.delivery.corrections import correction_shown
from supply_match.services.delivery.phone_updates import FAILURE_REASONS, failure_reason_text
from supply_match.services.delivery.stop_outcomes import NOTE_REQUIRED
from supply_match.services.documents.route_sheets import clock, goods_text, quantity_text
from supply_match.services.intake.payments import payment_label
from supply_match.services.supply.amounts import joined_pricing_loads, order_stop_dues
from supply_match.services.supply.money import yuan

# Who opens Baidu's map, as its URI API asks every caller to say.
BAIDU_SOURCE = "webapp.supply_match.volunteer"


def navigation_links(
    lat: float, lon: float, name: str, origin: tuple[float, float, str] | None = None
) -> dict[str, str]:
    """Links that open a map app on the way to a place.

    Amap wants GCJ-02, Baidu BD-09, and the phone's own map app (geo: URI) WGS-84. Amap's
    link asks for driving directions; without a start it plans from where the phone is.
    Baidu's web page cannot locate the phone and needs a start: given ``origin`` (the
    stop before, or the outlet for the first stop; the page puts the phone's own position
    there when it knows it), its link asks for directions from there, else it shows the
    place's marker."""
    g_lat, g_lon = geo.wgs84_to_gcj02(lat, lon)
    b_lat, b_lon = geo.wgs84_to_bd09(lat, lon)
    label = quote(name)
    if origin is None:
        baidu = (
            f"https://api.map.baidu.com/marker?location={b_lat:.6f},{b_lon:.6f}&title={label}"
            f"&content={label}&output=html&coord_type=bd09ll&src={BAIDU_SOURCE}"
        )
    else:
        o_lat, o_lon = geo.wgs84_to_bd09(origin[0], origin[1])
        baidu = (
            "https://api.map.baidu.com/direction"
            f"?origin={quote(f'latlng:{o_lat:.6f},{o_lon:.6f}|name:{origin[2]}')}"
            f"&destination={quote(f'latlng:{b_lat:.6f},{b_lon:.6f}|name:{name}')}"
            f"&mode=driving&output=html&coord_type=bd09ll&src={BAIDU_SOURCE}"
        )
    return {
        "amap": (
            f"https://uri.amap.com/navigation?to={g_lon:.6f},{g_lat:.6f},{label}"
            "&mode=car&policy=1&src=supply_match&coordinate=gaode&callnative=1"
        ),
        "baidu": baidu,
        "geo": f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}({label})",
    }


def runs_for(volunteer: Volunteer, today: date) -> list[DeliveryRun]:
    """Published runs that are today's or later, or still unfinished, with everything the
    phone shows of them in one query (the phone asks every few seconds). A volunteer's
    runs are a few, of a few dozen stops: joining stops, items, orders and their lines
    gives a few hundred rows at most, and one statement instead of nine was half the
    phone's time, since SQLAlchemy's work per statement outweighs its work per row."""
    stops = joinedload(DeliveryRun.stops)
    order = stops.joinedload(DeliveryStop.items).joinedload(StopItem.order)
    statement = (
        select(DeliveryRun)
        .join(DeliveryPlan)
        .where(
            DeliveryRun.volunteer_id == volunteer.id,
            DeliveryPlan.status == PlanStatus.PUBLISHED,
            or_(DeliveryPlan.delivery_date >= today, DeliveryRun.status != RunStatus.FINISHED),
        )
        .order_by(DeliveryPlan.delivery_date, DeliveryRun.id)
        .options(
            contains_eager(DeliveryRun.plan),
            joinedload(DeliveryRun.outlet),
            stops.joinedload(DeliveryStop.household),
            stops.joinedload(DeliveryStop.village).joinedload(Village.township),
            # Each item's order line is one of its order's lines, loaded here with their
            # products: ``item.order_line`` is then found in the session, not queried.
            *joined_pricing_loads(order),
        )
    )
    return list(db.session.scalars(statement).unique())


def _sum_or_none(amounts) -> int | None:
    amounts = list(amounts)
    return None if None in amounts else sum(amounts)


def _stop_money(stop, dues: dict[tuple[int, int], int | None]) -> dict:
    """What to collect at the stop and how the households pay, for the phone."""
    order_ids = sorted({item.order_id for item in stop.items})
    due = _sum_or_none(dues.get((order_id, stop.id)) for order_id in order_ids)
    ways = sorted({item.order.payment_method for item in stop.items})
    return {
        "due_fen": due,
        "due": yuan(due),
        "payment": "、".join(payment_label(way) for way in ways),
    }


def _stop_data(
    stop, dues: dict, load: dict[tuple[str, str], object], origin: tuple[float, float, str]
) -> dict:
    """One stop as the phone shows it, with directions from ``origin`` (the place before
    it on the run); its goods are added to the run's ``load``."""
    items = []
    for item in stop.items:
        product = item.order_line.product
        key = (product.name, product.unit)
        load[key] = load.get(key, 0) + item.quantity
        items.append(goods_text(product, item.quantity))
    household = stop.household
    place = f"{stop.village.township.name}{stop.village.name}"
    if household is not None:
        place = _("%(place)s, group %(group)s", place=place, group=household.group_no)
    name = household.name if household is not None else stop.label
    return {
        "id": stop.id,
        "position": stop.position + 1,
        "name": name,
        "mobile": household.mobile if household is not None else "",
        "place": place,
        "collection_point": stop.label if household is None else "",
        "items": items,
        "weight_kg": float(stop.weight_kg),
        "arrival": clock(stop.arrival_s),
        "status": stop.status,
        "failure_reason": failure_reason_text(stop.failure_reason),
        "lat": stop.lat,
        "lon": stop.lon,
        "navigation": navigation_links(stop.lat, stop.lon, name, origin),
        "correction": correction_shown(stop),
        **_stop_money(stop, dues),
    }


def _run_data(run: DeliveryRun, dues: dict) -> dict:
    load: dict[tuple[str, str], object] = {}
    outlet = run.outlet
    stops, origin = [], (outlet.lat, outlet.lon, outlet.name)
    for stop in run.stops:
        stops.append(_stop_data(stop, dues, load, origin))
        origin = (stop.lat, stop.lon, stops[-1]["name"])
    return {
        "id": run.id,
        "date": run.plan.delivery_date.isoformat(),
        "trip": run.trip,
        "plan_version": run.plan.version,
        # What the last change to the day added to or took from this run.
        "notice": run.notice if run.notice else None,
        "status": run.status,
        "start": clock(run.start_s),
        "end": clock(run.end_s),
        "distance_km": round(run.distance_m / 1000, 1),
        "outlet": {
            "name": outlet.name,
            "address": outlet.address,
            "lat": outlet.lat,
            "lon": outlet.lon,
            "navigation": navigation_links(outlet.lat, outlet.lon, outlet.name),
        },
        "load": [
            {"product": name, "unit": unit, "quantity": quantity_text(quantity)}
            for (name, unit), quantity in sorted(load.items())
        ],
        "stops": stops,
        "cash_to_collect_fen": _sum_or_none(stop["due_fen"] for stop in stops),
    }


def day_data(volunteer: Volunteer, today: date) -> dict:
    """The phone page's data (JSON-ready): the volunteer's runs with load, stops, items,
    navigation links and each stop's state; times as ``HH:MM``, weights in kg."""
    planned = runs_for(volunteer, today)
    # Every run's prices read at once (run by run it was a query per run), and an order
    # split over two runs is collected once, in proportion, not in full on each.
    dues = order_stop_dues(stop for run in planned for stop in run.stops)
    return {
        "volunteer": {"name": volunteer.name},
        "today": today.isoformat(),
        "runs": [_run_data(run, dues) for run in planned],
        "failure_reasons": {code: str(label) for code, label in FAILURE_REASONS.items()},
        "note_required_reasons": sorted(NOTE_REQUIRED),
    }
