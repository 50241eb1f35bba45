"""The cadre and the dispatcher see where an order stands in the plan: partly on runs
(部分排车) with planned and unplanned quantities, or left off with the reason."""

from supply_match.extensions import db
from supply_match.models import Role
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.order_plans import order_on_plan
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders

ONE_TRIP = PlanningSettings(solution_limit=50, second_trips=False)


def test_an_order_bigger_than_the_day_s_payload_is_partly_scheduled(county, client):
    # 20 bags of 50 kg: 1,000 kg against 900 kg of payload on one trip each.
    (big,) = allocated_orders(county, [[(county["urea"], 20)]])
    plan_day(DAY, ONE_TRIP)
    db.session.commit()

    on_plan = order_on_plan(big)
    assert on_plan.partly
    (line,) = on_plan.lines
    assert 0 < line.planned < 20 and line.planned + line.unplanned == 20
    assert on_plan.reason

    factories.user(Role.CADRE, villages=[county["village"]], username="cadre-x")
    db.session.commit()
    client.post("/login", data={"login": "cadre-x", "password": factories.PASSWORD})
    page = client.get(f"/orders/{big.id}").get_data(as_text=True)
    assert "部分排车" in page
    assert f"{line.unplanned:f}".rstrip("0").rstrip(".") in page


def test_the_dispatcher_sees_a_partly_scheduled_order_on_the_plan_page_and_in_the_api(
    county, client
):
    (big,) = allocated_orders(county, [[(county["urea"], 20)]])
    plan_day(DAY, ONE_TRIP)
    db.session.commit()
    factories.user(Role.DISPATCHER, username="disp-x")
    db.session.commit()
    client.post("/login", data={"login": "disp-x", "password": factories.PASSWORD})
    page = client.get(f"/plans/{DAY.isoformat()}").get_data(as_text=True)
    assert 'data-partly="yes"' in page and "部分排车" in page
    (missing,) = client.get(f"/api/v1/plans/{DAY.isoformat()}").get_json()["unassigned"]
    assert missing["order_id"] == big.id and missing["partly_scheduled"] is True
    (line,) = missing["lines"]
    assert float(line["planned"]) + float(line["unplanned"]) == 20


def test_an_order_nobody_covers_tells_the_cadre_why(county, client):
    township = factories.township(name="大垭乡", lat=29.33, lon=108.21)
    village = factories.village(township=township)
    (far,) = allocated_orders({**county, "village": village}, [[(county["urea"], 1)]])
    plan_day(DAY, ONE_TRIP)
    db.session.commit()
    factories.user(Role.CADRE, villages=[village], username="cadre-y")
    db.session.commit()
    client.post("/login", data={"login": "cadre-y", "password": factories.PASSWORD})
    page = client.get(f"/orders/{far.id}").get_data(as_text=True)
    assert "没有值班志愿者负责大垭乡" in page
    assert "留待其他日期" in page


def test_the_plan_page_shows_the_runs_table_first_and_folds_each_run(county, client):
    allocated_orders(county, [[(county["urea"], 2)], [(county["seed"], 3)], [(county["urea"], 4)]])
    plan = plan_day(DAY, ONE_TRIP)
    db.session.commit()
    factories.user(Role.DISPATCHER, username="disp-z")
    db.session.commit()
    client.post("/login", data={"login": "disp-z", "password": factories.PASSWORD})
    page = client.get(f"/plans/{DAY.isoformat()}").get_data(as_text=True)
    table, drawing = page.index("run-overview"), page.index('class="plan-map')
    details = [page.index(f'<details class="run card" id="run-{run.id}"') for run in plan.runs]
    assert plan.runs and table < drawing < min(details)
    assert "<details open" not in page and "js/sort-table.js" in page
