"""Road network benchmark: load a generated county-sized OpenStreetMap extract, then time
distance and travel-time matrices on it.

    python benchmarks/road_network.py                        # ~200,000 nodes, 2,000 places
    python benchmarks/road_network.py --nodes 50000 --places 500
    python benchmarks/road_network.py --database-url postgresql://.../bench

The network is a mountain county's shape, not a grid of streets: junctions about a
kilometre apart on a jittered lattice (a third of the links missing, as where valleys
and ridges leave no road), roads winding through a node every 100 m or so, one-way
streets here and there, secondary roads every tenth row and column, the rest
unclassified roads and tracks. Loading runs ``flask load-roads`` in a fresh process, so
its peak memory (ru_maxrss) is its own; the matrices are computed here, with an empty
cache (a first day), a full cache (the same places again) and a next day where a tenth
of the places are new.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ORIGIN = (29.05, 107.90)  # south-west corner, inside Pengshui
EARTH_RADIUS_M = 6_371_008.8


def _at(x_m: np.ndarray, y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat0, lon0 = ORIGIN
    lat = lat0 + np.degrees(y_m / EARTH_RADIUS_M)
    lon = lon0 + np.degrees(x_m / (EARTH_RADIUS_M * math.cos(math.radians(lat0))))
    return lat, lon


def generate(path: Path, nodes: int, seed: int) -> dict:
    """Write a county-like extract with about ``nodes`` nodes; returns its figures."""
    import osmium

    rng = np.random.default_rng(seed)
    spacing_m, shape_step_m = 1000.0, 110.0
    keep_share = 2 / 3
    # Nodes per lattice link: about (spacing * winding / step); links kept per junction ~ 2 * 2/3.
    per_link = spacing_m * 1.3 / shape_step_m
    side = max(3, int(math.sqrt(nodes / (1 + 2 * keep_share * per_link))))
    jx = np.arange(side)[None, :] * spacing_m + rng.normal(0, 150, (side, side))
    jy = np.arange(side)[:, None] * spacing_m + rng.normal(0, 150, (side, side))
    junction_id = np.arange(side * side).reshape(side, side) + 1
    next_id = side * side + 1
    writer = osmium.SimpleWriter(str(path), overwrite=True)
    jlat, jlon = _at(jx, jy)
    written_nodes = 0
    for r in range(side):
        for c in range(side):
            writer.add_node(
                osmium.osm.mutable.Node(
                    id=int(junction_id[r, c]), location=(float(jlon[r, c]), float(jlat[r, c]))
                )
            )
            written_nodes += 1
    ways = 0
    way_id = 1
    for horizontal in (True, False):
        for line in range(side):
            main = line % 10 == 0
            current: list[int] = []
            for step in range(side - 1):
                a = (line, step) if horizontal else (step, line)
                b = (line, step + 1) if horizontal else (step + 1, line)
                if not main and rng.random() > keep_share:
                    if len(current) > 1:
                        _add_way(writer, way_id, current, main, rng)
                        way_id += 1
                        ways += 1
                    current = []
                    continue
                x0, y0, x1, y1 = jx[a], jy[a], jx[b], jy[b]
                length = math.hypot(x1 - x0, y1 - y0) * 1.3
                count = max(1, int(length / shape_step_m))
                t = np.arange(1, count) / count
                # Winding: a sideways swing of a few hundred metres along the link.
                swing = np.sin(t * math.pi * rng.integers(1, 4)) * rng.normal(0, 120)
                nx, ny = (y0 - y1), (x1 - x0)
                norm = math.hypot(nx, ny) or 1.0
                sx = x0 + (x1 - x0) * t + swing * nx / norm
                sy = y0 + (y1 - y0) * t + swing * ny / norm
                slat, slon = _at(sx, sy)
                if not current:
                    current = [int(junction_id[a])]
                for lat, lon in zip(slat, slon, strict=True):
                    writer.add_node(
                        osmium.osm.mutable.Node(id=next_id, location=(float(lon), float(lat)))
                    )
                    current.append(next_id)
                    next_id += 1
                    written_nodes += 1
                current.append(int(junction_id[b]))
            if len(current) > 1:
                _add_way(writer, way_id, current, main, rng)
                way_id += 1
                ways += 1
    writer.close()
    return {"nodes": written_nodes, "ways": ways, "lattice": f"{side} x {side}"}


def _add_way(writer, way_id: int, nodes: list[int], main: bool, rng) -> None:
    import osmium

    tags = {"highway": "secondary" if main else ("unclassified" if rng.random() < 0.6 else "track")}
    if not main and rng.random() < 0.02:
        tags["oneway"] = "yes"
    writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=nodes, tags=tags))


def _app(database_url: str):
    from supply_match import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "benchmark",
            "QUEUE_SQLITE_PATH": os.path.join(tempfile.mkdtemp(), "queue.db"),
        }
    )


def load_stage(database_url: str, path: str) -> None:
    """Child process: migrate, load the extract, print seconds and memory as JSON."""
    from flask_migrate import upgrade

    from supply_match.services.planning.roads.store import load_road_network

    app = _app(database_url)
    with app.app_context():
        upgrade()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        loaded = load_road_network(Path(path))
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "load_s": round(seconds, 2),
                "rss_before_mb": round(before / 1024, 1),
                "peak_rss_mb": round(peak / 1024, 1),
                "osm_nodes": loaded.osm_nodes,
                "junctions": loaded.junctions,
                "chains": loaded.chains,
                "length_km": round(loaded.length_km, 1),
            }
        )
    )


def matrix_stage(database_url: str, places: int, types: list[str], seed: int) -> dict:
    from supply_match.extensions import db
    from supply_match.models import RoadNetwork
    from supply_match.services.planning.roads.store import current_provider

    rng = np.random.default_rng(seed)
    app = _app(database_url)
    figures: dict = {}
    with app.app_context():
        start = time.perf_counter()
        provider = current_provider()
        figures["open_network_s"] = round(time.perf_counter() - start, 2)
        graph = provider.index.graph
        figures["graph_blob_mb"] = round(
            len(db.session.scalar(db.select(RoadNetwork.graph))) / 1e6, 1
        )

        def near_roads(count: int) -> list[tuple[float, float]]:
            # Households stand a little off the road: up to ~300 m from a road point.
            chosen = rng.integers(0, len(graph.shape_lat), count)
            return [
                (
                    float(graph.shape_lat[i] + rng.normal(0, 0.001)),
                    float(graph.shape_lon[i] + rng.normal(0, 0.001)),
                )
                for i in chosen
            ]

        day_one = near_roads(places)
        for label, points in (
            ("first_day_s", day_one),
            ("same_places_s", day_one),
            ("next_day_10pct_new_s", day_one[: places - places // 10] + near_roads(places // 10)),
        ):
            provider.searches = 0
            start = time.perf_counter()
            matrices = provider.matrices(points, types)
            figures[label] = round(time.perf_counter() - start, 2)
            figures[label.replace("_s", "_searches")] = provider.searches
        figures["matrix"] = f"{len(matrices.distance_m)} x {len(matrices.distance_m)}"
        figures["metrics"] = ["distance", *types]
        figures["median_leg_km"] = round(float(np.median(matrices.distance_m)) / 1000, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--places", type=int, default=2_000)
    parser.add_argument(
        "--types", default="electric_tricycle,minivan", help="vehicle types on duty"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--stage", choices=["load"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage == "load":
        load_stage(args.database_url, args.file)
        return

    folder = Path(tempfile.mkdtemp(prefix="road_benchmark_"))
    database_url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    path = folder / "county.osm.pbf"
    start = time.perf_counter()
    generated = generate(path, args.nodes, args.seed)
    generated["generate_s"] = round(time.perf_counter() - start, 1)
    generated["file_mb"] = round(path.stat().st_size / 1e6, 1)
    print("extract:", json.dumps(generated), flush=True)
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--stage",
            "load",
            "--database-url",
            database_url,
            "--file",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    print("load-roads:", child.stdout.strip().splitlines()[-1], flush=True)
    figures = matrix_stage(database_url, args.places, args.types.split(","), args.seed)
    print("matrices:", json.dumps(figures, ensure_ascii=False))
    print(f"cores: {os.cpu_count()}, database: {database_url.split(':')[0]}")


if __name__ == "__main__":
    main()
