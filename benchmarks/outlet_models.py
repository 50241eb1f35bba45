"""Measure the two ways of loading at outlets (solver/README.md, "Loading at the outlet").

* restricted (the solver's model): each volunteer loads at the outlet nearest home; a job
  only rides with vehicles loading at its outlet.
* pickup-and-delivery: a pickup node per job at its outlet, tied to the delivery (same
  vehicle, pickup first); any volunteer may load at any outlets, several per run.

Both on the same generated county day (time windows, speeds, payloads; no split jobs, no
incompatibility), same time limit, one core. The P&D model is built here, for measurement
only, with the same OR-Tools idioms (registered matrices, GLS).

    python benchmarks/outlet_models.py --stops 200 --vehicles 20 --time-limit 30
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.county import generate  # noqa: E402
from solver import SolveLimits, check, solve  # noqa: E402
from solver.model import to_grams  # noqa: E402


def pickup_delivery(problem, time_limit: float) -> dict:
    jobs, vehicles = problem.jobs, problem.vehicles
    n = len(jobs)
    # Nodes: pickups 0..n-1 (at the outlet), deliveries n..2n-1, then one node per vehicle home.
    locs = [j.outlet for j in jobs] + [j.location for j in jobs] + [v.start for v in vehicles]
    size = len(locs)
    homes = list(range(2 * n, size))
    manager = pywrapcp.RoutingIndexManager(size, len(vehicles), homes, homes)
    routing = pywrapcp.RoutingModel(manager)
    idx = np.array(locs)
    dist = np.asarray(problem.distance_m)[np.ix_(idx, idx)]
    dist_cb = routing.RegisterTransitMatrix(dist.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(dist_cb)
    service = np.array([0] * n + [j.service_s for j in jobs] + [0] * len(vehicles))
    cbs = {}
    for cls in sorted({v.speed_class for v in vehicles}):
        t = np.asarray(problem.duration_s[cls])[np.ix_(idx, idx)] + service[:, None]
        np.fill_diagonal(t, 0)
        cbs[cls] = routing.RegisterTransitMatrix(t.tolist())
    grams = [to_grams(j.weight_kg) for j in jobs]
    demand = grams + [-g for g in grams] + [0] * len(vehicles)
    load_cb = routing.RegisterUnaryTransitVector(demand)
    routing.AddDimensionWithVehicleCapacity(
        load_cb, 0, [to_grams(v.payload_kg) for v in vehicles], True, "load"
    )
    horizon = max(v.shift.end_s for v in vehicles)
    routing.AddDimensionWithVehicleTransits(
        [cbs[v.speed_class] for v in vehicles], horizon, horizon, False, "time"
    )
    time_dim = routing.GetDimensionOrDie("time")
    for vi, v in enumerate(vehicles):
        time_dim.CumulVar(routing.Start(vi)).SetRange(v.shift.start_s, v.shift.end_s)
        time_dim.CumulVar(routing.End(vi)).SetRange(v.shift.start_s, v.shift.end_s)
        if v.max_duration_s:
            time_dim.SetSpanUpperBoundForVehicle(v.max_duration_s, vi)
    penalty = 4 * int(dist.max()) + 1
    solver = routing.solver()
    for k, j in enumerate(jobs):
        p, d = manager.NodeToIndex(k), manager.NodeToIndex(n + k)
        routing.AddPickupAndDelivery(p, d)
        solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
        solver.Add(routing.ActiveVar(p) == routing.ActiveVar(d))
        solver.Add(time_dim.CumulVar(p) <= time_dim.CumulVar(d))
        if j.time_windows:
            w = j.time_windows[0]
            time_dim.CumulVar(d).SetRange(w.start_s, w.end_s)
        routing.AddDisjunction([p, d], penalty * j.priority, 2)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(time_limit * 1000))
    t0 = time.perf_counter()
    assignment = routing.SolveWithParameters(params)
    seconds = time.perf_counter() - t0
    if assignment is None:
        return {"model": "pickup_delivery", "solved": False, "seconds": round(seconds, 1)}
    served, used, total = 0, 0, 0
    for vi in range(len(vehicles)):
        index = routing.Start(vi)
        route = [locs[manager.IndexToNode(index)]]
        index = assignment.Value(routing.NextVar(index))
        count = 0
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            route.append(locs[node])
            count += node >= n
            index = assignment.Value(routing.NextVar(index))
        route.append(locs[manager.IndexToNode(index)])
        if count:
            used += 1
            served += count
            total += sum(
                int(problem.distance_m[a][b]) for a, b in zip(route, route[1:], strict=False)
            )
    return {
        "model": "pickup_delivery",
        "nodes": size,
        "seconds": round(seconds, 1),
        "distance_km": round(total / 1000, 1),
        "vehicles_used": used,
        "stops_served": served,
    }


def restricted(problem, time_limit: float) -> dict:
    t0 = time.perf_counter()
    solution = solve(problem, SolveLimits(time_s=time_limit))
    seconds = time.perf_counter() - t0
    return {
        "model": "restricted",
        "nodes": solution.stats.get("nodes"),
        "seconds": round(seconds, 1),
        "distance_km": round(solution.distance_m / 1000, 1),
        "vehicles_used": len(solution.runs),
        "stops_served": sum(len(r.stops) for r in solution.runs),
        "checker": "feasible" if check(problem, solution).ok else "VIOLATIONS",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stops", type=int, default=200)
    parser.add_argument("--vehicles", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    problem = generate(
        args.stops,
        args.vehicles,
        args.seed,
        oversized=0,
        incompatible=False,
        two_windows_share=0.0,
    )
    print(json.dumps({"stops": args.stops, **restricted(problem, args.time_limit)}), flush=True)
    print(
        json.dumps({"stops": args.stops, **pickup_delivery(problem, args.time_limit)}), flush=True
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
