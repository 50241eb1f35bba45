"""Our solver and PyVRP side by side, in the same run, on the same instances and limits.

    python -m benchmarks.solver_vs_pyvrp instances ../shared/benchmarks/solomon --time-limit 10
    python -m benchmarks.solver_vs_pyvrp instances ../shared/benchmarks/gh1000 --time-limit 60
    python -m benchmarks.solver_vs_pyvrp county --stops 1000 --vehicles 60 --time-limit 60 \\
        --seeds 1,2,3

Every solve runs in a fresh process on one core (both solvers are single-threaded), so its
peak memory (ru_maxrss) is its own. With ``--jobs 2`` (the default) our solve and PyVRP's of
the same instance run at the same time, one core each, under the same machine load; with
``--jobs 1`` they alternate. Every solution, PyVRP's too, is re-checked by our independent
checker (``solver.check``): PyVRP's routes are scheduled from the same matrices and fail
the check like ours would.

``instances``: a folder with ``bks.csv`` (Solomon or VRPLIB files); prints both gaps to the
best-known distance and their difference per instance, per class and overall.
``county``: generated county days (``benchmarks/county.py``, the comparison settings), PyVRP
solving each outlet alone with a time share proportional to its stops (exactly our model's
restriction); prints distances, their ratio, vehicles, stops served and peak memory.
PyVRP is a benchmark-only dependency (requirements-test.txt); solver/ never imports it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import statistics
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor

from solver import (
    MaxRuntime,
    Problem,
    Reason,
    SearchOptions,
    Solution,
    Unassigned,
    check,
    solve,
)
from solver.bench import _class_of, benchmark_folder
from solver.formats import read_instance
from solver.model import to_grams
from solver.prepare import Part
from solver.routing import _schedule_run

# The comparison day of benchmarks/county.py (volunteers at their outlets, one window per
# stop, no splitting, a drop cost PyVRP's prizes can match).
COUNTY_DAY = {
    "at_outlets": True,
    "two_windows_share": 0.0,
    "oversized": 0,
    "incompatible": False,
    "load_factor": 0.7,
    "drop_cost": 200_000,
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def solution_of_routes(problem: Problem, routes: list[tuple[int, list[int]]]) -> Solution:
    """Routes of another solver, (vehicle index, job indices in visit order), as our
    Solution, so that our checker can judge them: runs get the earliest schedule from the
    problem's matrices; jobs in no route are reported dropped."""
    runs = []
    served: set[int] = set()
    for vehicle_index, jobs in routes:
        vehicle = problem.vehicles[vehicle_index]
        parts = [
            Part(j, 0, 1, to_grams(problem.jobs[j].weight_kg), problem.jobs[j].items) for j in jobs
        ]
        runs.append(_schedule_run(problem, vehicle, parts))
        served.update(jobs)
    unassigned = tuple(
        Unassigned(j.id, 0, 1, j.weight_kg, Reason.DROPPED_FOR_PRIORITY)
        for i, j in enumerate(problem.jobs)
        if i not in served
    )
    return Solution(tuple(runs), unassigned, objective=0)


def _pyvrp_solve(problem: Problem, seconds: float, seed: int) -> tuple[Solution, int, bool]:
    """PyVRP on ``problem``: our Solution of its best routes, its iterations, its own
    verdict on feasibility."""
    import pyvrp
    from pyvrp.stop import MaxRuntime as PyvrpMaxRuntime

    from benchmarks.county import pyvrp_data

    data, members = pyvrp_data(problem)
    result = pyvrp.solve(data, stop=PyvrpMaxRuntime(seconds), seed=seed, display=False)
    free = [list(m) for m in members]  # our vehicle indices not yet given a route, per type
    routes = []
    for route in result.best.routes():
        jobs = [a.idx for a in route if a.is_client()]
        routes.append((free[route.vehicle_type()].pop(0), jobs))
    return solution_of_routes(problem, routes), result.num_iterations, result.best.is_feasible()


# ----------------------------------------------------------------------- benchmark instances


def _instance_task(task: dict) -> dict:
    instance = read_instance(task["path"])
    problem = instance.problem
    t0 = time.perf_counter()
    if task["engine"] == "ours":
        options = SearchOptions()
        for item in task.get("search", []):
            key, _, value = item.partition("=")
            options = options.with_value(key, value)
        solution = solve(problem, MaxRuntime(task["limit"]), options, seed=task["seed"])
        steps = solution.stats.get("ruin_recreate_iterations", 0)
    else:
        solution, steps, _ = _pyvrp_solve(problem, task["limit"], task["seed"])
    seconds = time.perf_counter() - t0
    verdict = check(problem, solution)
    return {
        "instance": instance.name,
        "engine": task["engine"],
        "distance": solution.distance_m / instance.scale,
        "vehicles": len(solution.runs),
        "feasible": verdict.ok and not solution.unassigned,
        "violations": list(verdict.violations)[:3],
        "unassigned": len(solution.unassigned),
        "seconds": round(seconds, 1),
        "peak_mb": round(_peak_mb()),
        "iterations": steps,
    }


def _run_tasks(fn, tasks: list[dict], jobs: int, out) -> list[dict]:
    """Each task in a fresh process (own peak memory), ``jobs`` at a time, in order."""
    context = mp.get_context("spawn")
    rows = []
    with ProcessPoolExecutor(
        max_workers=max(1, jobs), mp_context=context, max_tasks_per_child=1
    ) as pool:
        for row in pool.map(fn, tasks):
            rows.append(row)
            if out is not None:
                out.write(json.dumps(row) + "\n")
                out.flush()
    return rows


def compare_instances(args: argparse.Namespace) -> int:
    files, bks = benchmark_folder(args.dir, args.only)
    tasks = [
        {
            "path": str(p),
            "engine": engine,
            "limit": args.time_limit,
            "seed": args.seed,
            "search": args.search or [],
        }
        for p in files
        for engine in ("ours", "pyvrp")
    ]
    _header(args)
    rows = _run_tasks(_instance_task, tasks, args.jobs, _out(args))
    by_name: dict[str, dict[str, dict]] = {}
    for r in rows:
        best, _ = bks[r["instance"]]
        r["gap"] = 100 * (r["distance"] - best) / best
        by_name.setdefault(r["instance"], {})[r["engine"]] = r
    print(
        f"{'instance':10} {'ours gap%':>9} {'veh':>4} {'pyvrp gap%':>10} {'veh':>4} "
        f"{'diff':>6} {'ours MB':>7} {'pyvrp MB':>8} {'steps':>7} {'pyvrp it':>8} checked"
    )
    by_class: dict[str, list[tuple[dict, dict]]] = {}
    for name, pair in by_name.items():
        ours, theirs = pair["ours"], pair["pyvrp"]
        by_class.setdefault(_class_of(name, bks[name][1]), []).append((ours, theirs))
        verdict = (
            "both feasible"
            if ours["feasible"] and theirs["feasible"]
            else (f"ours {_verdict(ours)}, pyvrp {_verdict(theirs)}")
        )
        print(
            f"{name:10} {ours['gap']:9.2f} {ours['vehicles']:4d} {theirs['gap']:10.2f} "
            f"{theirs['vehicles']:4d} {ours['gap'] - theirs['gap']:+6.2f} {ours['peak_mb']:7d} "
            f"{theirs['peak_mb']:8d} {ours['iterations']:7d} {theirs['iterations']:8d} {verdict}"
        )
    for cls in sorted(by_class):
        _class_line(cls, by_class[cls])
    _class_line("ALL", [p for ps in by_class.values() for p in ps])
    print(f"load average at the end: {_load()}")
    ok = all(r["feasible"] for r in rows)
    return 0 if ok else 1


def _verdict(row: dict) -> str:
    if row["feasible"]:
        return "feasible"
    return f"INFEASIBLE {row['violations']} unassigned={row['unassigned']}"


def _class_line(label: str, pairs: list[tuple[dict, dict]]) -> None:
    ours = statistics.mean(o["gap"] for o, _ in pairs)
    theirs = statistics.mean(t["gap"] for _, t in pairs)
    feasible = sum(o["feasible"] for o, _ in pairs), sum(t["feasible"] for _, t in pairs)
    print(
        f"summary {label:4} n={len(pairs):2d} ours_gap%={ours:6.2f} pyvrp_gap%={theirs:6.2f} "
        f"diff={ours - theirs:+6.2f} feasible ours={feasible[0]}/{len(pairs)} "
        f"pyvrp={feasible[1]}/{len(pairs)}"
    )


# ----------------------------------------------------------------------- county days


def _county_task(task: dict) -> dict:
    from benchmarks.county import generate, outlet_pieces

    problem = generate(task["stops"], task["vehicles"], task["seed"], **COUNTY_DAY)
    t0 = time.perf_counter()
    if task["engine"] == "ours":
        solution = solve(problem, MaxRuntime(task["limit"]), seed=1)
        pieces = [(problem, solution)]
        steps = solution.stats.get("ruin_recreate_iterations", 0)
    else:
        pieces, steps = [], 0
        left_stops = len(problem.jobs)
        for piece in sorted(outlet_pieces(problem), key=lambda p: -len(p.jobs)):
            left = task["limit"] - (time.perf_counter() - t0)
            share = max(0.1, left * len(piece.jobs) / left_stops)
            left_stops -= len(piece.jobs)
            found, iterations, _ = _pyvrp_solve(piece, share, 1)
            pieces.append((piece, found))
            steps += iterations
    seconds = time.perf_counter() - t0
    violations = [v for piece, found in pieces for v in check(piece, found).violations]
    runs = [r for _, found in pieces for r in found.runs]
    unassigned = [u for _, found in pieces for u in found.unassigned]
    unserved = {u.job_id for u in unassigned}
    return {
        "day": f"{task['stops']}/{task['vehicles']}",
        "seed": task["seed"],
        "limit_s": task["limit"],
        "engine": task["engine"] if task["engine"] == "ours" else "pyvrp-per-outlet",
        "distance_km": round(sum(r.distance_m for r in runs) / 1000, 1),
        "vehicles_used": len(runs),
        "stops_served": len(problem.jobs) - len(unserved),
        "stops_with_reason": len(unserved),
        "checker": "feasible" if not violations else f"VIOLATIONS {violations[:3]}",
        "seconds": round(seconds, 1),
        "peak_mb": round(_peak_mb()),
        "iterations": steps,
    }


def compare_county(args: argparse.Namespace) -> int:
    seeds = [int(s) for s in args.seeds.split(",")]
    tasks = [
        {
            "stops": args.stops,
            "vehicles": args.vehicles,
            "seed": seed,
            "limit": args.time_limit,
            "engine": engine,
        }
        for seed in seeds
        for engine in ("ours", "pyvrp")
    ]
    _header(args)
    rows = _run_tasks(_county_task, tasks, args.jobs, _out(args))
    print(
        f"{'day':9} {'seed':>4} {'ours km':>9} {'veh':>4} {'served':>6} {'MB':>5} "
        f"{'pyvrp km':>9} {'veh':>4} {'served':>6} {'MB':>5} {'ratio':>6} checked"
    )
    ratios = []
    ok = True
    for seed in seeds:
        ours, theirs = (r for r in rows if r["seed"] == seed)
        ratio = ours["distance_km"] / theirs["distance_km"]
        ratios.append(ratio)
        ok &= ours["checker"] == theirs["checker"] == "feasible"
        print(
            f"{ours['day']:9} {seed:4d} {ours['distance_km']:9.1f} {ours['vehicles_used']:4d} "
            f"{ours['stops_served']:6d} {ours['peak_mb']:5d} {theirs['distance_km']:9.1f} "
            f"{theirs['vehicles_used']:4d} {theirs['stops_served']:6d} {theirs['peak_mb']:5d} "
            f"{ratio:6.3f} ours {ours['checker']}, pyvrp {theirs['checker']}"
        )
    print(f"summary mean distance ratio ours/pyvrp = {statistics.mean(ratios):.3f}")
    print(f"load average at the end: {_load()}")
    return 0 if ok else 1


# ----------------------------------------------------------------------- command line


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _header(args: argparse.Namespace) -> None:
    # BENCH_COMMIT: set when running from an exported copy of a commit (no .git there), so
    # that edits in the worktree cannot reach a long run's later solves.
    commit = (
        os.environ.get("BENCH_COMMIT")
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    )
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M:%S')} commit {commit or '?'}, time limit "
        f"{args.time_limit:g} s, {args.jobs} solve(s) at a time, one core each, "
        f"{os.cpu_count()} cores, load average {_load()}",
        flush=True,
    )


def _out(args: argparse.Namespace):
    return open(args.out, "a") if args.out else None  # noqa: SIM115 (closed at exit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    instances = sub.add_parser("instances", help="a folder of Solomon/VRPLIB files + bks.csv")
    instances.add_argument("dir")
    instances.add_argument("--only", default=None, help="globs on names, e.g. 'R1*,RC2*'")
    instances.add_argument("--seed", type=int, default=1)
    instances.add_argument(
        "--search", action="append", help="our SearchOptions group.field=value (tuning)"
    )
    county = sub.add_parser("county", help="generated county days")
    county.add_argument("--stops", type=int, required=True)
    county.add_argument("--vehicles", type=int, required=True)
    county.add_argument("--seeds", default="1,2,3")
    for p in (instances, county):
        p.add_argument("--time-limit", type=float, required=True, help="seconds per solve")
        p.add_argument("--jobs", type=int, default=2, help="solves at a time (one core each)")
        p.add_argument("--out", default=None, help="append every row as JSON to this file")
    args = parser.parse_args(argv)
    if args.command == "instances":
        return compare_instances(args)
    return compare_county(args)


if __name__ == "__main__":
    raise SystemExit(main())
