"""Each page alone, in process: SQL statements, bytes and milliseconds per request.

    .venv/bin/python -m benchmarks.load.pages [--database PATH | --postgres]
        [--orders 1000] [--volunteers 45] [--time-limit 20] [--repeat 20]

Seeds the demo and publishes one day (benchmarks.load.day) into an SQLite file, or a
PostgreSQL server started on loopback with ``--postgres``. With ``--database PATH`` an
existing file is reused as it is, so a second call skips seeding and solving. Then each
page is asked for ``--repeat`` times through Flask's test client, signed in as the role
that uses it, and printed with its statement count (a SQLAlchemy event listener on the
engine), its size and the median and slowest wall time and the median CPU time of this
process (SQLite runs in it; on PostgreSQL the server's share is not counted). Nothing else
runs in the process, but the machine may be shared: when it is busy the wall time is
mostly waiting for a core, the CPU time much less so; the load average is printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, select

from benchmarks.dispatch_day import DAY
from benchmarks.load.day import describe, published_day, the_plan
from supply_match import create_app
from supply_match.extensions import db
from supply_match.models import DeliveryRun, User
from supply_match.services.delivery import links


@dataclass
class Figures:
    page: str
    status: int
    statements: int
    kilobytes: float
    median_ms: float
    max_ms: float
    cpu_ms: float


def pages_to_measure(plan) -> list[tuple[str, str, str]]:
    """(name, who asks, path): who is a username or ``volunteer``."""
    day = DAY.isoformat()
    run = db.session.scalar(
        select(DeliveryRun).where(DeliveryRun.plan_id == plan.id).order_by(DeliveryRun.id)
    )
    token = links.token_for(run.volunteer)
    return [
        ("plan page", "diaodu", f"/plans/{day}"),
        ("board", "diaodu", f"/plans/{day}/board"),
        ("supply", "diaodu", "/supply"),
        ("progress (dispatcher)", "diaodu", "/plans/progress"),
        ("progress (cadre)", "cun-500243001201", "/plans/progress"),
        ("delivery days", "diaodu", "/plans/"),
        ("dispatcher home", "diaodu", "/dispatch/"),
        ("orders (dispatcher)", "diaodu", "/orders"),
        ("households (dispatcher)", "diaodu", "/households"),
        ("orders (cadre)", "cun-500243001201", "/orders"),
        ("households (cadre)", "cun-500243001201", "/households"),
        ("cadre home", "cun-500243001201", "/cadre/"),
        ("volunteer page", "volunteer", f"/v/{token}"),
        ("day.json", "volunteer", f"/v/{token}/day.json"),
    ]


class StatementCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _seen(self, *_args) -> None:
        self.count += 1

    def __enter__(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def client_as(app: Flask, who: str):
    client = app.test_client()
    if who != "volunteer":
        user = db.session.scalar(select(User).where(User.username == who))
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client


def measure(app: Flask, name: str, who: str, path: str, repeat: int) -> Figures:
    client = client_as(app, who)
    client.get(path)  # the first request warms templates and caches
    seconds, cpu_seconds, statements, size, status = [], [], 0, 0, 0
    for _ in range(repeat):
        db.session.remove()  # each request starts from an empty session, as in gunicorn
        with StatementCounter(db.engine) as counter:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            seconds.append(time.perf_counter() - started)
            cpu_seconds.append(time.process_time() - cpu_started)
        statements, size, status = counter.count, len(response.data), response.status_code
    return Figures(
        name,
        status,
        statements,
        size / 1024,
        statistics.median(seconds) * 1000,
        max(seconds) * 1000,
        statistics.median(cpu_seconds) * 1000,
    )


def database_url(args) -> tuple[str, bool, object]:
    """The URL, whether it still needs the day, and a server to stop (or None)."""
    if args.postgres:
        from tests import servers

        server = servers.start_postgres()
        servers.create_database(server.admin_url, "pages")
        return server.url_for("pages"), True, server
    path = Path(args.database or Path(tempfile.mkdtemp()) / "pages.db")
    return f"sqlite:///{path}", not path.exists(), None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="SQLite file, kept and reused")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--volunteers", type=int, default=45)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url, needs_day, server = database_url(args)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}, "SECRET_KEY": "x" * 40}
    )
    try:
        with app.app_context():
            if needs_day:
                upgrade()
                published_day(args.orders, args.volunteers, args.time_limit)
            plan = the_plan()
            print(f"{db.engine.dialect.name}, {describe(plan)}")
            pages = pages_to_measure(plan)
            print(
                f"{'page':<26}{'HTTP':>5}{'SQL':>6}{'KB':>8}{'median ms':>11}{'max ms':>9}{'CPU ms':>9}"
            )
            for name, who, path in pages:
                f = measure(app, name, who, path, args.repeat)
                print(
                    f"{f.page:<26}{f.status:>5}{f.statements:>6}{f.kilobytes:>8.1f}"
                    f"{f.median_ms:>11.1f}{f.max_ms:>9.1f}{f.cpu_ms:>9.1f}"
                )
            print("load average", " ".join(f"{x:.1f}" for x in os.getloadavg()))
            db.engine.dispose()
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
