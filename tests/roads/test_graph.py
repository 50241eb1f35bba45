"""The road graph alone: junctions, chains and the parts kept (no database)."""

from __future__ import annotations

import pytest

from supply_match.services.planning.roads.graph import EmptyNetworkError, WayRecord, build_graph
from tests.roads.osm_files import at


def _way(node_ids, points_m, road_class="tertiary", oneway=False):
    points = [at(*p) for p in points_m]
    return WayRecord(
        list(node_ids), [p[0] for p in points], [p[1] for p in points], road_class, oneway
    )


def _triangle_with(pieces):
    """A loop road split into ``pieces`` ways (so that every junction is passed through,
    except where the spur meets it) and a spur, both ways drivable."""
    return [*pieces, _way([1, 9], [(0, 0), (-500, 0)])]


def test_a_road_split_into_several_ways_is_one_chain_between_real_junctions():
    ring = [
        _way([1, 2], [(0, 0), (1000, 0)]),
        _way([2, 3], [(1000, 0), (1000, 1000)]),  # a bridge, mapped as its own way
        _way([3, 1], [(1000, 1000), (0, 0)]),
    ]
    graph = build_graph(_triangle_with(ring))
    # Junction 1 (three chains meet) and the spur's end; the ring is one chain from 1 to 1.
    assert graph.junctions == 2
    assert graph.chains == 2
    assert sorted(graph.chain_length_m.round()) == [500, round(2000 + 2**0.5 * 1000)]


def test_one_way_pieces_driven_one_after_the_other_are_one_one_way_chain():
    ring = [
        _way([1, 2], [(0, 0), (1000, 0)], oneway=True),
        _way([2, 3], [(1000, 0), (1000, 1000)], oneway=True),
        _way([3, 1], [(1000, 1000), (0, 0)], oneway=True),
    ]
    graph = build_graph(_triangle_with(ring))
    assert graph.junctions == 2
    ring_chain = int(graph.chain_length_m.argmax())
    assert bool(graph.chain_oneway[ring_chain])
    assert graph.chain_from[ring_chain] == graph.chain_to[ring_chain]


def test_a_dead_end_one_way_street_is_not_kept():
    """Both one-way pieces arrive at junction 2: nothing leaves it, so it is no part of the
    network where every junction reaches every other one."""
    ways = [
        _way([1, 2], [(0, 0), (1000, 0)], oneway=True),
        _way([3, 2], [(1000, 1000), (1000, 0)], oneway=True),
        _way([3, 1], [(1000, 1000), (0, 0)]),
        _way([1, 9], [(0, 0), (-500, 0)]),
    ]
    graph = build_graph(ways)
    # What is left (3 - 1 - 9) is one chain through junction 1.
    assert graph.chains == 1
    assert graph.chain_length_m[0] == pytest.approx(2**0.5 * 1000 + 500, rel=0.001)


def test_roads_of_different_classes_keep_their_junction():
    ways = [
        _way([1, 2], [(0, 0), (1000, 0)], road_class="secondary"),
        _way([2, 3], [(1000, 0), (2000, 0)], road_class="track"),
    ]
    graph = build_graph(ways)
    assert graph.chains == 2
    assert sorted(graph.chain_class_names()) == ["secondary", "track"]


def test_a_file_without_drivable_ways_is_an_empty_network():
    with pytest.raises(EmptyNetworkError):
        build_graph([_way([1], [(0, 0)])])


def test_a_single_one_way_street_or_an_expressway_alone_is_an_empty_network():
    """Neither lets a vehicle come back: there is no network to plan on."""
    with pytest.raises(EmptyNetworkError):
        build_graph([_way([1, 2], [(0, 0), (1000, 0)], oneway=True)])
    with pytest.raises(EmptyNetworkError):
        build_graph([_way([1, 2], [(0, 0), (1000, 0)], road_class="motorway")])


def test_the_graph_survives_its_round_trip_through_bytes():
    graph = build_graph(_triangle_with([_way([1, 2, 1], [(0, 0), (1000, 0), (0, 0)])]))
    again = type(graph).from_bytes(graph.to_bytes())
    assert again.class_names == graph.class_names
    assert (again.shape_offset_m == graph.shape_offset_m).all()
    assert again.osm_nodes == graph.osm_nodes == 3
