"""Benchmark instance files (Solomon, VRPLIB) as Problems, and Solutions back as node routes.

Conventions (see README): Solomon and VRPLIB VRPTW use the DIMACS distance, Euclid truncated
to one decimal, kept as integer tenths; VRPLIB CVRP rounds Euclid to the nearest integer.
Job ids are the file's node indices as strings, so routes map straight back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import vrplib

from .model import Job, Location, Problem, Solution, TimeWindow, Vehicle


@dataclass(frozen=True)
class Instance:
    name: str
    problem: Problem
    scale: int
    """Distances in the problem are instance units times ``scale`` (10 for DIMACS tenths)."""
    depot: int = 0
    """The depot's node index (0-based file order); job ids are the other nodes' indices."""


def _is_solomon(path: Path) -> bool:
    with path.open() as f:
        head = f.read(2000).upper()
    return "CUST NO." in head or ("VEHICLE" in head and "CUSTOMER" in head and ":" not in head)


def read_instance(path: str | Path) -> Instance:
    """A Solomon or VRPLIB file as a Problem.

    VRPLIB forms read (as the conventions allow): ``SERVICE_TIME`` once in the header (for
    every customer; the depot serves nothing) or a ``SERVICE_TIME_SECTION``; demands as a
    ``DEMAND_SECTION`` or one ``DEMAND`` for every customer (none: 0); time windows as a
    ``TIME_WINDOW_SECTION`` or one ``TIME_WINDOW : early late`` for every node (none: CVRP);
    ``VEHICLES`` given or not; the depot from ``DEPOT_SECTION`` (any node; node 1 if
    there is none); coordinates (``EUC_2D``) or an ``EDGE_WEIGHT_SECTION``.
    """
    path = Path(path)
    solomon = _is_solomon(path)
    data = vrplib.read_instance(
        str(path), instance_format="solomon" if solomon else "vrplib", compute_edge_weights=False
    )
    depots = np.asarray(data.get("depot", [0]), dtype=np.int64).ravel()
    if len(depots) != 1:
        raise ValueError(
            f"{path.name}: {len(depots)} depots; only single-depot instances can be read"
        )
    depot = int(depots[0])
    coords = np.asarray(data["node_coord"], dtype=float) if "node_coord" in data else None
    n = len(coords) if coords is not None else int(data.get("dimension", 0))
    windows = _windows(data, n)
    if "edge_weight" in data and coords is None:
        # Explicit weights are taken as they are (no scaling).
        scale = 1
        dist = np.asarray(data["edge_weight"], dtype=float).round().astype(np.int64)
        n = len(dist)
    elif coords is not None:
        euclid = np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=2))
        if windows is not None:
            scale = 10  # DIMACS: truncated to one decimal, kept as integer tenths
            dist = np.floor(euclid * 10 + 1e-9).astype(np.int64)
        else:
            scale = 1
            dist = np.floor(euclid + 0.5).astype(np.int64)
    else:
        raise ValueError(f"{path.name}: neither node coordinates nor edge weights")
    if not 0 <= depot < n:
        raise ValueError(f"{path.name}: depot {depot + 1} is not one of the {n} nodes")
    customers = [i for i in range(n) if i != depot]
    demand = _per_node(data, "demand", n, depot, 0).round().astype(np.int64)
    service = _per_node(data, "service_time", n, depot, 0) * scale
    if windows is not None:
        tw = windows * scale
        shift = TimeWindow(int(round(tw[depot][0])), int(round(tw[depot][1])))
    else:
        tw = None
        shift = TimeWindow(0, int(dist.sum()) + 1)
    total = int(demand.sum())
    capacity = int(data["capacity"]) if "capacity" in data else max(1, total)
    if "vehicles" in data:
        fleet = int(data["vehicles"])
    else:
        # "Unlimited": enough routes for any sensible solution without a huge model.
        lower = math.ceil(total / capacity) if capacity else 1
        fleet = max(1, min(len(customers), max(lower * 2, lower + 5)))
    vehicles = [
        Vehicle(id=str(k), start=depot, end=depot, payload_kg=capacity, shift=shift)
        for k in range(fleet)
    ]
    jobs = []
    for i in customers:
        job_windows = ()
        if tw is not None:
            job_windows = (TimeWindow(int(round(tw[i][0])), int(round(tw[i][1]))),)
        jobs.append(
            Job(
                id=str(i),
                location=i,
                outlet=depot,
                weight_kg=int(demand[i]),
                service_s=int(round(service[i])),
                time_windows=job_windows,
            )
        )
    matrix = dist.tolist()
    if coords is not None:
        locations = [Location(str(i), float(coords[i][1]), float(coords[i][0])) for i in range(n)]
    else:
        locations = [Location(str(i)) for i in range(n)]
    problem = Problem(
        locations=locations,
        distance_m=matrix,
        duration_s={"default": matrix},
        vehicles=vehicles,
        jobs=jobs,
        split_oversized=False,
    )
    return Instance(str(data.get("name", path.stem)), problem, scale, depot)


def _per_node(data: dict, key: str, n: int, depot: int, default: float) -> np.ndarray:
    """A per-node quantity given as a section (one value per node) or once in the header
    (the same for every customer; the depot gets ``default``)."""
    value = data.get(key)
    if value is None:
        return np.full(n, float(default))
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        out = np.full(n, float(array))
        out[depot] = default
        return out
    if array.shape != (n,):
        raise ValueError(f"{key.upper()}_SECTION has {len(array)} rows for {n} nodes")
    return array


def _windows(data: dict, n: int) -> np.ndarray | None:
    """(n, 2) time windows from a section, or from one ``TIME_WINDOW : early late`` line
    that applies to every node; None when the file has none."""
    value = data.get("time_window")
    if value is None:
        return None
    if isinstance(value, str):
        value = [float(x) for x in value.split()]
    array = np.asarray(value, dtype=float)
    if array.shape == (2,):
        return np.tile(array, (n, 1))
    if array.shape != (n, 2):
        raise ValueError(f"TIME_WINDOW_SECTION must give early and late for each of {n} nodes")
    return array


def routes_of(solution: Solution) -> list[list[int]]:
    """Node indices per run in visit order (job ids are node indices)."""
    return [[int(s.job_id) for s in r.stops] for r in solution.runs]


def result_json(instance: Instance, solution: Solution) -> dict:
    return {
        "routes": routes_of(solution),
        "distance": round(solution.distance_m / instance.scale, 6),
        "vehicles": len(solution.runs),
    }
