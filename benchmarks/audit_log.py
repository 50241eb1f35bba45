"""How the audit log reads once it is big: a season's entries, then the page's query (one
page of 50 and its count) for each filter, and the export of one county day.

    .venv/bin/python -m benchmarks.audit_log [--entries 200000] [--database-url URL]

Builds a throwaway database (SQLite by default), writes N entries over 60 days (one
bulk insert), and prints the seconds of each read. Target: a page under 0.5 s.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade

from supply_match import create_app
from supply_match.extensions import db
from supply_match.models import AuditEntry, AuditKind
from supply_match.services import audit

PEOPLE = [f"调度员{n} (diaodu{n})" for n in range(8)] + [f"志愿者 冉{n}" for n in range(40)]


def _fill(entries: int) -> None:
    rng = random.Random(7)
    start = datetime(2020, 3, 1)
    kinds = [str(kind) for kind in AuditKind]
    rows = [
        {
            "at": start + timedelta(seconds=rng.randrange(60 * 24 * 3600)),
            "actor_name": rng.choice(PEOPLE),
            "origin": "10.0.0.1",
            "kind": rng.choice(kinds),
            "record_id": rng.randrange(1, 5000),
            "action": "edited",
            "summary": "张甲户 玉米种 2袋",
            "language": "zh_Hans_CN",
            "detail": {},
        }
        for _ in range(entries)
    ]
    db.session.execute(AuditEntry.__table__.insert(), rows)
    db.session.commit()


def _seconds(work) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def _page(filters: audit.AuditFilters) -> int:
    return len(db.paginate(audit.entries_query(filters), page=2, per_page=50).items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context(), app.test_request_context():
        upgrade()
        print(f"writing {args.entries} entries: {_seconds(lambda: _fill(args.entries)):.2f} s")
        cases = {
            "no filter": audit.AuditFilters(),
            "kind=order": audit.AuditFilters(kind="order"),
            "person=diaodu3": audit.AuditFilters(person="diaodu3"),
            "day=2020-03-16": audit.AuditFilters(day=date(2020, 3, 16)),
            "all three": audit.AuditFilters(kind="stop", person="冉1", day=date(2020, 3, 16)),
        }
        for name, filters in cases.items():
            print(f"page 2 of 50, {name}: {_seconds(lambda f=filters: _page(f)):.3f} s")
        day = audit.AuditFilters(day=date(2020, 3, 16))
        seconds = _seconds(lambda: audit.export_xlsx(day, lambda _table, code: code))
        print(f"export .xlsx of one day ({args.entries // 60} entries or so): {seconds:.2f} s")


if __name__ == "__main__":
    main()
