"""Command line: ``python -m solver solve FILE`` and ``python -m solver bench DIR``."""

from __future__ import annotations

import argparse
import json
import sys

from . import SearchOptions, SolveLimits, check, solve
from .formats import read_instance, result_json


def _limits(args: argparse.Namespace) -> SolveLimits:
    if args.solutions is not None and args.time_limit is None:
        return SolveLimits(solutions=args.solutions)
    return SolveLimits(time_s=args.time_limit or 10.0, solutions=args.solutions)


def _options(args: argparse.Namespace) -> SearchOptions:
    """``--search ruin_recreate.ruin.max_string=20 --search first.gls_lambda=0.3``: for
    tuning experiments (the groups and fields of ``SearchOptions``)."""
    options = SearchOptions()
    for item in args.search or []:
        key, _, value = item.partition("=")
        options = options.with_value(key, value)
    return options


def _solve(args: argparse.Namespace) -> int:
    instance = read_instance(args.file)
    solution = solve(instance.problem, _limits(args), _options(args), seed=args.seed)
    result = check(instance.problem, solution)
    out = result_json(instance, solution)
    if solution.unassigned:
        out["unassigned"] = [u.job_id for u in solution.unassigned]
    if not result.ok:
        out["violations"] = list(result.violations)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0 if result.ok and not solution.unassigned else 1


def _bench(args: argparse.Namespace) -> int:
    from .bench import run_bench

    return run_bench(
        args.dir, _limits(args), _options(args), jobs=args.jobs, pattern=args.only, seed=args.seed
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m solver", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("solve", "bench"):
        p = sub.add_parser(name)
        p.add_argument("file" if name == "solve" else "dir")
        p.add_argument("--time-limit", type=float, default=None, help="seconds per instance")
        p.add_argument("--solutions", type=int, default=None, help="solution limit (reproducible)")
        p.add_argument("--search", action="append", help="SearchOptions group.field=value (tuning)")
        p.add_argument("--seed", type=int, default=1, help="seed of the search")
        if name == "bench":
            p.add_argument("--jobs", type=int, default=1, help="instances solved in parallel")
            p.add_argument("--only", default=None, help="glob on instance names, e.g. 'R1*'")
    args = parser.parse_args(argv)
    if args.command == "solve":
        return _solve(args)
    return _bench(args)
