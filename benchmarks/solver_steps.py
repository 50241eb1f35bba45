"""Steps per second of our ruin-and-recreate loop (solver/lns.py) on fixed instances.

    python -m benchmarks.solver_steps [--steps 3000]

Each instance is searched from empty runs for a fixed number of steps with fixed seeds, so
the objective printed is the same before and after a change that keeps the search's logic
(a check that a refactoring changed nothing), and the steps per second measure the hot
loops alone (no OR-Tools). Instances: Solomon R101 and RC208 (100 customers), the
1,000-customer R1_10_2, and the
largest outlet of the generated 1,000-stop county day (seed 7).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks.county import generate, outlet_pieces
from solver.formats import read_instance
from solver.lns import FastModel
from solver.options import RuinRecreate
from solver.prepare import prepare
from solver.routing import _drop_penalty_unit, _Layout


def shared_benchmarks() -> Path:
    """``shared/benchmarks`` next to the checkout (or next to a folder above it)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "benchmarks"
        if candidate.is_dir():
            return candidate
    return Path("shared/benchmarks")


def _largest_outlet(problem):
    return max(outlet_pieces(problem), key=lambda p: len(p.jobs))


def _instances():
    for folder, name in (
        ("solomon", "R101.txt"),
        ("solomon", "RC208.txt"),
        ("gh1000", "R1_10_2.vrp"),
    ):
        path = shared_benchmarks() / folder / name
        if path.exists():
            yield path.stem, read_instance(path).problem
    day = generate(
        1000,
        60,
        7,
        at_outlets=True,
        two_windows_share=0.0,
        oversized=0,
        incompatible=False,
        load_factor=0.7,
        drop_cost=200_000,
    )
    piece = _largest_outlet(day)
    yield f"county-1000-outlet-{len(piece.jobs)}", piece


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--only", default=None, help="names containing this")
    args = parser.parse_args(argv)
    for name, problem in _instances():
        if args.only and args.only not in name:
            continue
        prepared = prepare(problem)
        layout = _Layout(problem, prepared.parts)
        penalty = _drop_penalty_unit(layout, layout.matrix(problem.distance_m), problem)
        fast = _fast_model(problem, prepared, penalty)
        empty = [[] for _ in problem.vehicles]
        t0, cpu0 = time.perf_counter(), time.process_time()
        _, best, done = fast.search(empty, None, args.steps)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        # Steps per CPU second move less with the machine's load than per wall second.
        print(
            f"{name:28} steps={done} wall_s={seconds:6.2f} cpu_s={cpu:6.2f} "
            f"steps/cpu_s={done / cpu:6.0f} objective={best}",
            flush=True,
        )
    return 0


def _fast_model(problem, prepared, penalty):
    # The product's defaults (soft mode, vehicle swap, run removal), seed 1.
    return FastModel(problem, prepared, penalty, RuinRecreate(), seed=1)


if __name__ == "__main__":
    raise SystemExit(main())
