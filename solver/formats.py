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


def _is_solomon(path: Path) -> bool:
    with path.open() as f:
        head = f.read(2000).upper()
    return "CUST NO." in head or ("VEHICLE" in head and "CUSTOMER" in head and ":" not in head)


def read_instance(path: str | Path) -> Instance:
    path = Path(path)
    solomon = _is_solomon(path)
    data = vrplib.read_instance(str(path), instance_format="solomon" if solomon else "vrplib")
    coords = np.asarray(data["node_coord"], dtype=float)
    n = len(coords)
    has_tw = "time_window" in data
    euclid = np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=2))
    if has_tw:
        scale = 10
        dist = np.floor(euclid * 10 + 1e-9).astype(np.int64)
    else:
        scale = 1
        dist = np.floor(euclid + 0.5).astype(np.int64)
    depot = int(np.asarray(data.get("depot", [0])).ravel()[0])
    if depot != 0:
        raise ValueError("only instances whose depot is node 0 are supported")
    demand = np.asarray(data.get("demand", np.zeros(n)), dtype=np.int64)
    service = np.asarray(data.get("service_time", np.zeros(n)), dtype=float) * scale
    if has_tw:
        tw = np.asarray(data["time_window"], dtype=float) * scale
        horizon = int(round(tw[0][1]))
        shift = TimeWindow(int(round(tw[0][0])), horizon)
    else:
        tw = None
        shift = TimeWindow(0, int(dist.sum()) + 1)
    capacity = int(data["capacity"])
    if "vehicles" in data:
        fleet = int(data["vehicles"])
    else:
        # "Unlimited": enough routes for any sensible solution without a huge model.
        lower = math.ceil(int(demand.sum()) / capacity) if capacity else 1
        fleet = min(n - 1, max(lower * 2, lower + 5))
    vehicles = [
        Vehicle(id=str(k), start=0, end=0, payload_kg=capacity, shift=shift) for k in range(fleet)
    ]
    jobs = []
    for i in range(1, n):
        windows = ()
        if tw is not None:
            windows = (TimeWindow(int(round(tw[i][0])), int(round(tw[i][1]))),)
        jobs.append(
            Job(
                id=str(i),
                location=i,
                outlet=0,
                weight_kg=int(demand[i]),
                service_s=int(round(service[i])),
                time_windows=windows,
            )
        )
    matrix = dist.tolist()
    problem = Problem(
        locations=[Location(str(i), float(coords[i][1]), float(coords[i][0])) for i in range(n)],
        distance_m=matrix,
        duration_s={"default": matrix},
        vehicles=vehicles,
        jobs=jobs,
        split_oversized=False,
    )
    return Instance(str(data.get("name", path.stem)), problem, scale)


def routes_of(solution: Solution) -> list[list[int]]:
    """Node indices per run in visit order (job ids are node indices)."""
    return [[int(s.job_id) for s in r.stops] for r in solution.runs]


def result_json(instance: Instance, solution: Solution) -> dict:
    return {
        "routes": routes_of(solution),
        "distance": round(solution.distance_m / instance.scale, 6),
        "vehicles": len(solution.runs),
    }
