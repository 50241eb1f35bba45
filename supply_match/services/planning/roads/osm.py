"""Reading the drivable roads out of an OpenStreetMap extract (.osm.pbf, .osm, .osm.bz2)
with pyosmium."""

from __future__ import annotations

from pathlib import Path

import osmium

from supply_match.services.planning.roads.graph import RoadGraph, WayRecord, build_graph
from supply_match.services.planning.roads.speeds import ROAD_CLASS_SPEEDS_KMH

FORWARD = frozenset({"yes", "true", "1"})
BACKWARD = frozenset({"-1", "reverse"})
CLOSED = frozenset({"no", "private"})
OPEN = frozenset({"yes", "permissive", "designated", "destination", "agricultural", "delivery"})


class OsmFileError(ValueError):
    """The file cannot be read as OpenStreetMap data."""


def _closed_to_vehicles(tags) -> bool:
    for key in ("motor_vehicle", "vehicle"):
        value = tags.get(key)
        if value in CLOSED:
            return True
        if value in OPEN:
            return False
    return tags.get("access") in CLOSED or tags.get("area") == "yes"


def _direction(tags, road_class: str) -> int:
    """1 one-way along the way, -1 one-way against it, 0 both ways."""
    oneway = tags.get("oneway")
    if oneway in FORWARD:
        return 1
    if oneway in BACKWARD:
        return -1
    if oneway == "no":
        return 0
    implied = road_class == "motorway" or tags.get("junction") in ("roundabout", "circular")
    return 1 if implied else 0


def read_ways(path: Path) -> list[WayRecord]:
    """The ways of ``path`` a delivery vehicle may drive, oriented as they may be driven.

    Raises ``OsmFileError`` when the file is not OpenStreetMap data."""
    ways: list[WayRecord] = []
    try:
        processor = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in processor:
            road_class = way.tags.get("highway")
            if road_class not in ROAD_CLASS_SPEEDS_KMH or _closed_to_vehicles(way.tags):
                continue
            nodes = [n for n in way.nodes if n.location.valid()]
            if len(nodes) < 2:
                continue
            direction = _direction(way.tags, road_class)
            if direction < 0:
                nodes.reverse()
            ways.append(
                WayRecord(
                    node_ids=[n.ref for n in nodes],
                    lats=[n.location.lat for n in nodes],
                    lons=[n.location.lon for n in nodes],
                    road_class=road_class,
                    oneway=direction != 0,
                )
            )
    except RuntimeError as error:
        raise OsmFileError(str(error)) from None
    return ways


def read_graph(path: Path) -> RoadGraph:
    """The drivable road graph of an OpenStreetMap extract."""
    return build_graph(read_ways(path))
