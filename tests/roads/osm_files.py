"""Small OpenStreetMap files written in the test, with pyosmium."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import osmium

from supply_match.geo import EARTH_RADIUS_M

# Near Pengshui's county town.
ORIGIN = (29.30, 108.18)


def at(x_m: float, y_m: float, origin: tuple[float, float] = ORIGIN) -> tuple[float, float]:
    """(lat, lon) of the point ``x_m`` east and ``y_m`` north of ``origin``."""
    lat0, lon0 = origin
    lat = lat0 + math.degrees(y_m / EARTH_RADIUS_M)
    lon = lon0 + math.degrees(x_m / (EARTH_RADIUS_M * math.cos(math.radians(lat0))))
    return lat, lon


Way = tuple[Sequence[tuple[float, float]], dict[str, str]]


def write_osm(path: Path, ways: Sequence[Way]) -> Path:
    """Write ``ways`` (points as (lat, lon), tags); ways share a node where they share a point."""
    node_ids: dict[tuple[float, float], int] = {}
    for points, _tags in ways:
        for point in points:
            key = (round(point[0], 7), round(point[1], 7))
            node_ids.setdefault(key, len(node_ids) + 1)
    writer = osmium.SimpleWriter(str(path))
    try:
        for (lat, lon), node_id in node_ids.items():
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat)))
        for number, (points, tags) in enumerate(ways, start=1):
            ids = [node_ids[(round(p[0], 7), round(p[1], 7))] for p in points]
            writer.add_way(osmium.osm.mutable.Way(id=number, nodes=ids, tags=tags))
    finally:
        writer.close()
    return path


def line(*points_m: tuple[float, float], step_m: float = 500.0) -> list[tuple[float, float]]:
    """A way through the points (metres from the origin), with a node every ``step_m``."""
    out = [at(*points_m[0])]
    for (x0, y0), (x1, y1) in zip(points_m, points_m[1:], strict=False):
        steps = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / step_m))
        out += [
            at(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(1, steps + 1)
        ]
    return out


def river_town(path: Path) -> Path:
    """A town on both banks of a river running north along x = 0, one road bridge at
    y = 5,000 m, a footbridge at y = 0 (no vehicle crosses it), side streets every 500 m,
    a one-way street eastbound at y = 2,000 m on the east bank (x 100 to 600, back by
    x = 600 and y = 2,500), a private yard road and an unconnected service road."""
    road = {"highway": "tertiary"}
    ways: list[Way] = [
        (line((-100, -1000), (-100, 5000)), road),  # west bank road
        (line((100, -1000), (100, 5000)), road),  # east bank road
        (line((-100, 5000), (100, 5000)), {"highway": "tertiary", "bridge": "yes"}),
        (line((0, -2000), (0, 7000)), {"waterway": "river", "name": "乌江"}),
        (line((-100, 0), (100, 0)), {"highway": "footway", "bridge": "yes"}),
        (line((100, 2000), (600, 2000)), {"highway": "residential", "oneway": "yes"}),
        (line((600, 2000), (600, 2500)), {"highway": "residential"}),
        (line((-100, 1000), (-400, 1200)), {"highway": "service", "access": "private"}),
        (line((3000, 0), (3000, 800)), {"highway": "service"}),
    ]
    for y in range(0, 5000, 500):
        ways.append((line((-100, y), (-600, y)), {"highway": "residential"}))
        if y != 2000:
            ways.append((line((100, y), (600, y)), {"highway": "residential"}))
    return write_osm(path, ways)
