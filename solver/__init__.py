"""solver: plans delivery runs. Plain dataclasses in, plain dataclasses out; no Flask, no DB.

Public API::

    from solver import (
        Problem, Location, Vehicle, Job, TimeWindow,   # what to plan
        solve, SolveLimits, MaxRuntime, MaxSolutions,  # how long to search
        SearchOptions,                                 # how to search (rarely needed)
        Solution, Run, Stop, Unassigned, Reason,       # what comes back
        check, CheckResult,                            # independent feasibility check
    )

    solution = solve(problem, MaxRuntime(30))
    assert check(problem, solution).ok
    print(solution.explain())

Every job is either in a run (possibly split into parts when it is heavier than any vehicle)
or in ``solution.unassigned`` with a ``Reason``. See solver/README.md for the model choices.
"""

from __future__ import annotations

from .check import CheckResult, check
from .model import (
    Job,
    Location,
    MaxRuntime,
    MaxSolutions,
    Problem,
    Reason,
    Run,
    Solution,
    SolveLimits,
    Stop,
    TimeWindow,
    Unassigned,
    Vehicle,
)
from .options import SearchOptions
from .routing import solve_model


def solve(
    problem: Problem,
    limits: SolveLimits | None = None,
    options: SearchOptions | None = None,
    *,
    seed: int = 1,
) -> Solution:
    """Plan runs for ``problem``, searching until ``limits`` (default: 10 s of wall time).

    Uses one core. With ``MaxSolutions(n)`` and no time limit the result is reproducible
    for a given ``seed`` (the seed of our ruin-and-recreate loop; the default, 1, is the
    one every figure in solver/README.md was measured with). ``options`` tune the search
    (``SearchOptions``; the defaults are what the benchmarks picked).
    """
    limits = limits or MaxRuntime(10)
    if limits.time_s is None and limits.solutions is None:
        raise ValueError("SolveLimits needs a time or a solution limit")
    return solve_model(problem, limits, options or SearchOptions(), seed)


__all__ = [
    "CheckResult",
    "Job",
    "Location",
    "MaxRuntime",
    "MaxSolutions",
    "Problem",
    "Reason",
    "Run",
    "SearchOptions",
    "SolveLimits",
    "Solution",
    "Stop",
    "TimeWindow",
    "Unassigned",
    "Vehicle",
    "check",
    "solve",
]
