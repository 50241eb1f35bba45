"""A second round for volunteers the first solve left idle.

Volunteers are given an outlet before the solve (``planning.assign_outlets``), and the solver
keeps every run at its outlet. When the guess was off, one outlet runs out of payload or
shift time and drops stops while volunteers sent to another outlet stay at home. This round
sends the idle volunteers to the outlets that dropped stops (nearest first, until the dropped
weight is covered) and plans those stops with them. Runs of the first round stay as they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import solver


@dataclass(frozen=True)
class Rebalanced:
    problem: solver.Problem
    """The first problem with the idle volunteers' outlets changed: what the runs obey."""
    solution: solver.Solution
    moved: dict[str, int]
    """Vehicle id -> the location index of the outlet it now loads at."""


def second_round(
    problem: solver.Problem, first: solver.Solution, limits: solver.SolveLimits
) -> Rebalanced:
    """Plan the first round's dropped jobs with its idle vehicles; ``first`` unchanged when
    there is nothing to gain."""
    used = {run.vehicle_id for run in first.runs}
    # Vehicles with pinned jobs keep their outlet; so do split jobs' parts (kept whole).
    pinned = {v for job in problem.jobs for v in job.vehicles}
    idle = [v for v in problem.vehicles if v.id not in used and v.id not in pinned]
    parts_dropped: dict[str, int] = defaultdict(int)
    for missing in first.unassigned:
        if missing.reason == solver.Reason.DROPPED_FOR_PRIORITY:
            parts_dropped[missing.job_id] += 1
    dropped = [
        job
        for job in problem.jobs
        if job.id in parts_dropped
        and not job.vehicles
        and parts_dropped[job.id] == _parts_of(first, job.id)
    ]
    if not idle or not dropped:
        return Rebalanced(problem, first, {})

    moved = _send_idle_to_short_outlets(problem, idle, dropped)
    if not moved:
        return Rebalanced(problem, first, {})
    vehicles = [replace(v, outlet=moved[v.id]) for v in idle if v.id in moved]
    outlets = set(moved.values())
    jobs = [job for job in dropped if job.outlet in outlets]
    second = solver.solve(replace(problem, vehicles=vehicles, jobs=jobs), limits)
    if not second.runs:
        return Rebalanced(problem, first, {})

    moved = {run.vehicle_id: moved[run.vehicle_id] for run in second.runs}
    # The second round reports every job it got: served, or unassigned with its own reason.
    replanned = {job.id for job in jobs}
    unassigned = [u for u in first.unassigned if u.job_id not in replanned]
    unassigned += list(second.unassigned)
    order = {v.id: i for i, v in enumerate(problem.vehicles)}
    runs = sorted([*first.runs, *second.runs], key=lambda r: order[r.vehicle_id])
    merged = solver.Solution(
        tuple(runs),
        tuple(unassigned),
        first.objective + second.objective,
        first.wall_time_s + second.wall_time_s,
        {**first.stats, "second_round_runs": len(second.runs)},
    )
    final_problem = replace(
        problem,
        vehicles=[replace(v, outlet=moved[v.id]) if v.id in moved else v for v in problem.vehicles],
    )
    return Rebalanced(final_problem, merged, moved)


def _parts_of(solution: solver.Solution, job_id: str) -> int:
    for missing in solution.unassigned:
        if missing.job_id == job_id:
            return missing.parts
    return 1


def _send_idle_to_short_outlets(
    problem: solver.Problem, idle: list[solver.Vehicle], dropped: list[solver.Job]
) -> dict[str, int]:
    """Idle vehicle id -> outlet location: the nearest outlet (by the vehicle's own travel
    time from home) that still has dropped weight not covered by vehicles sent there."""
    short_kg: dict[int, float] = defaultdict(float)
    for job in dropped:
        short_kg[job.outlet] += job.weight_kg
    pairs = sorted(
        (problem.duration_s[v.speed_class][v.start][outlet], v.id, outlet)
        for v in idle
        for outlet in short_kg
    )
    payload = {v.id: v.payload_kg for v in idle}
    moved: dict[str, int] = {}
    for _seconds, vehicle_id, outlet in pairs:
        if vehicle_id in moved or short_kg[outlet] <= 0:
            continue
        moved[vehicle_id] = outlet
        short_kg[outlet] -= payload[vehicle_id]
    return moved
