"""What a dispatcher could hand out: plan quality on the demo's three busiest days.

    .venv/bin/python -m benchmarks.plan_quality [--time-limit 20] [--mode both|before|after]
        [--days apart|in-turn] [--pesticide-with-seed]

Seeds the Pengshui demo into a throwaway SQLite database, runs matching, and plans each of
the three dates with the most allocated orders wanting delivery (the solver's checker
re-verifies every plan). Two ways:

* ``before``: as planning was before service areas: only the 40 county-wide volunteers,
  each free to deliver anywhere (given the whole county as their area);
* ``after``: every volunteer on duty, the township party members included, each within
  their own service area.

Two ways to reach those days (``--days``):

* ``apart`` (the default): each of the three days is planned from the same state, right
  after matching, as if nothing had been delivered before it: every order still wanting
  the day is open, so whatever waited on earlier days is due on it. The worst case.
* ``in-turn``: as a county runs its spring: every date from the first wanted date to the
  last of the three days is planned, published, and each stop marked delivered by the
  dispatcher before the next date is planned. What waited on one day (pesticide next to
  seed, goods at another outlet) goes on a later one. Figures are printed for the three
  days.

Prints per day and mode: runs, total km, km per stop, runs over their vehicle's range (an
electric tricycle's trips of a day count against one charge), stops outside their
volunteer's area, households visited more than once that day (of them: explained on the
plan page because their goods could not wait, one order split by the solver into parts,
unexplained, and the causes of each), stops served, orders with goods on runs, and orders left off wholly or in
part by reason (``waits_*``: left for another day so that the household is visited once).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from supply_match import create_app
from supply_match.demo import build_demo
from supply_match.extensions import db
from supply_match.models import DeliveryPlan, Order, OrderStatus, Role, Township, User, Volunteer
from supply_match.services.delivery.corrections import correct_stop
from supply_match.services.intake import visit_notes
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.planning.vehicles import range_m, recharged_between_trips
from supply_match.services.supply.matching import run_matching

COUNTY_WIDE_VOLUNTEERS = 40  # the demo builder's first volunteers (``VOLUNTEERS``)


def busiest_days(count: int = 3) -> list[tuple[date, int]]:
    """The ``count`` dates with most allocated orders wanting them, busiest first."""
    orders = db.session.scalars(select(Order).where(Order.status == OrderStatus.ALLOCATED))
    wanting: Counter[date] = Counter()
    for order in orders:
        day = order.wanted_from
        while day <= order.wanted_to:
            wanting[day] += 1
            day += timedelta(days=1)
    return wanting.most_common(count)


def _over_range(plan: DeliveryPlan) -> int:
    """Runs longer than their vehicle goes; a vehicle not topped up between trips (an
    electric tricycle) counts its day's trips against one charge."""
    over = sum(1 for run in plan.runs if run.distance_m > range_m(run.volunteer))
    by_volunteer: dict[int, list] = defaultdict(list)
    for run in plan.runs:
        by_volunteer[run.volunteer_id].append(run)
    for runs in by_volunteer.values():
        volunteer = runs[0].volunteer
        if len(runs) > 1 and not recharged_between_trips(volunteer.vehicle_type):
            over += sum(r.distance_m for r in runs) > range_m(volunteer)
    return over


def _outside(plan: DeliveryPlan, home_townships_only: bool) -> int:
    stops = [(run, stop) for run in plan.runs for stop in run.stops]
    if home_townships_only:
        return sum(
            1 for run, stop in stops if stop.village.township_id != run.volunteer.township_id
        )
    return sum(
        1
        for run, stop in stops
        if not run.volunteer.covers(stop.village_id, stop.village.township_id)
    )


def _visits(plan: DeliveryPlan) -> dict[str, int]:
    """Households visited more than once: all, those the plan explains (goods that could not
    wait, ``second_visits``), and those whose one order the solver split into parts."""
    lines: dict[int, list[set[int]]] = defaultdict(list)
    orders: dict[int, set[Order]] = defaultdict(set)
    for run in plan.runs:
        for stop in run.stops:
            if stop.household_id is not None:
                lines[stop.household_id].append({item.order_line_id for item in stop.items})
                orders[stop.household_id].update(item.order_line.order for item in stop.items)
    twice = {h for h, stops in lines.items() if len(stops) > 1}
    reasons = {
        v["household_id"]: v["reason"] for v in (plan.settings or {}).get("second_visits", [])
    }
    explained = twice & set(reasons)
    parts = {h for h in twice - explained if set.intersection(*lines[h])}
    causes = Counter(reasons[h] for h in explained) + Counter({"split_by_weight": len(parts)})
    return {
        "households_twice": len(twice),
        "explained": len(explained),
        "split_parts": len(parts),
        "unexplained": len(twice - explained - parts),
        "twice_because": dict(causes),
        # What the order's page warns the cadre of (``visit_notes``).
        "twice_seed_and_pesticide_one_day": sum(
            any(visit_notes.seed_and_pesticide_on_one_day(order) for order in orders[h])
            for h in twice
        ),
    }


def quality(plan: DeliveryPlan, home_townships_only: bool = False) -> dict[str, object]:
    """The figures of one stored plan. ``home_townships_only``: a stop is outside its
    volunteer's area when outside their home township (the "before" mode opens every area
    to plan as before, and measures against where the volunteers really serve)."""
    stops = sum(len(run.stops) for run in plan.runs)
    distance_km = sum(run.distance_m for run in plan.runs) / 1000
    return {
        "runs": len(plan.runs),
        "km": round(distance_km, 1),
        "km_per_stop": round(distance_km / stops, 2) if stops else 0.0,
        "over_range": _over_range(plan),
        "outside_area": _outside(plan, home_townships_only),
        **_visits(plan),
        "stops": stops,
        "orders_on_runs": len({i.order_id for r in plan.runs for s in r.stops for i in s.items}),
        "unassigned": dict(Counter(u.reason for u in plan.unassigned)),
    }


def _open_every_area(volunteers: list[Volunteer]) -> None:
    townships = list(db.session.scalars(select(Township)))
    for volunteer in volunteers:
        volunteer.area_townships = townships
    db.session.commit()


def _deliver_everything(plan: DeliveryPlan, dispatcher: User) -> None:
    """Publish ``plan`` and mark each of its stops delivered, as the dispatcher would
    correct them at the end of the day."""
    publish(plan, dispatcher)
    for run in plan.runs:
        for stop in run.stops:
            correct_stop(dispatcher, stop.id, "delivered", None, "plan_quality: delivered")


@dataclass
class DayFigures:
    figures: dict[str, object]
    volunteers_used: int
    seconds: float


def _plan_and_measure(
    day: date, settings: PlanningSettings, volunteer_ids: list[int] | None, before: bool
) -> tuple[DeliveryPlan, DayFigures]:
    """Plan ``day`` and measure the plan at once, while its orders are still to come."""
    started = time.perf_counter()
    plan = plan_day(day, settings, volunteer_ids=volunteer_ids)
    seconds = time.perf_counter() - started
    used = len({run.volunteer_id for run in plan.runs})
    return plan, DayFigures(quality(plan, home_townships_only=before), used, seconds)


def _plan_in_turn(
    days: list[date], settings: PlanningSettings, volunteer_ids: list[int] | None, before: bool
) -> dict[date, DayFigures]:
    """Plan, publish and deliver every date from the first wanted date to the last of
    ``days``; returns the figures of ``days``."""
    dispatcher = db.session.scalars(select(User).where(User.role == Role.DISPATCHER)).first()
    first = min(
        db.session.scalars(select(Order.wanted_from).where(Order.status == OrderStatus.ALLOCATED))
    )
    measured: dict[date, DayFigures] = {}
    day = first
    while day <= max(days):
        plan, figures = _plan_and_measure(day, settings, volunteer_ids, before)
        if day in days:
            measured[day] = figures
        if plan.runs:
            _deliver_everything(plan, dispatcher)
        day += timedelta(days=1)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--mode", choices=("both", "before", "after"), default="both")
    parser.add_argument("--days", choices=("apart", "in-turn"), default="apart")
    parser.add_argument(
        "--pesticide-with-seed",
        action="store_true",
        help="plan as a county that lets pesticide ride with seed (the rule off)",
    )
    args = parser.parse_args()
    modes = ("before", "after") if args.mode == "both" else (args.mode,)
    for mode in modes:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'quality.db'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
        with app.app_context():
            upgrade()
            build_demo(2020)
            db.session.commit()
            run_matching()
            db.session.commit()
            everyone = list(db.session.scalars(select(Volunteer).order_by(Volunteer.id)))
            volunteer_ids = None
            if mode == "before":
                county_wide = everyone[:COUNTY_WIDE_VOLUNTEERS]
                _open_every_area(county_wide)
                volunteer_ids = [v.id for v in county_wide]
            print(
                f"mode {mode}, days {args.days}"
                f"{', pesticide rides with seed' if args.pesticide_with_seed else ''}: "
                f"{len(everyone)} volunteers in the demo, "
                f"time limit {args.time_limit:g} s, seed 0"
            )
            busiest = busiest_days()
            settings = PlanningSettings(
                time_limit_s=args.time_limit, separate_pesticide=not args.pesticide_with_seed
            )
            days = [day for day, _wanting in busiest]
            if args.days == "in-turn":
                measured = _plan_in_turn(days, settings, volunteer_ids, mode == "before")
            else:
                measured = {
                    day: _plan_and_measure(day, settings, volunteer_ids, mode == "before")[1]
                    for day in days
                }
            for day, wanting in busiest:
                day_figures = measured[day]
                print(
                    f"  {day} ({wanting} orders wanting it; {day_figures.volunteers_used} "
                    f"volunteers used; {day_figures.seconds:.0f} s): "
                    + ", ".join(f"{key} {value}" for key, value in day_figures.figures.items())
                )
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
