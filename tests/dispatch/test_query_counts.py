"""The busy pages cost the same number of SQL statements whatever the size of the data:
loading runs, stops, orders or households one at a time would make the count grow with
them (the progress page once cost 815 statements for a 74-run day, the plan page 184).

One county is measured twice: after a small published day, and again after a bigger one
(more orders, households, villages, volunteers, runs and stops). Pages about one day are
asked for the small day first and the big day second; the rest see everything there is.
"""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import event, func, select

from supply_match.extensions import db
from supply_match.models import DeliveryRun, DeliveryStop, Household, Role, Stock
from supply_match.services.delivery import links
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.supply.matching import run_matching
from tests import factories
from tests.days import DAY

BIG_DAY = DAY + timedelta(days=1)
# Pages and who asks for them; "{day}" is the day measured, "{token}" the volunteer's link.
PAGES = [
    ("plan page", "dispatcher", "/plans/{day}"),
    ("board", "dispatcher", "/plans/{day}/board"),
    ("board map", "dispatcher", "/plans/{day}/board/map.json"),
    ("route sheets (HTML)", "dispatcher", "/plans/{day}/sheets"),
    ("supply", "dispatcher", "/supply"),
    ("delivery days", "dispatcher", "/plans/"),
    ("progress (dispatcher)", "dispatcher", "/plans/progress"),
    ("progress (cadre)", "cadre", "/plans/progress"),
    ("orders (dispatcher)", "dispatcher", "/orders"),
    ("households (dispatcher)", "dispatcher", "/households"),
    ("orders (cadre)", "cadre", "/orders"),
    ("households (cadre)", "cadre", "/households"),
    ("dispatcher home", "dispatcher", "/dispatch/"),
    ("cadre home", "cadre", "/cadre/"),
    ("volunteer's day.json", "volunteer", "/v/{token}/day.json"),
    ("volunteer's page", "volunteer", "/v/{token}"),
]


def _orders(county, day, villages, count, first, urea=0):
    for i in range(count):
        village = villages[i % len(villages)]
        household = factories.household(
            village=village, lat=29.32 + (first + i) * 0.004, lon=108.20 + (first + i) * 0.003
        )
        factories.order(
            household=household,
            lines=[(county["seed"], 2), (county["urea"], urea)] if urea else [(county["seed"], 2)],
            wanted_from=day,
            wanted_to=day,
        )
    db.session.commit()


def _plan_and_publish(day):
    run_matching()
    db.session.commit()
    plan = plan_day(day, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    return plan


class Statements:
    """Counts the statements the engine sends while one request is answered."""

    def __init__(self) -> None:
        self.count = 0

    def seen(self, *_args) -> None:
        self.count += 1

    def of(self, client, path) -> int:
        db.session.expire_all()  # nothing left loaded from an earlier request
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self.seen)
        try:
            response = client.get(path)
        finally:
            event.remove(db.engine, "before_cursor_execute", self.seen)
        assert response.status_code == 200, (path, response.status_code)
        return self.count


def _measure(clients, token, day) -> dict[str, int]:
    counter = Statements()
    counts = {}
    for name, who, path in PAGES:
        url = path.format(day=day.isoformat(), token=token)
        counter.of(clients[who], url)  # a first request may warm a cache
        counts[name] = counter.of(clients[who], url)
    return counts


def _signed_in(app, login):
    client = app.test_client()
    answer = client.post("/login", data={"login": login, "password": factories.PASSWORD})
    assert answer.status_code == 302
    return client


def _size(plan) -> tuple[int, int]:
    runs = db.session.scalar(select(func.count()).where(DeliveryRun.plan_id == plan.id))
    stops = db.session.scalar(
        select(func.count())
        .select_from(DeliveryStop)
        .join(DeliveryRun)
        .where(DeliveryRun.plan_id == plan.id)
    )
    return runs, stops


def test_every_busy_page_costs_as_many_statements_for_a_big_day_as_for_a_small_one(app, county):
    village = county["village"]
    factories.user(Role.DISPATCHER, username="dispatcher")
    factories.user(Role.CADRE, villages=[village], username="cadre")
    db.session.commit()
    clients = {
        "dispatcher": _signed_in(app, "dispatcher"),
        "cadre": _signed_in(app, "cadre"),
        "volunteer": app.test_client(),
    }
    _orders(county, DAY, [village], 3, first=0)
    small_plan = _plan_and_publish(DAY)
    small = _size(small_plan)
    # A volunteer on both days: their phone shows both days' runs the second time.
    volunteer = small_plan.runs[0].volunteer
    token = links.token_for(volunteer)
    before = _measure(clients, token, DAY)

    other_village = factories.village(township=county["township"], lat=29.36, lon=108.25)
    # A second outlet beside it, the only one with urea left: the big day's runs load at
    # two (the board's map once loaded each run's outlet on its own).
    second_outlet = factories.outlet(township=county["township"], lat=29.36, lon=108.25)
    factories.stock(second_outlet, county["urea"], 500)
    db.session.scalar(
        select(Stock).where(
            Stock.outlet_id == county["outlet"].id, Stock.product_id == county["urea"].id
        )
    ).quantity = 0
    for n in range(2):
        factories.volunteer(
            township=county["township"],
            payload_kg=300,
            home_lat=29.30 + n * 0.01,
            home_lon=108.18,
            shift_start=time(8),
            shift_end=time(17),
        )
    _orders(county, BIG_DAY, [village, other_village], 14, first=10, urea=2)
    big_plan = _plan_and_publish(BIG_DAY)
    big = _size(big_plan)
    after = _measure(clients, token, BIG_DAY)

    assert big[0] > small[0] and big[1] > 2 * small[1], (small, big)
    assert db.session.scalar(select(func.count()).select_from(Household)) == 17
    assert volunteer.id in {run.volunteer_id for run in big_plan.runs}
    assert len({run.outlet_id for run in big_plan.runs}) == 2
    grown = {page: (before[page], after[page]) for page in before if after[page] != before[page]}
    assert not grown, f"statements (small day, big day) of pages that grew: {grown}"
