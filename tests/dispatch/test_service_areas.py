"""Volunteers' service areas: a stop goes only to volunteers whose area holds it."""

from datetime import time

from supply_match.extensions import db
from supply_match.models import Role
from supply_match.services.planning.areas import NO_VOLUNTEER_IN_AREA
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.supply.matching import run_matching
from tests import factories
from tests.days import DAY, allocated_orders

SETTINGS = PlanningSettings(solution_limit=50)


def _far_township_order(county, name="大垭乡"):
    """An order in another township, near enough that the home township's volunteers
    would take it if areas did not count."""
    township = factories.township(name=name, lat=29.33, lon=108.21)
    village = factories.village(township=township, lat=29.33, lon=108.21)
    household = factories.household(village=village, lat=29.331, lon=108.211)
    order = factories.order(
        household=household, lines=[(county["urea"], 1)], wanted_from=DAY, wanted_to=DAY
    )
    return township, village, order


def _stops_by_volunteer(plan):
    return {
        item.order_id: run.volunteer_id
        for run in plan.runs
        for stop in run.stops
        for item in stop.items
    }


def test_a_volunteer_serves_their_home_township_by_default(app):
    volunteer = factories.volunteer()
    inside = factories.village(township=volunteer.township)
    elsewhere = factories.village()
    assert volunteer.covers(inside.id, inside.township_id)
    assert not volunteer.covers(elsewhere.id, elsewhere.township_id)
    assert volunteer.service_area_codes == [volunteer.township.code]


def test_a_listed_area_replaces_the_home_township(app):
    volunteer = factories.volunteer()
    home_village = factories.village(township=volunteer.township)
    neighbour = factories.township()
    one_village = factories.village()
    volunteer.area_townships.append(neighbour)
    volunteer.area_villages.append(one_village)
    neighbour_village = factories.village(township=neighbour)
    db.session.flush()
    assert volunteer.covers(neighbour_village.id, neighbour.id)
    assert volunteer.covers(one_village.id, one_village.township_id)
    assert not volunteer.covers(home_village.id, home_village.township_id)
    assert volunteer.service_area_codes == [neighbour.code, one_village.code]


def test_a_stop_no_volunteer_covers_is_unassigned_with_its_own_reason(county):
    home = allocated_orders(county, [[(county["urea"], 1)]])
    _township, _village, far = _far_township_order(county)
    db.session.commit()
    run_matching()
    db.session.commit()
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()
    assert set(_stops_by_volunteer(plan)) == {home[0].id}
    assert [(u.order_id, u.reason) for u in plan.unassigned] == [(far.id, NO_VOLUNTEER_IN_AREA)]


def test_a_volunteer_whose_area_lists_the_township_gets_its_stop(county):
    township, _village, far = _far_township_order(county)
    helper = factories.volunteer(
        township=county["township"],
        payload_kg=300,
        home_lat=29.30,
        home_lon=108.18,
        shift_start=time(8),
        shift_end=time(17),
    )
    helper.area_townships.append(township)
    db.session.commit()
    run_matching()
    db.session.commit()
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()
    assert _stops_by_volunteer(plan) == {far.id: helper.id}
    assert plan.unassigned == []


def test_the_plan_page_names_the_township_nobody_covers(county, client):
    _township, _village, _far = _far_township_order(county, name="石盘乡")
    db.session.commit()
    run_matching()
    db.session.commit()
    plan_day(DAY, SETTINGS)
    db.session.commit()
    factories.user(Role.DISPATCHER, username="disp")
    db.session.commit()
    client.post("/login", data={"login": "disp", "password": factories.PASSWORD})
    page = client.get(f"/plans/{DAY.isoformat()}").get_data(as_text=True)
    assert "没有值班志愿者负责石盘乡" in page
