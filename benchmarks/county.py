"""County-scale benchmark: generated problems in the shape of the Pengshui demo.

Outlets are the depots; volunteers with heterogeneous vehicles (electric tricycle, motor
tricycle, minivan, pickup, light truck) each load at one outlet; stops cluster around
villages inside 28.95-29.85 N, 107.80-108.60 E; road distance is great-circle x 1.4 (mountain
roads); every vehicle type has its own speed, hence its own travel-time matrix.

    python benchmarks/county.py run --stops 500 --vehicles 40 --time-limit 30
    python benchmarks/county.py suite            # the figures in solver/README.md
    python benchmarks/county.py compare --stops 1000 --vehicles 60 --time-limit 60

Each solve runs in a fresh process so its peak memory (ru_maxrss) is its own. PyVRP is a
benchmark-only reference here; the solver package never imports it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solver import (  # noqa: E402
    Job,
    Location,
    Problem,
    SolveLimits,
    TimeWindow,
    Vehicle,
    check,
    solve,
)

LAT = (28.95, 29.85)
LON = (107.80, 108.60)
CIRCUITY = 1.4
HOUR = 3600


@dataclass(frozen=True)
class VehicleType:
    name: str
    payload_kg: int
    speed_kmh: float
    share: float
    max_duration_s: int | None = None
    max_distance_m: int | None = None


# Speeds are averages on county and village roads, not top speeds.
TYPES = (
    VehicleType("e_tricycle", 300, 18, 0.30, max_duration_s=7 * HOUR, max_distance_m=70_000),
    VehicleType("motor_tricycle", 500, 25, 0.30),
    VehicleType("minivan", 600, 35, 0.15),
    VehicleType("pickup", 1000, 35, 0.15),
    VehicleType("light_truck", 1500, 30, 0.10),
)


def great_circle_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """All-pairs haversine distance in metres."""
    la, lo = np.radians(lat), np.radians(lon)
    dlat = la[:, None] - la[None, :]
    dlon = lo[:, None] - lo[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(la)[:, None] * np.cos(la)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * 6_371_000 * np.arcsin(np.sqrt(np.minimum(1.0, a)))


def generate(
    stops: int,
    vehicles: int,
    seed: int = 1,
    *,
    outlets: int | None = None,
    at_outlets: bool = False,
    windows_share: float = 0.3,
    two_windows_share: float = 0.05,
    oversized: int = 2,
    incompatible: bool = True,
    load_factor: float = 0.8,
    drop_cost: int | None = None,
) -> Problem:
    """A seeded county day. ``at_outlets``: volunteers start and end at their outlet (else
    at home, a few km away); ``oversized`` orders bigger than any vehicle get split."""
    rng = np.random.default_rng(seed)
    n_out = outlets or max(4, min(12, stops // 150))
    out_lat = rng.uniform(*LAT, n_out)
    out_lon = rng.uniform(*LON, n_out)

    villages = max(20, stops // 12)
    v_lat = rng.uniform(*LAT, villages)
    v_lon = rng.uniform(*LON, villages)
    which = rng.integers(0, villages, stops)
    s_lat = np.clip(v_lat[which] + rng.normal(0, 0.008, stops), *LAT)
    s_lon = np.clip(v_lon[which] + rng.normal(0, 0.008, stops), *LON)

    # Each stop loads at its nearest outlet (the matching step's cheapest transport).
    d_out = great_circle_m(np.concatenate([out_lat, s_lat]), np.concatenate([out_lon, s_lon]))
    stop_outlet = np.argmin(d_out[n_out:, :n_out], axis=1)

    # Volunteers per outlet in proportion to its stops (largest remainder, at least one).
    counts = np.bincount(stop_outlet, minlength=n_out).astype(float)
    quota = counts / counts.sum() * vehicles
    per_outlet = np.maximum(1, np.floor(quota).astype(int))
    while per_outlet.sum() < vehicles:
        per_outlet[np.argmax(quota - per_outlet)] += 1
    while per_outlet.sum() > vehicles:
        per_outlet[np.argmax(per_outlet)] -= 1
    vehicle_outlet = np.repeat(np.arange(n_out), per_outlet)
    n_veh = len(vehicle_outlet)
    kinds = rng.choice(len(TYPES), n_veh, p=[t.share for t in TYPES])

    if at_outlets:
        h_lat, h_lon = np.empty(0), np.empty(0)
    else:
        h_lat = np.clip(out_lat[vehicle_outlet] + rng.normal(0, 0.02, n_veh), *LAT)
        h_lon = np.clip(out_lon[vehicle_outlet] + rng.normal(0, 0.02, n_veh), *LON)
    n_home = len(h_lat)
    lat = np.concatenate([out_lat, h_lat, s_lat])
    lon = np.concatenate([out_lon, h_lon, s_lon])
    dist = np.rint(great_circle_m(lat, lon) * CIRCUITY).astype(np.int64)
    durations = {t.name: np.rint(dist / (t.speed_kmh / 3.6)).astype(np.int64) for t in TYPES}

    shifts = [
        TimeWindow(8 * HOUR, 17 * HOUR),
        TimeWindow(7 * HOUR, 15 * HOUR),
        TimeWindow(9 * HOUR, 18 * HOUR),
    ]
    fleet = []
    for k in range(n_veh):
        t = TYPES[kinds[k]]
        outlet = int(vehicle_outlet[k])
        home = outlet if at_outlets else n_out + k
        fleet.append(
            Vehicle(
                id=f"{t.name}-{k}",
                start=home,
                end=home,
                outlet=outlet,
                payload_kg=t.payload_kg,
                shift=shifts[rng.choice(3, p=[0.6, 0.2, 0.2])],
                speed_class=t.name,
                max_duration_s=t.max_duration_s,
                max_distance_m=t.max_distance_m,
            )
        )

    # Orders: fertiliser in 50 kg bags, seed, pesticide; scaled to the fleet's payload.
    product = rng.choice(3, stops, p=[0.5, 0.3, 0.2])
    raw = np.where(
        product == 0,
        50.0 * rng.integers(1, 4, stops),
        np.where(product == 1, rng.uniform(5, 40, stops), rng.uniform(1, 15, stops)),
    )
    payload = sum(v.payload_kg for v in fleet)
    scale = min(1.0, load_factor * payload / raw.sum())
    weight = np.maximum(0.5, np.round(raw * scale * 2) / 2)
    big = rng.choice(stops, min(oversized, stops), replace=False)
    weight[big] = 1800.0
    classes = (frozenset({"fertiliser"}), frozenset({"seed"}), frozenset({"pesticide"}))

    jobs = []
    for i in range(stops):
        windows: tuple[TimeWindow, ...] = ()
        r = rng.random()
        if r < two_windows_share:
            windows = (TimeWindow(8 * HOUR, 10 * HOUR), TimeWindow(15 * HOUR, 17 * HOUR))
        elif r < two_windows_share + windows_share:
            windows = (
                (TimeWindow(8 * HOUR, 12 * HOUR),)
                if rng.random() < 0.5
                else (TimeWindow(13 * HOUR, int(17.5 * HOUR)),)
            )
        jobs.append(
            Job(
                id=f"s{i}",
                location=n_out + n_home + i,
                outlet=int(stop_outlet[i]),
                weight_kg=float(weight[i]),
                service_s=int(min(900, 180 + 60 * weight[i] / 50)),
                time_windows=windows,
                priority=int(rng.choice([1, 2, 3], p=[0.7, 0.2, 0.1])),
                classes=classes[product[i]],
            )
        )
    locations = (
        [Location(f"outlet-{i}", out_lat[i], out_lon[i]) for i in range(n_out)]
        + [Location(f"home-{k}", h_lat[k], h_lon[k]) for k in range(n_home)]
        + [Location(f"stop-{i}", s_lat[i], s_lon[i]) for i in range(stops)]
    )
    return Problem(
        locations=locations,
        distance_m=dist,
        duration_s=durations,
        vehicles=fleet,
        jobs=jobs,
        incompatible=[("pesticide", "seed")] if incompatible else (),
        drop_cost=drop_cost,
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def outlet_pieces(problem: Problem) -> list[Problem]:
    """The day as one problem per outlet with jobs (its jobs and the vehicles loading there):
    exactly the split our solver makes, for PyVRP and for per-outlet measurements."""
    outlets = sorted({v.load_at for v in problem.vehicles})
    pieces = [
        replace(
            problem,
            jobs=[j for j in problem.jobs if j.outlet == o],
            vehicles=[v for v in problem.vehicles if v.load_at == o],
        )
        for o in outlets
    ]
    return [p for p in pieces if p.jobs]


def _ours(spec: dict) -> dict:
    t0 = time.perf_counter()
    problem = generate(**spec["problem"])
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    solution = solve(problem, SolveLimits(time_s=spec["time_limit"]))
    solve_s = time.perf_counter() - t0
    result = check(problem, solution)
    reasons: dict[str, int] = {}
    for u in solution.unassigned:
        reasons[u.reason.value] = reasons.get(u.reason.value, 0) + 1
    served_jobs = {s.job_id for r in solution.runs for s in r.stops}
    unserved_jobs = {u.job_id for u in solution.unassigned}
    return {
        "engine": "ours",
        "stops": len(problem.jobs),
        "vehicles_available": len(problem.vehicles),
        "generate_s": round(gen_s, 1),
        "solve_s": round(solve_s, 1),
        "peak_mb": round(_peak_mb()),
        "distance_km": round(solution.distance_m / 1000, 1),
        "vehicles_used": len(solution.runs),
        "objective": solution.objective,
        "stops_served": len(served_jobs - unserved_jobs),
        "stops_partly_or_not_served": len(unserved_jobs),
        "unassigned_parts_by_reason": reasons,
        "checker": "feasible" if result.ok else f"VIOLATIONS: {list(result.violations)[:3]}",
        "stats": {k: v for k, v in solution.stats.items()},
    }


def _pyvrp(spec: dict) -> dict:
    """PyVRP on the same day. ``per_outlet``: one PyVRP run per outlet with a time share
    proportional to its stops (exactly our model's restriction); otherwise one run where any
    vehicle may serve any stop (a relaxation of our model)."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    problem = generate(**spec["problem"])
    per_outlet = spec.get("per_outlet", False)
    pieces = outlet_pieces(problem) if per_outlet else [problem]
    t0 = time.perf_counter()
    total, used, served, foreign, iterations, feasible, penalty = 0, 0, 0, 0, 0, True, 0
    left_stops = len(problem.jobs)
    for piece in sorted(pieces, key=lambda p: -len(p.jobs)):
        left = spec["time_limit"] - (time.perf_counter() - t0)
        share = max(0.1, left * len(piece.jobs) / left_stops)
        left_stops -= len(piece.jobs)
        data = to_pyvrp(piece)
        result = pyvrp.solve(data, stop=MaxRuntime(share), seed=1, display=False)
        best = result.best
        feasible &= bool(best.is_feasible())
        iterations += result.num_iterations
        visited = set()
        for route in best.routes():
            visits = [a.idx for a in route if a.is_client()]  # client indices
            total += int(route.distance())
            used += 1
            served += len(visits)
            visited.update(visits)
            depot_location = piece.vehicles[0].load_at if per_outlet else route.start_depot()
            foreign += sum(piece.jobs[c].outlet != depot_location for c in visits)
        penalty += sum(
            piece.drop_cost * j.priority for c, j in enumerate(piece.jobs) if c not in visited
        )
    return {
        "engine": "pyvrp-per-outlet" if per_outlet else "pyvrp-any-outlet",
        "stops": len(problem.jobs),
        "solve_s": round(time.perf_counter() - t0, 1),
        "peak_mb": round(_peak_mb()),
        "distance_km": round(total / 1000, 1),
        "vehicles_used": used,
        "stops_served": served,
        "objective": total + penalty,
        "feasible": feasible,
        "stops_loaded_at_another_outlet": foreign,
        "iterations": iterations,
    }


def to_pyvrp(problem: Problem):
    """The same problem for PyVRP (see ``pyvrp_data``)."""
    return pyvrp_data(problem)[0]


def pyvrp_data(problem: Problem):
    """The same problem for PyVRP, and for each PyVRP vehicle type the indices of our
    vehicles it stands for (to map PyVRP's routes back). Outlets are depots; with a
    ``drop_cost`` stops are optional clients whose prize is our drop cost x priority,
    without one every stop is required (benchmark instances). Needs vehicles that start and
    end at their outlet, one window per job and no splitting. PyVRP lets any vehicle serve
    any client of the data given."""
    import pyvrp

    outlets = sorted({v.load_at for v in problem.vehicles})
    depot_of = {o: i for i, o in enumerate(outlets)}
    assert all(v.start == v.end == v.load_at for v in problem.vehicles)
    optional = problem.drop_cost is not None
    n_out = len(outlets)
    stop_locs = [j.location for j in problem.jobs]
    order = outlets + stop_locs
    dist = np.asarray(problem.distance_m)[np.ix_(order, order)]
    profiles = sorted(problem.duration_s)
    durations = [np.asarray(problem.duration_s[p])[np.ix_(order, order)] for p in profiles]
    locations = [
        pyvrp.Location(
            x=float(problem.locations[i].lon or 0), y=float(problem.locations[i].lat or 0)
        )
        for i in order
    ]
    depots = [pyvrp.Depot(location=i) for i in range(n_out)]
    clients = []
    for k, j in enumerate(problem.jobs):
        assert len(j.time_windows) <= 1
        tw = j.time_windows[0] if j.time_windows else None
        clients.append(
            pyvrp.Client(
                location=n_out + k,
                delivery=[round(j.weight_kg * 1000)],
                service_duration=j.service_s,
                tw_early=tw.start_s if tw else 0,
                tw_late=tw.end_s if tw else max(v.shift.end_s for v in problem.vehicles),
                prize=problem.drop_cost * j.priority if optional else 0,
                required=not optional,
            )
        )
    groups: dict[tuple, list[int]] = {}
    for index, v in enumerate(problem.vehicles):
        key = (
            v.load_at,
            round(v.payload_kg * 1000),
            v.shift,
            v.speed_class,
            v.max_duration_s,
            v.max_distance_m,
        )
        groups.setdefault(key, []).append(index)
    big = np.iinfo(np.int64).max
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=len(members),
            capacity=[grams],
            start_depot=depot_of[outlet],
            end_depot=depot_of[outlet],
            tw_early=shift.start_s,
            tw_late=shift.end_s,
            shift_duration=max_dur if max_dur is not None else big,
            max_distance=max_dist if max_dist is not None else big,
            profile=profiles.index(cls),
        )
        for (outlet, grams, shift, cls, max_dur, max_dist), members in groups.items()
    ]
    data = pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        distance_matrices=[dist] * len(profiles),
        duration_matrices=durations,
    )
    return data, list(groups.values())


def _in_child(fn, spec: dict) -> dict:
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, (spec,))


def _print(row: dict) -> None:
    print(json.dumps(row), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "compare"):
        p = sub.add_parser(name)
        p.add_argument("--stops", type=int, required=True)
        p.add_argument("--vehicles", type=int, required=True)
        p.add_argument("--time-limit", type=float, required=True)
        p.add_argument("--seed", type=int, default=1)
        if name == "compare":
            p.add_argument(
                "--engines",
                default="ours,pyvrp-per-outlet,pyvrp-any-outlet",
                help="comma-separated subset of the default",
            )
    sub.add_parser("suite")
    args = parser.parse_args(argv)

    if args.command == "run":
        spec = {
            "problem": {"stops": args.stops, "vehicles": args.vehicles, "seed": args.seed},
            "time_limit": args.time_limit,
        }
        _print(_in_child(_ours, spec))
    elif args.command == "compare":
        _compare(args.stops, args.vehicles, args.time_limit, args.seed, args.engines.split(","))
    else:
        for stops, vehicles, limit in ((200, 20, 10), (500, 40, 30), (2000, 100, 120)):
            spec = {
                "problem": {"stops": stops, "vehicles": vehicles, "seed": 1},
                "time_limit": limit,
            }
            _print({"limit_s": limit, **_in_child(_ours, spec)})
        for stops, vehicles, limit in ((1000, 60, 60), (2000, 100, 120)):
            _compare(stops, vehicles, limit, 1)
    return 0


def _compare(
    stops: int,
    vehicles: int,
    limit: float,
    seed: int,
    engines: list[str] | None = None,
) -> None:
    engines = engines or ["ours", "pyvrp-per-outlet", "pyvrp-any-outlet"]
    problem = {
        "stops": stops,
        "vehicles": vehicles,
        "seed": seed,
        "at_outlets": True,
        "two_windows_share": 0.0,
        "oversized": 0,
        "incompatible": False,
        "load_factor": 0.7,
        "drop_cost": 200_000,  # 200 km per priority point, for us and PyVRP's prizes alike
    }
    spec = {"problem": problem, "time_limit": limit}
    tag = {"compare": f"{stops}/{vehicles}", "limit_s": limit}
    if "ours" in engines:
        _print({**tag, **_in_child(_ours, spec)})
    if "pyvrp-per-outlet" in engines:
        _print({**tag, **_in_child(_pyvrp, {**spec, "per_outlet": True})})
    if "pyvrp-any-outlet" in engines:
        _print({**tag, **_in_child(_pyvrp, spec)})


if __name__ == "__main__":
    raise SystemExit(main())
