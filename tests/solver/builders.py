"""Small problems for solver tests: points on a plane, Euclidean metres, one or two speeds."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

from hypothesis import strategies as st

from solver import Job, Location, Problem, TimeWindow, Vehicle
from solver.model import to_grams

DAY = TimeWindow(0, 100_000)


def plane(
    points: list[tuple[int, int]],
    vehicles: list[Vehicle],
    jobs: list[Job],
    slow_factor: int = 2,
    **kw,
) -> Problem:
    """A problem on ``points`` with metre distances; "default" drives 1 m/s, "slow" slower."""
    dist = [[round(math.dist(a, b)) for b in points] for a in points]
    slow = [[d * slow_factor for d in row] for row in dist]
    return Problem(
        locations=[Location(str(i)) for i in range(len(points))],
        distance_m=dist,
        duration_s={"default": dist, "slow": slow},
        vehicles=vehicles,
        jobs=jobs,
        **kw,
    )


def van(id: str = "v", at: int = 0, payload_kg: float = 100, **kw) -> Vehicle:
    return Vehicle(id=id, start=at, end=at, payload_kg=payload_kg, shift=kw.pop("shift", DAY), **kw)


def job(id: str, at: int, weight_kg: float = 10, outlet: int = 0, **kw) -> Job:
    return Job(id=id, location=at, outlet=outlet, weight_kg=weight_kg, **kw)


def total_cost(problem: Problem, solution) -> int:
    """The objective recomputed from the solution alone (distance, fixed costs, drops)."""
    vehicles = {v.id: v for v in problem.vehicles}
    jobs = {j.id: j for j in problem.jobs}
    cost = sum(r.distance_m + vehicles[r.vehicle_id].fixed_cost for r in solution.runs)
    cost += sum(problem.drop_cost * jobs[u.job_id].priority for u in solution.unassigned)
    return cost


def brute_force_cost(problem: Problem) -> int:
    """Optimal objective by enumeration: every job to a vehicle or dropped, every order.

    Independent of the solver: schedules are computed here from the matrices. Only for
    unsplit jobs (each fits some vehicle) and a handful of jobs.
    """
    n = len(problem.jobs)
    best_route: list[dict[frozenset[int], int]] = []
    for v in problem.vehicles:
        table: dict[frozenset[int], int] = {frozenset(): 0}
        for size in range(1, n + 1):
            for subset in itertools.combinations(range(n), size):
                cost = _best_order(problem, v, subset)
                if cost is not None:
                    table[frozenset(subset)] = cost + v.fixed_cost
        best_route.append(table)

    best = None
    k = len(problem.vehicles)
    for assign in itertools.product(range(k + 1), repeat=n):
        total = 0
        for vi in range(k):
            subset = frozenset(j for j in range(n) if assign[j] == vi)
            c = best_route[vi].get(subset)
            if c is None:
                break
            total += c
        else:
            total += sum(
                problem.drop_cost * problem.jobs[j].priority for j in range(n) if assign[j] == k
            )
            if best is None or total < best:
                best = total
    assert best is not None
    return best


def _best_order(problem: Problem, v: Vehicle, subset: tuple[int, ...]) -> int | None:
    jobs = [problem.jobs[j] for j in subset]
    if any(j.outlet != v.load_at for j in jobs):
        return None
    if sum(to_grams(j.weight_kg) for j in jobs) > to_grams(v.payload_kg):
        return None
    if v.max_items is not None and sum(j.items for j in jobs) > v.max_items:
        return None
    for a, b in itertools.combinations(jobs, 2):
        if problem.conflicts(a.classes, b.classes):
            return None
    best = None
    for order in itertools.permutations(jobs):
        c = _route_cost(problem, v, order)
        if c is not None and (best is None or c < best):
            best = c
    return best


def _route_cost(problem: Problem, v: Vehicle, order) -> int | None:
    tt = problem.duration_s[v.speed_class]
    dd = problem.distance_m
    o = v.load_at
    t = v.shift.start_s + tt[v.start][o]
    dist = dd[v.start][o]
    prev = o
    first_arrival = None
    waits = 0
    for j in order:
        arrive = t + tt[prev][j.location]
        windows = sorted(j.time_windows or (v.shift,), key=lambda w: w.start_s)
        w = next((w for w in windows if w.end_s >= arrive), None)
        if w is None:
            return None
        serve = max(arrive, w.start_s)
        if first_arrival is None:
            first_arrival = arrive
        waits += serve - arrive
        t = serve + j.service_s
        dist += dd[prev][j.location]
        prev = j.location
    t += tt[prev][v.end]
    dist += dd[prev][v.end]
    if t > v.shift.end_s:
        return None
    if v.max_distance_m is not None and dist > v.max_distance_m:
        return None
    if v.max_duration_s is not None and t - v.shift.start_s - waits > v.max_duration_s:
        # Only exact without waiting; the random problems keep max duration window-free.
        return None
    return dist


@st.composite
def small_problems(draw, max_jobs: int = 6, max_vehicles: int = 2, windows: bool = True):
    """Random problems small enough for brute force; every job fits some vehicle."""
    n_points = draw(st.integers(2, 6))
    coords = st.tuples(st.integers(0, 60), st.integers(0, 60))
    points = draw(st.lists(coords, min_size=n_points, max_size=n_points, unique=True))
    n_vehicles = draw(st.integers(1, max_vehicles))
    vehicles = []
    for k in range(n_vehicles):
        start = draw(st.integers(0, n_points - 1))
        vehicles.append(
            Vehicle(
                id=f"v{k}",
                start=start,
                end=draw(st.sampled_from([start, 0])),
                outlet=draw(st.sampled_from([None, 0])),
                payload_kg=draw(st.sampled_from([20, 35, 50])),
                shift=TimeWindow(draw(st.integers(0, 50)), draw(st.integers(250, 600))),
                speed_class=draw(st.sampled_from(["default", "slow"])),
                max_distance_m=draw(st.sampled_from([None, None, 200])),
                fixed_cost=draw(st.sampled_from([0, 0, 30])),
            )
        )
    n_jobs = draw(st.integers(1, max_jobs))
    jobs = []
    for i in range(n_jobs):
        tws: tuple[TimeWindow, ...] = ()
        if windows and draw(st.booleans()):
            a = draw(st.integers(0, 400))
            tws = (TimeWindow(a, a + draw(st.integers(0, 200))),)
        jobs.append(
            Job(
                id=f"j{i}",
                location=draw(st.integers(1, n_points - 1)),
                outlet=draw(st.sampled_from(sorted({v.load_at for v in vehicles}))),
                weight_kg=draw(st.sampled_from([5, 10, 15, 20])),
                service_s=draw(st.sampled_from([0, 10, 30])),
                time_windows=tws,
                priority=draw(st.integers(1, 3)),
                classes=draw(
                    st.sampled_from([frozenset(), frozenset({"seed"}), frozenset({"pesticide"})])
                ),
            )
        )
    problem = plane(points, vehicles, jobs, incompatible=[("pesticide", "seed")], drop_cost=1000)
    return replace(problem, split_oversized=False)
