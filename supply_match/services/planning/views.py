"""What the dispatcher's plan pages show: a day's candidates before planning, and a plan's
runs, map, unassigned orders and progress after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from supply_match import labels
from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    Household,
    Order,
    OrderLine,
    PlanChange,
    PlanningJob,
    PlanStatus,
    StopItem,
    Township,
    UnassignedOrder,
    Village,
    Volunteer,
)
from supply_match.services import scope
from supply_match.services.delivery import phone_updates as delivery
from supply_match.services.documents import svg_map
from supply_match.services.planning.distances import road_network_loaded
from supply_match.services.planning.loading import eligible_orders, volunteers_on_duty
from supply_match.services.planning.reasons import unassigned_reason_text
from supply_match.services.supply.matching import delivery_point_of


@dataclass
class DayCandidates:
    day: date
    orders: list[Order]
    volunteers: list[Volunteer]

    @property
    def weight_kg(self) -> Decimal:
        return sum((o.total_weight_kg for o in self.orders), Decimal(0))

    @property
    def payload_kg(self) -> int:
        return sum(v.payload_kg for v in self.volunteers)


def candidates(day: date) -> DayCandidates:
    """What can be planned for ``day``: its eligible orders and the volunteers on duty."""
    return DayCandidates(day, eligible_orders(day), volunteers_on_duty(day))


def plan_for(day: date) -> DeliveryPlan | None:
    """The plan of ``day``, or None before it is planned; its runs, their volunteers,
    outlets, stops (with their villages) and stop items, the orders left off (household,
    village, township, lines and products, which the reasons and "partly planned" name)
    and the changes with their users, loaded in a fixed number of queries: the pages walk
    all of them, and loading them one run or stop at a time cost hundreds of queries."""
    runs = selectinload(DeliveryPlan.runs)
    stops = runs.selectinload(DeliveryRun.stops)
    left_off = selectinload(DeliveryPlan.unassigned).selectinload(UnassignedOrder.order)
    return db.session.scalar(
        select(DeliveryPlan)
        .where(DeliveryPlan.delivery_date == day)
        .options(
            # What a run, stop, order or line has one of is joined into its query.
            runs.joinedload(DeliveryRun.volunteer),
            runs.joinedload(DeliveryRun.outlet),
            stops.selectinload(DeliveryStop.items),
            stops.joinedload(DeliveryStop.village),
            left_off.joinedload(Order.household)
            .joinedload(Household.village)
            .joinedload(Village.township),
            left_off.selectinload(Order.lines).joinedload(OrderLine.product),
            selectinload(DeliveryPlan.changes).joinedload(PlanChange.user),
        )
    )


def sheets_plan_for(day: date) -> DeliveryPlan | None:
    """The plan of ``day`` alone: the route sheets load what they show themselves
    (``route_sheets.load_for_sheets``), and the plan page's loads (orders left off,
    changes) were a third of every PDF request."""
    return db.session.scalar(select(DeliveryPlan).where(DeliveryPlan.delivery_date == day))


def board_plan_for(day: date) -> DeliveryPlan | None:
    """The plan of ``day`` with what the live board's table reads, and no more: runs with
    their volunteers and stops (statuses). It refreshes every 30 seconds on every
    dispatcher's screen: the plan page's villages, products and changes, then the orders
    left off (for figures the board does not show) were most of its time."""
    runs = selectinload(DeliveryPlan.runs)
    return db.session.scalar(
        select(DeliveryPlan)
        .where(DeliveryPlan.delivery_date == day)
        .options(runs.joinedload(DeliveryRun.volunteer), runs.selectinload(DeliveryRun.stops))
    )


def board_map_plan_for(day: date) -> DeliveryPlan | None:
    """The plan of ``day`` with what the board's map draws: runs with their volunteers,
    outlets and stops (an outlet loaded run by run cost a query per outlet)."""
    runs = selectinload(DeliveryPlan.runs)
    return db.session.scalar(
        select(DeliveryPlan)
        .where(DeliveryPlan.delivery_date == day)
        .options(
            runs.joinedload(DeliveryRun.volunteer),
            runs.joinedload(DeliveryRun.outlet),
            runs.selectinload(DeliveryRun.stops),
        )
    )


@dataclass
class RecentPlan:
    plan: DeliveryPlan
    runs: int
    stops: int
    unassigned: int


def recent_plans(limit: int = 60) -> list[RecentPlan]:
    """The ``limit`` latest-dated plans, newest day first, with their runs, stops and
    orders left off counted in the database: loading every run and stop of 60 days to
    count them would be some 12,000 objects a visit in a busy season."""
    plans = list(
        db.session.scalars(
            select(DeliveryPlan).order_by(DeliveryPlan.delivery_date.desc()).limit(limit)
        )
    )
    ids = [plan.id for plan in plans]
    runs = _counts_by_plan(select(DeliveryRun.plan_id, func.count()), DeliveryRun.plan_id, ids)
    stops = _counts_by_plan(
        select(DeliveryRun.plan_id, func.count()).join(
            DeliveryStop, DeliveryStop.run_id == DeliveryRun.id
        ),
        DeliveryRun.plan_id,
        ids,
    )
    unassigned = _counts_by_plan(
        select(UnassignedOrder.plan_id, func.count()), UnassignedOrder.plan_id, ids
    )
    return [
        RecentPlan(plan, runs.get(plan.id, 0), stops.get(plan.id, 0), unassigned.get(plan.id, 0))
        for plan in plans
    ]


def _counts_by_plan(statement, plan_id, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(db.session.execute(statement.where(plan_id.in_(ids)).group_by(plan_id)).all())


def latest_job(day: date) -> PlanningJob | None:
    """The newest planning job of ``day``, finished or not; None if it never had one."""
    return db.session.scalar(
        select(PlanningJob)
        .where(PlanningJob.delivery_date == day)
        .order_by(PlanningJob.id.desc())
        .limit(1)
    )


def move_choices(plan: DeliveryPlan) -> dict[int, list[tuple[int, str]]]:
    """Outlet id -> (run id, name) of each run loading there: where a stop of that outlet
    can move. Made once a page; each run's move form lists its outlet's runs."""
    choices: dict[int, list[tuple[int, str]]] = {}
    for run in plan.runs:
        choices.setdefault(run.outlet_id, []).append((run.id, labels.run_name(run)))
    return choices


def run_colours(plan: DeliveryPlan) -> dict[int, int]:
    """Run id -> colour index; runs whose stops are near one another differ."""
    indices = svg_map.colour_indices([[(s.lat, s.lon) for s in run.stops] for run in plan.runs])
    return {run.id: index for run, index in zip(plan.runs, indices, strict=True)}


def plan_map(plan: DeliveryPlan, width: int = 900, height: int = 560) -> str:
    """An SVG map (``width`` x ``height`` pixels) of every run (each its own group, to be
    highlighted), outlet, unassigned order, and the townships' names."""
    layer = svg_map.MapLayer()
    outlets = {}
    colours = run_colours(plan)
    for run in plan.runs:
        outlets[run.outlet.id] = run.outlet
        points = [(run.outlet.lat, run.outlet.lon)] + [(s.lat, s.lon) for s in run.stops]
        layer.runs.append(
            svg_map.MapRun(
                svg_map.run_colour(colours[run.id]),
                points,
                [s.label for s in run.stops],
                key=f"run-{run.id}",
            )
        )
    layer.outlets = [(o.lat, o.lon, o.name) for o in outlets.values()]
    layer.places = [(t.lat, t.lon, t.name) for t in db.session.scalars(select(Township))]
    for missing in plan.unassigned:
        lat, lon = delivery_point_of(missing.order)
        layer.unassigned.append(
            (
                lat,
                lon,
                _(
                    "%(name)s: %(reason)s",
                    name=missing.order.household.name,
                    reason=unassigned_reason_text(missing.reason, missing.order),
                ),
            )
        )
    return svg_map.render(
        layer, width, height, title=_("Delivery plan %(day)s", day=plan.delivery_date)
    )


def _orders_on_runs(plan: DeliveryPlan) -> int:
    """How many orders the plan's runs carry, counted by the database: the board has no
    stop items loaded, and loading them to count was most of its time."""
    return db.session.scalar(
        select(func.count(func.distinct(StopItem.order_id)))
        .join(DeliveryStop, StopItem.stop_id == DeliveryStop.id)
        .join(DeliveryRun, DeliveryStop.run_id == DeliveryRun.id)
        .where(DeliveryRun.plan_id == plan.id)
    )


def summary(plan: DeliveryPlan) -> dict[str, object]:
    """The plan's figures: runs, stops, orders, load (kg), distance (km) and whether it is a
    straight-line estimate, unassigned by reason."""
    stops = sum(len(run.stops) for run in plan.runs)
    weight = sum((run.load_kg for run in plan.runs), Decimal(0))
    reasons: dict[str, int] = {}
    for missing in plan.unassigned:
        text = unassigned_reason_text(missing.reason, missing.order)
        reasons[text] = reasons.get(text, 0) + 1
    return {
        "runs": len(plan.runs),
        "stops": stops,
        "weight_kg": weight,
        "distance_km": round(sum(run.distance_m for run in plan.runs) / 1000, 1),
        # Straight lines times a circuity factor until the county's roads are loaded.
        "distances_estimated": not road_network_loaded(),
        "circuity": (plan.settings or {}).get("circuity", 1.4),
        "unassigned": len(plan.unassigned),
        "unassigned_reasons": reasons,
        "orders": _orders_on_runs(plan),
    }


def board(plan: DeliveryPlan) -> list[dict[str, object]]:
    """One row per run, in the plan's order, with its colour and delivery progress."""
    figures = delivery.progress_by_run(plan)
    colours = run_colours(plan)
    rows = []
    for run in plan.runs:
        row = {
            "run": run,
            "colour": svg_map.run_colour(colours[run.id]),
            "colour_index": colours[run.id],
            **figures[run.id],
        }
        rows.append(row)
    return rows


def all_volunteers() -> list[Volunteer]:
    """Every volunteer, active or not, by township then id."""
    return list(db.session.scalars(select(Volunteer).order_by(Volunteer.township_id, Volunteer.id)))


@dataclass
class OrderProgress:
    order: Order
    day: date
    volunteer: str
    volunteer_mobile: str
    stop_status: str
    failure_reason: str


def village_progress(user, limit_days: int = 14) -> list[OrderProgress]:
    """The user's villages' orders on published runs, newest day first: for cadres, the
    same progress the dispatcher's board shows, order by order."""
    # The rows are plain columns, and the orders (with household and village) come in one
    # more query: loading each row's item, stop and plan as objects was half the page.
    statement = (
        select(
            StopItem.order_id,
            DeliveryStop.id,
            DeliveryStop.status,
            DeliveryStop.failure_reason,
            DeliveryPlan.delivery_date,
            Volunteer.name,
            Volunteer.mobile,
        )
        .join(DeliveryStop, StopItem.stop_id == DeliveryStop.id)
        .join(DeliveryRun, DeliveryStop.run_id == DeliveryRun.id)
        .join(DeliveryPlan, DeliveryRun.plan_id == DeliveryPlan.id)
        .join(Volunteer, DeliveryRun.volunteer_id == Volunteer.id)
        .join(Order, StopItem.order_id == Order.id)
        .join(Household, Order.household_id == Household.id)
        .where(DeliveryPlan.status == PlanStatus.PUBLISHED)
        .order_by(DeliveryPlan.delivery_date.desc(), DeliveryRun.id, DeliveryStop.position)
    )
    villages = scope.village_ids_for(user)
    if villages is not None:
        statement = statement.where(Household.village_id.in_(villages or {-1}))
    shown = []
    seen: set[tuple[int, int]] = set()
    days: set[date] = set()
    for (
        order_id,
        stop_id,
        status,
        reason,
        day,
        volunteer_name,
        volunteer_mobile,
    ) in db.session.execute(statement):
        if (order_id, stop_id) in seen:
            continue
        days.add(day)
        if len(days) > limit_days:
            break
        seen.add((order_id, stop_id))
        shown.append((order_id, day, volunteer_name, volunteer_mobile, status, reason))
    if not shown:
        return []
    orders = {
        order.id: order
        for order in db.session.scalars(
            select(Order)
            .where(Order.id.in_({row[0] for row in shown}))
            .options(joinedload(Order.household).joinedload(Household.village))
        )
    }
    rows = [
        OrderProgress(
            order=orders[order_id],
            day=day,
            volunteer=volunteer_name,
            volunteer_mobile=volunteer_mobile,
            stop_status=status,
            failure_reason=delivery.failure_reason_text(reason),
        )
        for order_id, day, volunteer_name, volunteer_mobile, status, reason in shown
    ]
    return rows
