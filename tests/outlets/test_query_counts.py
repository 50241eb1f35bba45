"""Lists with amounts cost the same number of SQL statements whatever their size: the
prices of a page's orders are read once for the page, never once per order or per run."""

from datetime import timedelta

from sqlalchemy import event

from supply_match.extensions import db
from supply_match.models import PaymentMethod, Role, SubsidyProgramme
from supply_match.services.planning.day import PlanningSettings, plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.supply import prices
from supply_match.services.supply.matching import run_matching
from tests import factories
from tests.days import DAY, household


def _day_of_orders(county, day, n_orders, programme, urea_bags=1):
    """``n_orders`` priced orders wanted on ``day``, in the three payment ways, planned and
    published."""
    for i in range(n_orders):
        order = factories.order(
            household=household(county, i + 10 * day.day),
            lines=[(county["seed"], 2), (county["urea"], urea_bags)]
            if i % 2
            else [(county["seed"], 1)],
            wanted_from=day,
            wanted_to=day,
        )
        order.payment_method = (
            PaymentMethod.ON_DELIVERY,
            PaymentMethod.PREPAID,
            PaymentMethod.SUBSIDY,
        )[i % 3]
        if order.payment_method == PaymentMethod.SUBSIDY:
            order.subsidy_programme = programme
    db.session.commit()
    run_matching()
    db.session.commit()
    plan = plan_day(day, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    return plan


def _statements(client, path) -> int:
    count = [0]

    def counted(*_args):
        count[0] += 1

    db.session.expire_all()  # nothing left loaded from an earlier request
    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    assert response.status_code == 200, (path, response.status_code)
    return count[0]


def _counts(client, paths: list[str]) -> list[int]:
    _statements(client, paths[0])  # the first request after signing in loads more
    return [_statements(client, path) for path in paths]


def _priced_days(county):
    outlet = county["outlet"]
    prices.set_outlet_prices(outlet, {county["urea"].id: "140", county["seed"].id: "38.50"}, None)
    programme = SubsidyProgramme(name="春耕化肥补贴", share_percent=30)
    db.session.add(programme)
    db.session.commit()
    small = _day_of_orders(county, DAY, 3, programme)
    # The big day is heavier than two volunteers carry: more of them load, more runs.
    for _ in range(3):
        factories.volunteer(township=county["township"], home_lat=29.30, home_lon=108.18)
    big = _day_of_orders(county, DAY + timedelta(days=1), 12, programme, urea_bags=4)
    stops = lambda plan: sum(len(run.stops) for run in plan.runs)  # noqa: E731
    assert stops(big) > stops(small)
    assert len(big.runs) > len(small.runs)
    return small, big


def _sign_in(client, role, **fields):
    user = factories.user(role, **fields)
    db.session.commit()
    client.post("/login", data={"login": user.username, "password": factories.PASSWORD})


def test_the_api_orders_list_reads_prices_once_per_page(client, county):
    _priced_days(county)
    _sign_in(client, Role.DISPATCHER)
    paths = ["/api/v1/orders?per_page=3", "/api/v1/orders?per_page=15"]
    counts = _counts(client, paths)
    assert counts[0] == counts[1], counts
    body = client.get(paths[1]).get_json()
    assert len(body["items"]) == 15
    assert all(isinstance(item["total_fen"], int) for item in body["items"])


def test_the_order_and_household_lists_do_not_grow_with_the_page(app, client, county):
    _priced_days(county)
    _sign_in(client, Role.DISPATCHER)
    counts = _counts(client, ["/api/v1/households?per_page=3", "/api/v1/households?per_page=15"])
    assert counts[0] == counts[1], counts
    for path in ("/orders", "/households"):
        counts = []
        for size in (3, 3, 15):  # the first request after signing in loads more
            app.config["PAGE_SIZE"] = size
            counts.append(_statements(client, path))
        assert counts[1] == counts[2], (path, counts)


def test_packing_labels_and_the_days_runs_do_not_grow_with_the_day(client, county):
    small, big = _priced_days(county)
    outlet = county["outlet"]
    _sign_in(client, Role.OUTLET_STAFF, outlet_id=outlet.id)
    days = [plan.delivery_date.isoformat() for plan in (small, big)]
    for template in (
        "/outlets/{outlet}/days/{day}",
        "/outlets/{outlet}/days/{day}/packing",
        "/outlets/{outlet}/days/{day}/labels",
        "/api/v1/plans/{day}/packing",
        "/api/v1/plans/{day}/runs",
    ):
        paths = [template.format(outlet=outlet.id, day=day) for day in days]
        counts = _counts(client, paths)
        assert counts[0] == counts[1], (template, counts)
