"""A day already under way, as the re-planning of a published day poses it: a vehicle that
starts where its volunteer is now (not at home), at the time it is now, goes back to its
outlet to load, and keeps the stops only it may carry; a job never split across runs."""

import math
from dataclasses import replace

from solver import MaxSolutions, Reason, TimeWindow, check, solve
from tests.solver.builders import job, plane, van

# 0 outlet, 1 where the volunteer marked their last stop, 2 home, 3..5 stops.
POINTS = [(0, 0), (3000, 0), (0, 500), (3000, 400), (500, 2000), (600, 2100)]
TEN_AM = 36_000


def _under_way(**kw):
    """Marked its last stop at location 1; home is 2; loads at the outlet 0."""
    return van("under-way", at=1, outlet=0, shift=TimeWindow(TEN_AM, 60_000), payload_kg=100, **kw)


def _metres(a: int, b: int) -> int:
    return round(math.dist(POINTS[a], POINTS[b]))


def test_a_vehicle_under_way_starts_where_and_when_it_is_and_loads_at_its_outlet():
    under_way = replace(_under_way(), end=2)
    at_home = van("home", at=2, outlet=0, shift=TimeWindow(TEN_AM, 60_000), payload_kg=100)
    problem = plane(
        POINTS,
        [under_way, at_home],
        [job("own", 3, vehicles=("under-way",)), job("moved-a", 4), job("moved-b", 5)],
    )
    solution = solve(problem, MaxSolutions(30))
    assert check(problem, solution).ok and not solution.unassigned
    run = next(r for r in solution.runs if r.vehicle_id == "under-way")
    assert "own" in [s.job_id for s in run.stops]
    assert run.start_s >= TEN_AM and run.outlet == 0
    # From the last marked stop to the outlet, then to the first stop: never from home.
    first = run.stops[0]
    assert first.arrival_s >= TEN_AM + _metres(1, 0) + _metres(0, first.location)
    assert run.distance_m >= _metres(1, 0)


def test_a_stop_too_heavy_for_anyone_left_stays_whole_when_splitting_is_off():
    problem = plane(
        POINTS,
        [_under_way(), van("home", at=2, outlet=0, shift=TimeWindow(TEN_AM, 60_000))],
        [job("heavy", 4, weight_kg=150)],
        split_oversized=False,
    )
    solution = solve(problem, MaxSolutions(10))
    assert [(u.job_id, u.parts, u.reason) for u in solution.unassigned] == [
        ("heavy", 1, Reason.TOO_HEAVY)
    ]
    assert not solution.runs


def test_a_stop_only_a_missing_vehicle_may_carry_is_reported_not_placed():
    problem = plane(POINTS, [_under_way()], [job("orphan", 4, vehicles=("-",))])
    solution = solve(problem, MaxSolutions(10))
    assert [(u.job_id, u.reason) for u in solution.unassigned] == [
        ("orphan", Reason.NO_ALLOWED_VEHICLE)
    ]
