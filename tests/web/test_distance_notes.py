"""The plan page and the route sheets say when distances are straight-line estimates."""

import pytest

from supply_match.extensions import db
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.roads.store import load_road_network
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders
from tests.roads.osm_files import write_osm

ESTIMATE_NOTE = 'data-note="distances-estimated"'
SHEET_NOTE = "按直线距离估算"


@pytest.fixture
def planned_day(app, auth, county):
    factories.user(role="dispatcher", username="diaodu-test")
    allocated_orders(county, [[(county["seed"], 2)]])
    plan_day(DAY, PlanningSettings(solution_limit=20))
    db.session.commit()
    auth.login("diaodu-test")


def _pages(client):
    plan = client.get(f"/plans/{DAY.isoformat()}")
    sheets = client.get(f"/plans/{DAY.isoformat()}/sheets")
    assert plan.status_code == sheets.status_code == 200
    return plan.get_data(as_text=True), sheets.get_data(as_text=True)


def test_without_a_road_network_the_plan_and_its_sheets_say_distances_are_estimates(
    client, planned_day
):
    plan, sheets = _pages(client)
    assert ESTIMATE_NOTE in plan and "直线距离乘以 1.4" in plan
    assert SHEET_NOTE in sheets


def test_with_a_road_network_loaded_the_notes_are_gone(client, planned_day, county, tmp_path):
    places = [(29.29, 108.17), (29.30, 108.18), (29.31, 108.19), (29.32, 108.20)]
    load_road_network(write_osm(tmp_path / "roads.osm", [(places, {"highway": "tertiary"})]))
    plan, sheets = _pages(client)
    assert ESTIMATE_NOTE not in plan
    assert SHEET_NOTE not in sheets
