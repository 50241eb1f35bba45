"""Benchmark runner: every instance in a folder with a ``bks.csv``, each checked by the checker."""

from __future__ import annotations

import csv
import fnmatch
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import SearchOptions, SolveLimits, check, solve
from .formats import read_instance


def _one(path: str, limits: SolveLimits, options: SearchOptions, seed: int = 1) -> dict:
    # One OR-Tools search per process, single-threaded: the bench's parallelism is processes.
    instance = read_instance(path)
    t0 = time.perf_counter()
    solution = solve(instance.problem, limits, options, seed=seed)
    seconds = time.perf_counter() - t0
    result = check(instance.problem, solution)
    return {
        "name": instance.name,
        "distance": solution.distance_m / instance.scale,
        "vehicles": len(solution.runs),
        "seconds": seconds,
        "feasible": result.ok and not solution.unassigned,
        "violations": list(result.violations)[:3],
        "unassigned": len(solution.unassigned),
    }


def _class_of(name: str, bks_class: str | None) -> str:
    if bks_class:
        return bks_class
    stripped = name.rstrip("0123456789")
    digits = name[len(stripped) :]
    return stripped + digits[:1]


def benchmark_folder(
    folder: str | Path, patterns: str | None = None
) -> tuple[list[Path], dict[str, tuple[float, str | None]]]:
    """The instance files of a folder that ``bks.csv`` names (those matching one of the
    comma-separated globs ``patterns``, if given), and the best-known distance and class of
    each instance."""
    root = Path(folder)
    bks: dict[str, tuple[float, str | None]] = {}
    with (root / "bks.csv").open() as f:
        for row in csv.DictReader(f):
            bks[row["instance"]] = (float(row["distance"]), row.get("class"))
    globs = patterns.split(",") if patterns else None
    files = sorted(
        p
        for p in root.iterdir()
        if p.suffix.lower() in (".txt", ".vrp")
        and p.stem in bks
        and (globs is None or any(fnmatch.fnmatch(p.stem, g) for g in globs))
    )
    return files, bks


def run_bench(
    folder: str,
    limits: SolveLimits,
    options: SearchOptions | None = None,
    jobs: int = 1,
    pattern: str | None = None,
    seed: int = 1,
) -> int:
    options = options or SearchOptions()
    files, bks = benchmark_folder(folder, pattern)
    jobs = max(1, jobs)
    if jobs == 1:
        results = [_one(str(p), limits, options, seed) for p in files]
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, os.cpu_count() or 1)) as pool:
            n = len(files)
            results = list(
                pool.map(_one, [str(p) for p in files], [limits] * n, [options] * n, [seed] * n)
            )

    print(
        f"{'instance':10} {'distance':>10} {'veh':>4} {'bks':>10} {'gap%':>7} {'sec':>6} feasible"
    )
    by_class: dict[str, list[dict]] = {}
    for r in results:
        best, cls = bks[r["name"]]
        r["gap"] = 100 * (r["distance"] - best) / best
        by_class.setdefault(_class_of(r["name"], cls), []).append(r)
        print(
            f"{r['name']:10} {r['distance']:10.1f} {r['vehicles']:4d} {best:10.1f} "
            f"{r['gap']:7.2f} {r['seconds']:6.1f} {'yes' if r['feasible'] else 'NO'}"
            + (f" {r['violations']} unassigned={r['unassigned']}" if not r["feasible"] else "")
        )
    for cls in sorted(by_class):
        rs = by_class[cls]
        _summary(cls, rs)
    _summary("ALL", results)
    return 0 if all(r["feasible"] for r in results) else 1


def _summary(label: str, rs: list[dict]) -> None:
    feasible = sum(r["feasible"] for r in rs)
    print(
        f"summary {label:4} n={len(rs):2d} mean_gap%={statistics.mean(r['gap'] for r in rs):6.2f} "
        f"max_gap%={max(r['gap'] for r in rs):6.2f} feasible={feasible}/{len(rs)} "
        f"mean_sec={statistics.mean(r['seconds'] for r in rs):5.1f}"
    )
