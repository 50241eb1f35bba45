"""Planning measures on the road network once one is loaded."""

from __future__ import annotations

import pytest

from supply_match.geo import great_circle_m
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.loading import load_day
from supply_match.services.planning.problem import build_problem
from supply_match.services.planning.roads.store import load_road_network
from supply_match.services.planning.settings import PlanningError, PlanningSettings
from tests.days import DAY, allocated_orders
from tests.roads.osm_files import write_osm

SETTINGS = PlanningSettings(solution_limit=30)

# The county fixture: the outlet, the two volunteers' homes, and the first household.
OUTLET = (29.29, 108.17)
HOMES = [(29.30, 108.18), (29.31, 108.19)]
HOUSEHOLD = (29.32, 108.20)
# The household is across a river from the homes: the road goes north to a bridge and back.
BRIDGE_WEST, BRIDGE_EAST = (29.36, 108.19), (29.36, 108.20)


def _valley_road(path):
    road = {"highway": "secondary"}
    return write_osm(
        path,
        [
            ([OUTLET, *HOMES], road),
            ([HOMES[1], BRIDGE_WEST], road),
            ([BRIDGE_WEST, BRIDGE_EAST], {"highway": "secondary", "bridge": "yes"}),
            ([BRIDGE_EAST, HOUSEHOLD], road),
        ],
    )


def _along(*points):
    return sum(great_circle_m(*a, *b) for a, b in zip(points, points[1:], strict=False))


def test_the_problem_holds_road_distances_when_a_network_is_loaded(county, tmp_path):
    allocated_orders(county, [[(county["seed"], 2)]])
    straight = build_problem(load_day(DAY), SETTINGS)
    load_road_network(_valley_road(tmp_path / "valley.osm.pbf"))
    on_roads = build_problem(load_day(DAY), SETTINGS)

    for built in (straight, on_roads):
        assert built.location_points[0] == OUTLET
    (job,) = on_roads.problem.jobs
    by_road = _along(OUTLET, *HOMES, BRIDGE_WEST, BRIDGE_EAST, HOUSEHOLD)
    assert on_roads.problem.distance_m[0][job.location] == pytest.approx(by_road, rel=0.002)
    assert straight.problem.distance_m[0][job.location] == pytest.approx(
        1.4 * great_circle_m(*OUTLET, *HOUSEHOLD), rel=0.002
    )


def test_a_planned_run_on_roads_crosses_the_bridge_there_and_back(county, tmp_path):
    allocated_orders(county, [[(county["seed"], 2)]])
    load_road_network(_valley_road(tmp_path / "valley.osm.pbf"))
    plan = plan_day(DAY, SETTINGS)
    (run,) = plan.runs
    detour = _along(HOMES[1], BRIDGE_WEST, BRIDGE_EAST, HOUSEHOLD)
    assert run.distance_m >= 2 * detour * 0.998


def test_a_household_far_from_every_road_stops_planning_with_a_clear_reason(county, tmp_path):
    allocated_orders(county, [[(county["seed"], 2)]])
    load_road_network(
        write_osm(tmp_path / "town.osm", [([OUTLET, *HOMES], {"highway": "tertiary"})])
    )
    away_km = great_circle_m(*HOUSEHOLD, *HOMES[1]) / 1000
    with pytest.raises(PlanningError, match=rf"1000.*\(29\.32000, 108\.20000\) {away_km:.1f} km"):
        plan_day(DAY, SETTINGS)


def test_a_run_retimed_after_an_edit_keeps_its_road_distance(county, tmp_path):
    from supply_match.extensions import db
    from supply_match.services.planning.edits import retime

    allocated_orders(county, [[(county["seed"], 2)], [(county["seed"], 1)]])
    load_road_network(_valley_road(tmp_path / "valley.osm.pbf"))
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()
    run = plan.runs[0]
    planned_m = run.distance_m
    assert retime(run) == []
    assert run.distance_m == pytest.approx(planned_m, abs=len(run.stops) + 2)
