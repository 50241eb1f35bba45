"""Further rounds after the first solve: idle volunteers and second trips.

Volunteers are given an outlet before the solve (``planning.assign_outlets``) and make one
run each in it. Two things are then left on the table when an outlet drops stops:
volunteers the first solve did not use at all (sent to an outlet that needed nobody more),
and volunteers whose run was full by weight and brought them home at ten in the morning
with the afternoon free. Each further round plans the dropped stops with both: idle
volunteers, and a next trip for every volunteer back home with at least an hour of shift
left (home -> outlet -> stops -> home again, starting when the last trip ended). Each goes
to the outlet with dropped goods nearest their home. Runs already planned stay as they are.

Vehicle ids carry the trip: ``"12"`` is volunteer 12's first run, ``"12/2"`` the second.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import solver
from supply_match.services.planning.vehicles import recharged_between_trips

TRIP_SEPARATOR = "/"
# A next trip is worth planning only when this much of the shift is left, and this much of
# a battery's charge.
MIN_TRIP_S = 3600
MIN_TRIP_M = 5000
MAX_ROUNDS = 3
# What a further round may still serve: a job capacity ran out for, and one whose allowed
# volunteers (their areas hold it) were all sent to other outlets in the first round.
RETRIED = (solver.Reason.DROPPED_FOR_PRIORITY, solver.Reason.NO_ALLOWED_VEHICLE)


def vehicle_id(volunteer_id: int, trip: int = 1) -> str:
    """The solver's vehicle id of a volunteer's ``trip``-th trip (``7``, ``7/2``)."""
    return str(volunteer_id) if trip == 1 else f"{volunteer_id}{TRIP_SEPARATOR}{trip}"


def volunteer_and_trip(vehicle: str) -> tuple[int, int]:
    """The volunteer id and trip number a vehicle id stands for."""
    volunteer, _, trip = vehicle.partition(TRIP_SEPARATOR)
    return int(volunteer), int(trip or 1)


@dataclass(frozen=True)
class Rounds:
    problem: solver.Problem
    """The first problem plus every later trip, with idle volunteers' outlets as used:
    what the runs obey, and what the checker reads."""
    solution: solver.Solution
    rounds: int = 0


def further_rounds(
    problem: solver.Problem,
    first: solver.Solution,
    limits: solver.SolveLimits,
    max_rounds: int = MAX_ROUNDS,
    *,
    next_trips: bool = True,
    locked: frozenset[str] = frozenset(),
) -> Rounds:
    """Plan the dropped stops with idle volunteers and (``next_trips``) further trips until
    nothing more is gained; ``first`` comes back unchanged when there is nothing to do.

    ``locked`` are the ids of jobs the dispatcher locked to their volunteers: they stay
    where they are. Other jobs naming vehicles (volunteers' areas) may ride with any trip
    of those volunteers."""
    solution, done = first, 0
    for round_number in range(max_rounds):
        dropped = _dropped_whole(problem, solution, locked)
        candidates = _idle(problem, solution, locked)
        if next_trips:
            candidates += _next_trips(problem, solution)
        if not dropped or not candidates:
            break
        dropped = [_with_trips(job, candidates) for job in dropped]
        where = _send_to_short_outlets(problem, candidates, dropped)
        if not where:
            break
        vehicles = [replace(v, outlet=where[v.id]) for v in candidates if v.id in where]
        outlets = set(where.values())
        jobs = [job for job in dropped if job.outlet in outlets]
        share = limits
        if limits.time_s is not None:
            share = solver.MaxRuntime(limits.time_s / (max_rounds - round_number))
            limits = solver.MaxRuntime(max(0.0, limits.time_s - share.time_s))
        extra = solver.solve(replace(problem, vehicles=vehicles, jobs=jobs), share)
        if not extra.runs:
            break
        ran = {run.vehicle_id for run in extra.runs}
        used = {v.id: v for v in vehicles if v.id in ran}
        known = {v.id for v in problem.vehicles}
        widened = {job.id: job for job in jobs}
        problem = replace(
            problem,
            jobs=[widened.get(job.id, job) for job in problem.jobs],
            vehicles=[used.get(v.id, v) for v in problem.vehicles]
            + [v for v in used.values() if v.id not in known],
        )
        # A job this round served (some parts of, if it split them anew) takes this round's
        # account; one it could not serve keeps the first reason (capacity ran out), not the
        # narrower one these few vehicles would give.
        served = {stop.job_id for run in extra.runs for stop in run.stops}
        solution = solver.Solution(
            tuple(
                sorted(
                    (*solution.runs, *extra.runs), key=lambda r: volunteer_and_trip(r.vehicle_id)
                )
            ),
            tuple(u for u in solution.unassigned if u.job_id not in served)
            + tuple(u for u in extra.unassigned if u.job_id in served),
            solution.objective + extra.objective,
            solution.wall_time_s + extra.wall_time_s,
            {**solution.stats, "further_rounds": round_number + 1},
        )
        done = round_number + 1
    return Rounds(problem, solution, done)


def _with_trips(job: solver.Job, candidates: list[solver.Vehicle]) -> solver.Job:
    """``job``, also open to the further trips of the volunteers it may ride with."""
    if not job.vehicles:
        return job
    volunteers = {volunteer_and_trip(v)[0] for v in job.vehicles}
    more = tuple(
        v.id
        for v in candidates
        if v.id not in job.vehicles and volunteer_and_trip(v.id)[0] in volunteers
    )
    return replace(job, vehicles=job.vehicles + more) if more else job


def _dropped_whole(
    problem: solver.Problem, solution: solver.Solution, locked: frozenset[str]
) -> list[solver.Job]:
    """Jobs dropped for capacity, or whose area's volunteers all load at other outlets, all
    of their parts, and not locked to a volunteer."""
    parts_dropped: dict[str, int] = defaultdict(int)
    parts_of: dict[str, int] = {}
    for missing in solution.unassigned:
        if missing.reason in RETRIED:
            parts_dropped[missing.job_id] += 1
            parts_of[missing.job_id] = missing.parts
    return [
        job
        for job in problem.jobs
        if job.id in parts_dropped
        and job.id not in locked
        and parts_dropped[job.id] == parts_of[job.id]
    ]


def _pinned(problem: solver.Problem, locked: frozenset[str]) -> set[str]:
    return {v for job in problem.jobs if job.id in locked for v in job.vehicles}


def _idle(
    problem: solver.Problem, solution: solver.Solution, locked: frozenset[str]
) -> list[solver.Vehicle]:
    used = {run.vehicle_id for run in solution.runs}
    pinned = _pinned(problem, locked)
    return [v for v in problem.vehicles if v.id not in used and v.id not in pinned]


def _next_trips(problem: solver.Problem, solution: solver.Solution) -> list[solver.Vehicle]:
    """One more trip for each volunteer whose last run ends with an hour of shift left."""
    vehicles = {v.id: v for v in problem.vehicles}
    last: dict[int, solver.Run] = {}
    for run in solution.runs:
        volunteer, trip = volunteer_and_trip(run.vehicle_id)
        if volunteer not in last or trip > volunteer_and_trip(last[volunteer].vehicle_id)[1]:
            last[volunteer] = run
    trips = []
    for volunteer, run in sorted(last.items()):
        v = vehicles[run.vehicle_id]
        if v.shift.end_s - run.end_s < MIN_TRIP_S:
            continue
        range_left = v.max_distance_m
        if range_left is not None and not recharged_between_trips(v.speed_class):
            # A battery is not charged between two trips: the next has what is left.
            range_left -= int(run.distance_m)
            if range_left < MIN_TRIP_M:
                continue
        trip = volunteer_and_trip(run.vehicle_id)[1] + 1
        trips.append(
            replace(
                v,
                id=vehicle_id(volunteer, trip),
                start=v.end,
                shift=solver.TimeWindow(int(run.end_s), v.shift.end_s),
                max_distance_m=range_left,
            )
        )
    return trips


def _send_to_short_outlets(
    problem: solver.Problem, candidates: list[solver.Vehicle], dropped: list[solver.Job]
) -> dict[str, int]:
    """Vehicle id -> outlet location: the nearest outlet (by the vehicle's own travel time
    from where it starts) that still has dropped weight not covered by vehicles sent there,
    among the outlets with dropped jobs the vehicle may carry."""
    short_kg: dict[int, float] = defaultdict(float)
    may_carry: dict[int, set[str] | None] = {}
    for job in dropped:
        short_kg[job.outlet] += job.weight_kg
        if not job.vehicles:
            may_carry[job.outlet] = None
        elif may_carry.get(job.outlet, set()) is not None:
            may_carry[job.outlet] = may_carry.get(job.outlet, set()) | set(job.vehicles)
    pairs = sorted(
        (problem.duration_s[v.speed_class][v.start][outlet], v.id, outlet)
        for v in candidates
        for outlet in short_kg
        if may_carry[outlet] is None or v.id in may_carry[outlet]
    )
    payload = {v.id: v.payload_kg for v in candidates}
    sent: dict[str, int] = {}
    for _seconds, vid, outlet in pairs:
        if vid in sent or short_kg[outlet] <= 0:
            continue
        sent[vid] = outlet
        short_kg[outlet] -= payload[vid]
    return sent
