"""Matching at county scale: the Pengshui demo's open orders against its outlets' stock.

    .venv/bin/python -m benchmarks.matching [--database-url URL]

Seeds the demo into a throwaway database (SQLite by default), runs matching twice and
prints the time, what was allocated, the shortfalls, and whether any outlet was
over-allocated (it must never be) and whether the second run changed anything (it must not).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from supply_match import create_app
from supply_match.demo import build_demo
from supply_match.extensions import db
from supply_match.models import Allocation, Order, OrderLine, Stock
from supply_match.services.supply.matching import run_matching


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'matching.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        upgrade()
        build_demo(args.seed)
        db.session.commit()
        started = time.perf_counter()
        first = run_matching()
        db.session.commit()
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = run_matching()
        db.session.commit()
        second_s = time.perf_counter() - started

        over = [s for s in db.session.scalars(select(Stock)) if s.reserved > s.quantity]
        allocated_total = db.session.scalar(select(func.sum(Allocation.quantity))) or Decimal(0)
        reserved_total = db.session.scalar(select(func.sum(Stock.reserved))) or Decimal(0)
        line_total = db.session.scalar(select(func.sum(OrderLine.quantity)))
        short = sum((s.missing for s in first.shortfalls), Decimal(0))
        print(f"database: {db.engine.dialect.name}")
        print(
            f"open lines: {first.open_lines_considered}, solver: {first.solver_status}, {first_s:.2f} s"
        )
        print(
            f"allocations: {len(first.allocations)}, orders fully allocated: {len(first.orders_allocated)}"
        )
        print(f"shortfall: {len(first.shortfalls)} lines, {short} units")
        print(
            f"conservation: allocated {allocated_total} = reserved {reserved_total}; "
            f"allocated + short = {allocated_total + short} of {line_total} ordered"
        )
        print(f"over-allocated outlets: {len(over)}")
        print(f"second run: {len(second.allocations)} allocations, {second_s:.2f} s")
        counts = db.session.execute(select(Order.status, func.count()).group_by(Order.status)).all()
        print("orders by status:", {str(status): count for status, count in counts})
        db.engine.dispose()


if __name__ == "__main__":
    main()
