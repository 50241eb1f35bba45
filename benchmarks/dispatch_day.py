"""Dispatch at county scale: one delivery day of N stops, end to end, plus the pages.

    .venv/bin/python -m benchmarks.dispatch_day [--orders 2000] [--volunteers 100] [--time-limit 120]

On the Pengshui demo (seeded into a throwaway SQLite database), every household's order
wants the same day, outlets hold enough stock, and volunteers are added up to the given
number. It then times matching, pooling and the distance matrix, the solve, storing the
plan, rendering the plan page, and rendering route sheets for 50 runs as one PDF.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

import solver
from supply_match import create_app
from supply_match.demo import build_demo
from supply_match.extensions import db
from supply_match.models import (
    Household,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    Stock,
    User,
    Volunteer,
)
from supply_match.services.documents import route_sheets
from supply_match.services.planning.drafts import store_draft
from supply_match.services.planning.loading import load_day
from supply_match.services.planning.problem import build_problem
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.planning.solving import solve_and_check
from supply_match.services.supply.matching import run_matching

DAY = date(2020, 3, 17)
VEHICLES = [
    ("minivan", 600),
    ("motor_tricycle", 500),
    ("pickup", 1000),
    ("electric_tricycle", 300),
    ("light_truck", 1500),
]


def make_day(orders: int, volunteers: int, rng: random.Random) -> None:
    for order in db.session.scalars(select(Order)):
        order.transition_to(OrderStatus.CANCELLED)
    products = [p for p in db.session.scalars(select(Product)) if p.category != "pesticide"]
    households = list(db.session.scalars(select(Household).order_by(Household.id)))
    for household in rng.sample(households, k=min(orders, len(households))):
        order = Order(
            household=household, status=OrderStatus.SUBMITTED, wanted_from=DAY, wanted_to=DAY
        )
        for product in rng.sample(products, k=rng.randint(1, 2)):
            quantity = rng.randint(1, 3) if product.unit_weight_kg >= 20 else rng.randint(1, 5)
            order.lines.append(OrderLine(product=product, quantity=Decimal(quantity)))
        db.session.add(order)
    for row in db.session.scalars(select(Stock)):
        row.quantity = Decimal(100_000)
    existing = list(db.session.scalars(select(Volunteer)))
    for volunteer in existing:
        volunteer.duty_days = 127
    for n in range(len(existing), volunteers):
        template = existing[n % len(existing)]
        kind, payload = VEHICLES[n % len(VEHICLES)]
        db.session.add(
            Volunteer(
                name=f"志愿者{n}",
                mobile=f"1990000{n:04d}",
                party_branch=template.party_branch,
                township_id=template.township_id,
                vehicle_type=kind,
                payload_kg=payload,
                home_lat=template.home_lat + rng.uniform(-0.03, 0.03),
                home_lon=template.home_lon + rng.uniform(-0.03, 0.03),
                shift_start=clock(7, 30),
                shift_end=clock(18, 0),
            )
        )
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--volunteers", type=int, default=100)
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'dispatch.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SERVER_NAME": "bench.local",
        }
    )
    with app.app_context():
        upgrade()
        build_demo(2020)
        db.session.commit()
        make_day(args.orders, args.volunteers, random.Random(2000))
        t0 = time.perf_counter()
        run_matching()
        db.session.commit()
        t1 = time.perf_counter()
        settings = PlanningSettings(time_limit_s=args.time_limit)
        day_input = load_day(DAY)
        built = build_problem(day_input, settings)
        t2 = time.perf_counter()
        built, solution = solve_and_check(built, settings)
        t3 = time.perf_counter()
        verdict = solver.check(built.problem, solution)
        plan = store_draft(DAY, built, solution, settings, None)
        db.session.commit()
        t4 = time.perf_counter()
        print(
            f"orders {len(day_input.orders)}, stops {len(built.stops)}, volunteers {len(built.volunteers)}"
        )
        print(
            f"runs {len(solution.runs)}, served stops {sum(len(r.stops) for r in solution.runs)}, "
            f"unassigned parts {len(solution.unassigned)}, distance {solution.distance_m / 1000:.0f} km, "
            f"checker {'ok' if verdict.ok else verdict.violations[:2]}"
        )
        print(
            f"seconds: matching {t1 - t0:.1f}, load+pool+matrix {t2 - t1:.1f}, solve {t3 - t2:.1f}, "
            f"check+store {t4 - t3:.1f}, planning total {t4 - t1:.1f}"
        )

        client = app.test_client()
        dispatcher = db.session.scalar(select(User).where(User.username == "diaodu"))
        with client.session_transaction() as session:
            session["_user_id"] = str(dispatcher.id)
            session["_fresh"] = True
        started = time.perf_counter()
        response = client.get(f"/plans/{DAY.isoformat()}")
        page_s = time.perf_counter() - started
        print(
            f"plan page: HTTP {response.status_code}, {len(response.data) // 1024} KB in {page_s:.2f} s"
        )

        with app.test_request_context():
            runs = plan.runs[:50]
            started = time.perf_counter()
            sheets = [
                route_sheets.build_sheet(run, f"https://example.invalid/v/{run.id}", i)
                for i, run in enumerate(runs)
            ]
            pdf = route_sheets.render_pdf(sheets)
            pdf_s = time.perf_counter() - started
        print(f"route sheets: {len(runs)} runs, {len(pdf) // 1024} KB PDF in {pdf_s:.2f} s")
        db.engine.dispose()


if __name__ == "__main__":
    main()
