"""Road distances on a small town built in the test: a river, one road bridge, a
footbridge, a one-way street, a private yard road and an unconnected road."""

from __future__ import annotations

import pytest

from supply_match.extensions import db
from supply_match.models import RoadLegs, RoadNetwork, RoadPoint
from supply_match.services.planning.distances import GreatCircleProvider, provider_for
from supply_match.services.planning.roads import store
from supply_match.services.planning.roads.matrix import OffRoadError
from supply_match.services.planning.roads.osm import OsmFileError
from supply_match.services.planning.roads.store import (
    RoadNetworkProvider,
    current_provider,
    load_road_network,
)
from tests.roads.osm_files import at, river_town

WEST_BANK = at(-100, 0)
EAST_BANK = at(100, 0)
# Up the west bank to the bridge, across, and down the east bank; the footbridge between
# the two points carries no vehicle.
ACROSS_THE_RIVER_M = 5000 + 200 + 5000
ONE_WAY_REAR = at(200, 2000)
ONE_WAY_FRONT = at(400, 2000)
# Forward to x = 600, north to y = 2,500, west to the bank road, south, east 100 m.
AROUND_THE_BLOCK_M = 200 + 500 + 500 + 500 + 100


@pytest.fixture
def town(app, tmp_path):
    load_road_network(river_town(tmp_path / "town.osm.pbf"))
    return current_provider()


def test_a_point_across_the_river_is_reached_over_the_bridge(town):
    matrices = town.matrices([WEST_BANK, EAST_BANK], ["electric_tricycle", "minivan"])
    straight = GreatCircleProvider(circuity=1.0).matrices([WEST_BANK, EAST_BANK], [])

    assert straight.distance_m[0][1] == pytest.approx(200, abs=1)
    assert matrices.distance_m[0][1] == pytest.approx(ACROSS_THE_RIVER_M, rel=0.002)
    assert matrices.distance_m[1][0] == pytest.approx(ACROSS_THE_RIVER_M, rel=0.002)
    # Tertiary roads: 30 km/h, an electric tricycle tops out at 25 km/h.
    assert matrices.duration_s["minivan"][0][1] == pytest.approx(
        ACROSS_THE_RIVER_M / (30 / 3.6), rel=0.002
    )
    assert matrices.duration_s["electric_tricycle"][0][1] == pytest.approx(
        ACROSS_THE_RIVER_M / (25 / 3.6), rel=0.002
    )


def test_a_one_way_street_is_driven_only_its_way(town):
    matrices = town.matrices([ONE_WAY_REAR, ONE_WAY_FRONT], ["minivan"])
    assert matrices.distance_m[0][1] == pytest.approx(200, abs=2)
    assert matrices.distance_m[1][0] == pytest.approx(AROUND_THE_BLOCK_M, rel=0.002)


def test_the_same_place_twice_is_zero_apart_and_every_pair_is_filled(town):
    points = [WEST_BANK, EAST_BANK, WEST_BANK, ONE_WAY_FRONT]
    matrices = town.matrices(points, ["motorcycle"])
    assert matrices.distance_m.shape == (4, 4)
    assert matrices.distance_m[0][2] == 0
    assert (matrices.distance_m[[0, 1, 3]][:, [0, 1, 3]].diagonal() == 0).all()
    assert (matrices.duration_s["motorcycle"] >= 0).all()


def test_a_point_far_from_any_road_is_refused_with_its_distance(town):
    far = at(-3000, 2000)  # 2.4 km west of the end of the nearest side street
    with pytest.raises(OffRoadError, match=r"1000.*\(29\.3\d+, 108\.1\d+\) 2\.4 km") as error:
        town.matrices([WEST_BANK, far], ["minivan"])
    assert [index for index, *_ in error.value.far] == [1]


def test_roads_not_joined_to_the_network_are_left_out(town):
    """Near the unconnected service road is still 2.4 km from any road a run can use."""
    with pytest.raises(OffRoadError, match="2.4 km"):
        town.matrices([at(3000, 500)], ["minivan"])


def test_footways_and_private_roads_are_not_roads(app, tmp_path):
    loaded = load_road_network(river_town(tmp_path / "town.osm.pbf"))
    network = db.session.get(RoadNetwork, loaded.network_id)
    # 6 km on each bank, the bridge, 19 side streets, the one-way street and the block's
    # connector; not the footbridge, the private yard road or the unconnected road.
    assert network.length_km == pytest.approx(6 + 6 + 0.2 + 19 * 0.5 + 0.5 + 0.5, rel=0.002)


def test_legs_are_stored_and_only_new_pairs_are_searched(town):
    first = [WEST_BANK, EAST_BANK, ONE_WAY_REAR]
    day_one = town.matrices(first, ["minivan"])
    assert town.searches == 2 * 3  # each place once, for distance and for the minivan
    assert db.session.query(RoadPoint).count() == 3
    assert db.session.query(RoadLegs).count() == 2 * 3

    # Another process on the next day: nothing in memory, the database holds the legs.
    store._memo.clear()
    again = current_provider()
    day_two = again.matrices(first, ["minivan"])
    assert again.searches == 0
    assert (day_two.distance_m == day_one.distance_m).all()
    assert (day_two.duration_s["minivan"] == day_one.duration_s["minivan"]).all()

    with_one_more = [ONE_WAY_FRONT, *first]
    day_three = again.matrices(with_one_more, ["minivan"])
    # The new place once forward and once backward, per metric.
    assert again.searches == 2 * 2
    fresh = RoadNetworkProvider(again.network_id, again.index, remember=False)
    expected = fresh.matrices(with_one_more, ["minivan"])
    assert (day_three.distance_m == expected.distance_m).all()
    assert (day_three.duration_s["minivan"] == expected.duration_s["minivan"]).all()


def test_a_provider_that_does_not_remember_writes_nothing(town):
    quiet = RoadNetworkProvider(town.network_id, town.index, remember=False)
    quiet.matrices([WEST_BANK, EAST_BANK], ["pickup"])
    assert db.session.query(RoadPoint).count() == 0
    assert db.session.query(RoadLegs).count() == 0


def test_loading_a_network_again_replaces_the_old_one_and_its_legs(town, tmp_path):
    town.matrices([WEST_BANK, EAST_BANK], ["minivan"])
    load_road_network(river_town(tmp_path / "again.osm.pbf"))
    assert db.session.query(RoadNetwork).count() == 1
    assert db.session.query(RoadPoint).count() == 0
    assert db.session.query(RoadLegs).count() == 0


def test_without_a_network_distances_are_straight_line_estimates(app):
    assert isinstance(provider_for(1.4), GreatCircleProvider)


def test_with_a_network_planning_asks_the_road_provider(town):
    assert isinstance(provider_for(1.4), RoadNetworkProvider)


def test_load_roads_command_reports_the_network(runner, tmp_path):
    path = river_town(tmp_path / "town.osm.pbf")
    result = runner.invoke(args=["load-roads", str(path)])
    assert result.exit_code == 0, result.output
    assert "road network loaded" in result.output
    assert db.session.query(RoadNetwork).count() == 1


def test_load_roads_refuses_a_file_that_is_not_openstreetmap(runner, tmp_path):
    path = tmp_path / "orders.osm.pbf"
    path.write_bytes(b"not a protocol buffer at all")
    result = runner.invoke(args=["load-roads", str(path)])
    assert result.exit_code != 0
    assert "nothing changed" in result.output
    assert db.session.query(RoadNetwork).count() == 0


def test_load_roads_refuses_a_file_without_roads(runner, tmp_path):
    from tests.roads.osm_files import line, write_osm

    path = write_osm(tmp_path / "river.osm", [(line((0, 0), (0, 900)), {"waterway": "river"})])
    result = runner.invoke(args=["load-roads", str(path)])
    assert result.exit_code != 0
    assert "no drivable road" in result.output


def test_osm_errors_are_value_errors():
    assert issubclass(OsmFileError, ValueError)
