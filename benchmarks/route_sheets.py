"""Route sheets for a busy day: the HTML and the PDF of every run's sheet, timed.

    .venv/bin/python -m benchmarks.route_sheets [--orders 1000] [--volunteers 60]
        [--time-limit 20] [--database PATH] [--sheets 50] [--repeat 3] [--profile N]
        [--out FILE.pdf]

Seeds the Pengshui demo into an SQLite file, sets up one day as benchmarks.dispatch_day
does (every household's order wanting the same day, enough stock, volunteers added up to
the given number) and plans it: about 60 runs of 5 to 40 stops. With ``--database PATH``
the file is kept, and a later call with the same path reuses the planned day instead of
seeding and solving again.

It then times, ``--repeat`` times each: loading and building all sheets (database, QR
codes, maps); the HTML and the PDF of the first ``--sheets``; and all sheets as the route
``GET /plans/<day>/sheets.pdf`` makes them, the first time (nothing cached) and again
with the plan unchanged. Each figure is the median of the wall-clock seconds, then every
run as wall/CPU seconds (the CPU time of this process says how much of the wall time the
machine's other load took), with pages and size of the PDF and the load average.
``--profile N`` prints the N most costly functions of one PDF under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from pypdf import PdfReader
from sqlalchemy import select

import solver
from benchmarks.dispatch_day import DAY, make_day
from supply_match import create_app
from supply_match.demo import build_demo
from supply_match.extensions import db
from supply_match.models import DeliveryPlan
from supply_match.services.documents import route_sheets
from supply_match.services.planning.drafts import store_draft
from supply_match.services.planning.loading import load_day
from supply_match.services.planning.problem import build_problem
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.supply.matching import run_matching


def plan_the_day(orders: int, volunteers: int, time_limit: float) -> None:
    build_demo(2020)
    db.session.commit()
    make_day(orders, volunteers, random.Random(2000))
    run_matching()
    db.session.commit()
    settings = PlanningSettings(time_limit_s=time_limit)
    built = build_problem(load_day(DAY), settings)
    solution = solver.solve(built.problem, settings.limits())
    store_draft(DAY, built, solution, settings, None)
    db.session.commit()


def the_plan() -> DeliveryPlan | None:
    return db.session.scalar(select(DeliveryPlan).where(DeliveryPlan.delivery_date == DAY))


def link_for(volunteer) -> str:
    return f"https://bench.local/v/{volunteer.id}-0123456789abcdef0123456789abcdef"


def sheets_of_the_day() -> list[route_sheets.RouteSheet]:
    return route_sheets.sheets_for_plan(the_plan(), link_for)


def timed(function, repeat: int) -> tuple[object, list[tuple[float, float]]]:
    seconds = []
    result = None
    for _ in range(repeat):
        # A fresh session each time: loading from the database is part of the cost.
        db.session.expire_all()
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        seconds.append((time.perf_counter() - wall, time.process_time() - cpu))
    return result, seconds


def figures(seconds: list[tuple[float, float]]) -> str:
    runs = ", ".join(f"{wall:.2f}/{cpu:.2f}" for wall, cpu in seconds)
    return f"median {statistics.median(wall for wall, _ in seconds):.2f} s (wall/CPU: {runs})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--volunteers", type=int, default=60)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--database", type=Path, default=None, help="SQLite file, kept for reuse")
    parser.add_argument("--sheets", type=int, default=50, help="sheets in the timed PDF")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--out", type=Path, default=None, help="write the PDF here")
    args = parser.parse_args()
    path = args.database or Path(tempfile.mkdtemp()) / "sheets.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path.resolve()}",
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SERVER_NAME": "bench.local",
        }
    )
    with app.app_context():
        fresh = not path.exists()
        upgrade()
        if fresh or the_plan() is None:
            started = time.perf_counter()
            plan_the_day(args.orders, args.volunteers, args.time_limit)
            print(f"set up and planned {DAY} in {time.perf_counter() - started:.0f} s")
        plan = the_plan()
        runs = plan.runs
        stops = [len(run.stops) for run in runs]
        if not sum(stops):
            raise SystemExit(f"the day in {path} has runs without stops: start a new database")
        print(
            f"day {DAY}: {len(runs)} runs, {sum(stops)} stops "
            f"(per run: median {statistics.median(stops):.0f}, max {max(stops)})"
        )
        print(
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs"
        )

        with app.test_request_context():
            # Warm up once: fonts, templates and WeasyPrint's imports load once per process.
            route_sheets.render_pdf(sheets_of_the_day()[:1], cache=False)

            every, build_s = timed(sheets_of_the_day, args.repeat)
            sheets = every[: args.sheets]
            html, html_s = timed(lambda: route_sheets.render_html(sheets), args.repeat)
            pdf, pdf_s = timed(lambda: route_sheets.render_pdf(sheets, cache=False), args.repeat)
            whole, whole_s = timed(
                lambda: route_sheets.render_pdf(sheets_of_the_day(), cache=False), args.repeat
            )
            route_sheets.render_pdf(sheets_of_the_day())
            again, again_s = timed(
                lambda: route_sheets.render_pdf(sheets_of_the_day()), args.repeat
            )
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            all_pages = len(PdfReader(io.BytesIO(whole)).pages)
            print(f"build {len(every)} sheets (database, QR, map): {figures(build_s)}")
            print(f"HTML of {len(sheets)} sheets, {len(html) // 1024} KB: {figures(html_s)}")
            print(
                f"PDF of {len(sheets)} sheets, {pages} pages, {len(pdf) // 1024} KB: "
                f"{figures(pdf_s)}"
            )
            print(
                f"as GET /plans/<day>/sheets.pdf, {len(every)} sheets, {all_pages} pages: "
                f"first time {figures(whole_s)}; again, unchanged {figures(again_s)}"
            )
            print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            if args.out:
                args.out.write_bytes(whole)
                print(f"wrote {args.out}")
            if args.profile:
                profiler = cProfile.Profile()
                db.session.expire_all()
                profiler.enable()
                route_sheets.render_pdf(sheets_of_the_day()[: args.sheets], cache=False)
                profiler.disable()
                stats = pstats.Stats(profiler)
                stats.sort_stats("cumulative").print_stats(args.profile)
                stats.sort_stats("tottime").print_stats(args.profile)
        db.engine.dispose()


if __name__ == "__main__":
    main()
