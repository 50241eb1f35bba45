"""The web service under load, as a county runs it: PostgreSQL, Redis, gunicorn, worker.

    .venv/bin/python -m benchmarks.load.run [--users 50] [--run-time 90]
        [--orders 200] [--volunteers 40] [--time-limit 20] [--alone 20] [--web-workers 4]

Starts PostgreSQL and Redis on loopback (as the test suite does, tests/servers.py),
seeds the Pengshui demo and publishes one day (benchmarks.load.day), then serves it as
scripts/serve.sh does: gunicorn with ``--web-workers`` processes and the background worker.
It prints, in this order:

1. the route-sheet PDF: seconds from publishing the day again until the worker has laid
   out and kept the PDF of every run, then the dispatcher's download of it;
2. each page alone, over HTTP, one request at a time (``--alone`` times each): median
   and 95th percentile in ms, and size;
3. locust with ``--users`` simulated people (25 cadres, 5 dispatchers, 20 volunteers
   with their links; benchmarks/load/locustfile.py) for ``--run-time`` seconds: per page
   the requests, errors, median and 95th percentile, then all requests together.

The load average is printed before and after: the machine may be shared, and other
processes' work shows in every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from flask_migrate import upgrade
from sqlalchemy import func, select

from benchmarks.dispatch_day import DAY
from benchmarks.load.day import describe, published_day, the_plan
from supply_match import create_app
from supply_match.extensions import db
from supply_match.models import DeliveryRun, RenderedDocument, Role, User
from supply_match.services.delivery import links
from supply_match.services.planning.publishing import publish
from tests import servers

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CADRE_PASSWORD = "cadre-2020"
DISPATCHER_PASSWORD = "diaodu-2020"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def the_people(folder: Path) -> Path:
    """Who the simulated users are, written for the locustfile."""
    cadres = db.session.scalars(
        select(User.username)
        .where(User.role == Role.CADRE, User.username.like("cun-%"))
        .order_by(User.username)
        .limit(25)
    ).all()
    dispatchers = db.session.scalars(
        select(User.username).where(User.role == Role.DISPATCHER).order_by(User.username)
    ).all()
    runs = db.session.scalars(
        select(DeliveryRun).where(DeliveryRun.plan_id == the_plan().id).order_by(DeliveryRun.id)
    ).all()
    volunteers = list({run.volunteer_id: run.volunteer for run in runs}.values())[:20]
    people = {
        "day": DAY.isoformat(),
        "cadres": cadres,
        "cadre_password": CADRE_PASSWORD,
        "dispatchers": dispatchers,
        "dispatcher_password": DISPATCHER_PASSWORD,
        "volunteer_tokens": [links.token_for(v) for v in volunteers],
    }
    path = folder / "people.json"
    path.write_text(json.dumps(people), encoding="utf-8")
    return path


def _started(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def start_service(env: dict, port: int, workers: int, folder: Path) -> list[subprocess.Popen]:
    worker = _started(
        [str(BIN / "flask"), "--app", "supply_match", "worker"], env, folder / "worker.log"
    )
    web = _started(
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:supply_match.serving",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "supply_match:create_app()",
        ],
        env,
        folder / "gunicorn.log",
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).ok:
                return [web, worker]
        except requests.RequestException:  # not listening yet, or still loading the app
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer; see {folder / 'gunicorn.log'}")


def signed_in(base: str, login: str, password: str) -> requests.Session:
    session = requests.Session()
    token = CSRF.search(session.get(f"{base}/login").text).group(1)
    answer = session.post(
        f"{base}/login",
        data={"login": login, "password": password, "csrf_token": token},
        allow_redirects=False,
    )
    assert answer.status_code == 302, (login, answer.status_code)
    return session


def time_the_pdf(base: str, site_url: str) -> None:
    """Publish again (the worker is queued to make the PDF) and wait for it to be kept."""
    kept = db.session.scalar(select(func.count()).select_from(RenderedDocument))
    started = time.perf_counter()
    publish(the_plan(), site_url=site_url)
    while db.session.scalar(select(func.count()).select_from(RenderedDocument)) == kept:
        if time.perf_counter() - started > 600:
            raise RuntimeError("the worker made no PDF in 10 minutes; see worker.log")
        time.sleep(0.1)
        db.session.rollback()  # a fresh snapshot for the next count
    made = time.perf_counter() - started
    dispatcher = signed_in(base, "diaodu", DISPATCHER_PASSWORD)
    started = time.perf_counter()
    pdf = dispatcher.get(f"{base}/plans/{DAY.isoformat()}/sheets.pdf")
    fetched = time.perf_counter() - started
    runs = db.session.scalar(select(func.count()).where(DeliveryRun.plan_id == the_plan().id))
    print(
        f"route sheets: the worker made the PDF of {runs} runs in {made:.1f} s after "
        f"publishing; the dispatcher's download: HTTP {pdf.status_code}, "
        f"{len(pdf.content) // 1024} KB in {fetched * 1000:.0f} ms"
    )


def alone_pages(people: dict) -> list[tuple[str, str, str]]:
    day, token, cadre = people["day"], people["volunteer_tokens"][0], people["cadres"][0]
    return [
        ("plan page", "diaodu", f"/plans/{day}"),
        ("board", "diaodu", f"/plans/{day}/board"),
        ("supply", "diaodu", "/supply"),
        ("progress (dispatcher)", "diaodu", "/plans/progress"),
        ("delivery days", "diaodu", "/plans/"),
        ("dispatcher home", "diaodu", "/dispatch/"),
        ("orders (dispatcher)", "diaodu", "/orders"),
        ("households (dispatcher)", "diaodu", "/households"),
        ("route sheets PDF", "diaodu", f"/plans/{day}/sheets.pdf"),
        ("cadre home", cadre, "/cadre/"),
        ("orders (cadre)", cadre, "/orders"),
        ("households (cadre)", cadre, "/households"),
        ("progress (cadre)", cadre, "/plans/progress"),
        ("volunteer page", None, f"/v/{token}"),
        ("day.json", None, f"/v/{token}/day.json"),
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure_alone(base: str, people: dict, repeat: int) -> None:
    print(f"each page alone, {repeat} requests one after another (load {load_average()}):")
    print(f"  {'page':<26}{'HTTP':>5}{'KB':>8}{'median ms':>11}{'95% ms':>9}")
    sessions: dict[str | None, requests.Session] = {None: requests.Session()}
    for name, who, path in alone_pages(people):
        if who not in sessions:
            password = DISPATCHER_PASSWORD if who.startswith("diaodu") else CADRE_PASSWORD
            sessions[who] = signed_in(base, who, password)
        session = sessions[who]
        session.get(base + path)
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            answer = session.get(base + path)
            seconds.append(time.perf_counter() - started)
        print(
            f"  {name:<26}{answer.status_code:>5}{len(answer.content) / 1024:>8.1f}"
            f"{statistics.median(seconds) * 1000:>11.1f}{percentile(seconds, 0.95) * 1000:>9.1f}"
        )


def run_locust(base: str, people: Path, users: int, run_time: int, folder: Path) -> None:
    prefix = folder / "locust"
    before = load_average()
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "benchmarks" / "load" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            "10",
            "--run-time",
            f"{run_time}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**os.environ, "LOAD_PEOPLE": str(people)},
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # its own summary; the figures are read from the CSV
    )
    print(f"locust, {users} users for {run_time} s (load before {before}, after {load_average()}):")
    print(f"  {'page':<26}{'requests':>9}{'errors':>7}{'median ms':>11}{'95% ms':>9}{'KB':>7}")
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            name = row["Name"] if row["Name"] != "Aggregated" else "ALL REQUESTS"
            print(
                f"  {name:<26}{row['Request Count']:>9}{row['Failure Count']:>7}"
                f"{row['50%']:>11}{row['95%']:>9}"
                f"{float(row['Average Content Size']) / 1024:>7.1f}"
            )
            if name == "ALL REQUESTS":
                print(f"  {float(row['Requests/s']):.1f} requests per second")
    failures = Path(f"{prefix}_failures.csv").read_text(encoding="utf-8").splitlines()[1:]
    for line in failures[:10]:
        print("  failure:", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--run-time", type=int, default=90)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--volunteers", type=int, default=40)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--alone", type=int, default=20)
    parser.add_argument("--web-workers", type=int, default=4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="supply_match_load_"))
    postgres = servers.start_postgres()
    redis = servers.start_redis()
    processes: list[subprocess.Popen] = []
    try:
        servers.create_database(postgres.admin_url, "load")
        port = servers.free_port()
        base = f"http://127.0.0.1:{port}"
        settings = {
            "DATABASE_URL": postgres.url_for("load"),
            "REDIS_URL": redis.url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "SITE_URL": base + "/",
        }
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": settings["DATABASE_URL"],
                "REDIS_URL": settings["REDIS_URL"],
                "SECRET_KEY": settings["SECRET_KEY"],
                "SITE_URL": settings["SITE_URL"],
            }
        )
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            published_day(args.orders, args.volunteers, args.time_limit)
            print(
                f"postgresql, {describe(the_plan())}, seeded and planned in "
                f"{time.perf_counter() - started:.0f} s; logs in {folder}"
            )
            people = the_people(folder)
            env = {**os.environ, **settings, "SUPPLY_MATCH_ENV": "development"}
            processes = start_service(env, port, args.web_workers, folder)
            time_the_pdf(base, settings["SITE_URL"])
            db.session.remove()
            measure_alone(base, json.loads(people.read_text()), args.alone)
            run_locust(base, people, args.users, args.run_time, folder)
            db.engine.dispose()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        redis.stop()
        postgres.stop()


if __name__ == "__main__":
    main()
