"""What a dispatcher could hand out: plan quality on the demo's three busiest days.

    .venv/bin/python -m benchmarks.plan_quality [--time-limit 20] [--mode both|before|after]

Seeds the Pengshui demo into a throwaway SQLite database, runs matching, and plans each of
the three dates with the most allocated orders wanting delivery (the solver's checker
re-verifies every plan). Two ways:

* ``before``: as planning was before service areas: only the 40 county-wide volunteers,
  each free to deliver anywhere (given the whole county as their area);
* ``after``: every volunteer on duty, the township party members included, each within
  their own service area.

Prints per day and mode: runs, total km, km per stop, runs over their vehicle's range
(``n/a`` while volunteers have no range), stops outside their volunteer's area, households
visited more than once that day, stops served, and orders left unassigned by reason.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from supply_match import create_app
from supply_match.demo import build_demo
from supply_match.extensions import db
from supply_match.models import DeliveryPlan, Order, OrderStatus, Township, Volunteer
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.settings import PlanningSettings
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


def _range_m(volunteer: Volunteer) -> int | None:
    """The volunteer's range, once the model has one (the road-distances work adds it)."""
    range_km = getattr(volunteer, "range_km", None)
    return None if range_km is None else int(range_km * 1000)


def quality(plan: DeliveryPlan, home_townships_only: bool = False) -> dict[str, object]:
    """The figures of one stored plan. ``home_townships_only``: a stop is outside its
    volunteer's area when outside their home township (the "before" mode opens every area
    to plan as before, and measures against where the volunteers really serve)."""
    stops = [(run, stop) for run in plan.runs for stop in run.stops]
    distance_km = sum(run.distance_m for run in plan.runs) / 1000
    ranges = [(run, _range_m(run.volunteer)) for run in plan.runs]
    over_range = (
        "n/a"
        if any(limit is None for _run, limit in ranges)
        else sum(1 for run, limit in ranges if run.distance_m > limit)
    )
    if home_townships_only:
        outside = sum(
            1 for run, stop in stops if stop.village.township_id != run.volunteer.township_id
        )
    else:
        outside = sum(
            1
            for run, stop in stops
            if not run.volunteer.covers(stop.village_id, stop.village.township_id)
        )
    visits = Counter(stop.household_id for _run, stop in stops if stop.household_id is not None)
    return {
        "runs": len(plan.runs),
        "km": round(distance_km, 1),
        "km_per_stop": round(distance_km / len(stops), 2) if stops else 0.0,
        "over_range": over_range,
        "outside_area": outside,
        "households_twice": sum(1 for n in visits.values() if n > 1),
        "stops": len(stops),
        "unassigned": dict(Counter(u.reason for u in plan.unassigned)),
    }


def _open_every_area(volunteers: list[Volunteer]) -> None:
    townships = list(db.session.scalars(select(Township)))
    for volunteer in volunteers:
        volunteer.area_townships = townships
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--mode", choices=("both", "before", "after"), default="both")
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
                f"mode {mode}: {len(everyone)} volunteers in the demo, time limit {args.time_limit:g} s, seed 0"
            )
            for day, wanting in busiest_days():
                started = time.perf_counter()
                plan = plan_day(
                    day, PlanningSettings(time_limit_s=args.time_limit), volunteer_ids=volunteer_ids
                )
                seconds = time.perf_counter() - started
                figures = quality(plan, home_townships_only=mode == "before")
                on_duty = len({run.volunteer_id for run in plan.runs})
                print(
                    f"  {day} ({wanting} orders wanting it; {on_duty} volunteers used; {seconds:.0f} s): "
                    + ", ".join(f"{key} {value}" for key, value in figures.items())
                )
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
