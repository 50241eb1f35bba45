"""The dispatcher's board costs the same number of SQL statements whatever the size of
the day: loading runs, stops or items one at a time would make it grow with them."""

from datetime import timedelta

from sqlalchemy import event

from supply_match.extensions import db
from supply_match.models import Role
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.supply.matching import run_matching
from tests import factories
from tests.days import DAY, household


def _plan(county, day, n_orders):
    for i in range(n_orders):
        factories.order(
            household=household(county, i + 10 * day.day),
            lines=[(county["seed"], 2)],
            wanted_from=day,
            wanted_to=day,
        )
    db.session.commit()
    run_matching()
    db.session.commit()
    plan = plan_day(day, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    return plan


def _statements(app, client, path) -> int:
    count = [0]

    def counted(*_args):
        count[0] += 1

    db.session.expire_all()  # nothing left loaded from an earlier request
    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return count[0]


def test_the_board_query_count_does_not_grow_with_runs_or_stops(app, client, county):
    small = _plan(county, DAY, 2)
    big = _plan(county, DAY + timedelta(days=1), 9)
    stops = lambda plan: sum(len(run.stops) for run in plan.runs)  # noqa: E731
    assert stops(big) > stops(small)
    factories.user(Role.DISPATCHER, username="dispatcher")
    db.session.commit()
    client.post("/login", data={"login": "dispatcher", "password": factories.PASSWORD})
    paths = [f"/plans/{plan.delivery_date.isoformat()}/board" for plan in (small, big)]
    db.session.expire_all()
    _statements(app, client, paths[0])  # the first request after signing in loads more
    counts = [_statements(app, client, path) for path in paths]
    assert counts[0] == counts[1], counts
