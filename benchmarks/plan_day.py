"""Planning the demo's busiest day end to end: pooling, distances, solving, storing.

    .venv/bin/python -m benchmarks.plan_day [--time-limit 30] [--database-url URL]

Seeds the Pengshui demo into a throwaway database, runs matching, picks the date with the
most orders wanting delivery, plans it with the given solver time limit, re-checks the
solution with the solver's own checker and prints each phase's seconds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade

import solver
from supply_match import create_app
from supply_match.demo import build_demo
from supply_match.extensions import db
from supply_match.services.planning.drafts import store_draft
from supply_match.services.planning.loading import eligible_orders, load_day
from supply_match.services.planning.problem import build_problem
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.planning.solving import solve_and_check
from supply_match.services.supply.matching import run_matching


def busiest_day(orders):
    counts = Counter()
    for order in orders:
        day = order.wanted_from
        while day <= order.wanted_to:
            counts[day] += 1
            day += timedelta(days=1)
    return counts.most_common(1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'plan.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        upgrade()
        build_demo(2020)
        db.session.commit()
        run_matching()
        db.session.commit()
        from sqlalchemy import select

        from supply_match.models import Order, OrderStatus

        allocated = list(
            db.session.scalars(select(Order).where(Order.status == OrderStatus.ALLOCATED))
        )
        day, wanting = busiest_day(allocated)
        settings = PlanningSettings(time_limit_s=args.time_limit)

        timer = time.perf_counter()
        day_input = load_day(day)
        loaded = time.perf_counter()
        built = build_problem(day_input, settings)
        prepared = time.perf_counter()
        built, solution = solve_and_check(built, settings)
        solved = time.perf_counter()
        verdict = solver.check(built.problem, solution)
        store_draft(day, built, solution, settings, None)
        db.session.commit()
        stored = time.perf_counter()

        assert len(eligible_orders(day)) == len(day_input.orders)
        print(
            f"day {day}: {wanting} allocated orders wanting it, {len(day_input.volunteers)} volunteers on duty"
        )
        print(f"stops {len(built.stops)}, locations {len(built.location_points)}")
        print(
            f"runs {len(solution.runs)}, served stops {sum(len(r.stops) for r in solution.runs)}, "
            f"unassigned parts {len(solution.unassigned)} {Counter(u.reason.value for u in solution.unassigned)}"
        )
        print(
            f"distance {solution.distance_m / 1000:.1f} km, checker {'ok' if verdict.ok else verdict.violations[:3]}"
        )
        print(
            f"seconds: load {loaded - timer:.2f}, pool+matrix {prepared - loaded:.2f}, "
            f"solve {solved - prepared:.2f}, check+store {stored - solved:.2f}, total {stored - timer:.2f}"
        )
        db.engine.dispose()


if __name__ == "__main__":
    main()
