"""The checker catches each kind of violation in a hand-broken solution."""

from __future__ import annotations

from dataclasses import replace

import pytest

from solver import MaxSolutions, Reason, TimeWindow, Unassigned, check, solve
from tests.solver.builders import job, plane, van

POINTS = [(0, 0), (100, 0), (100, 100), (0, 100)]


@pytest.fixture(scope="module")
def problem():
    return plane(
        POINTS,
        [van("a", payload_kg=50, max_distance_m=1000), van("b", payload_kg=50)],
        [
            job("j1", 1, 20, service_s=10, time_windows=(TimeWindow(0, 500),)),
            job("j2", 2, 20, service_s=10),
            job("j3", 3, 20, service_s=10, classes=frozenset({"seed"})),
        ],
        incompatible=[("seed", "pesticide")],
    )


@pytest.fixture(scope="module")
def good(problem):
    solution = solve(problem, MaxSolutions(30))
    assert check(problem, solution).ok
    assert not solution.unassigned
    return solution


def _edit_run(solution, i, **changes):
    runs = list(solution.runs)
    runs[i] = replace(runs[i], **changes)
    return replace(solution, runs=tuple(runs))


def _edit_stop(solution, **changes):
    run = solution.runs[0]
    stops = list(run.stops)
    stops[0] = replace(stops[0], **changes)
    return _edit_run(solution, 0, stops=tuple(stops))


def _violations(problem, solution):
    result = check(problem, solution)
    assert not result.ok
    return " | ".join(result.violations)


def test_a_job_left_out_is_caught(problem, good):
    run = good.runs[0]
    broken = _edit_run(good, 0, stops=run.stops[1:])
    assert "neither served nor reported" in _violations(problem, broken)


def test_a_job_served_twice_is_caught(problem, good):
    run = good.runs[0]
    broken = _edit_run(good, 0, stops=run.stops + run.stops[:1])
    assert "appears twice" in _violations(problem, broken)


def test_served_and_unassigned_at_once_is_caught(problem, good):
    s = good.runs[0].stops[0]
    broken = replace(
        good, unassigned=(Unassigned(s.job_id, 0, 1, s.weight_kg, Reason.DROPPED_FOR_PRIORITY),)
    )
    assert "appears twice" in _violations(problem, broken)


def test_overload_is_caught(problem, good):
    heavy = replace(problem, vehicles=[replace(v, payload_kg=10) for v in problem.vehicles])
    assert "exceeds payload" in _violations(heavy, good)


def test_arrival_after_the_window_is_caught(problem, good):
    tight = replace(
        problem,
        jobs=[replace(j, time_windows=(TimeWindow(0, 5),)) for j in problem.jobs],
    )
    assert "outside its windows" in _violations(tight, good)


def test_serving_before_arrival_is_caught(problem, good):
    s = good.runs[0].stops[0]
    broken = _edit_stop(good, service_start_s=s.arrival_s - 1, departure_s=s.departure_s - 1)
    assert "before arrival" in _violations(problem, broken)


def test_misreported_arrival_is_caught(problem, good):
    s = good.runs[0].stops[0]
    assert "reported arrival" in _violations(problem, _edit_stop(good, arrival_s=s.arrival_s + 7))


def test_service_time_cut_short_is_caught(problem, good):
    s = good.runs[0].stops[0]
    assert "start + service" in _violations(
        problem, _edit_stop(good, departure_s=s.service_start_s)
    )


def test_leaving_before_the_shift_is_caught(problem, good):
    late = replace(
        problem,
        vehicles=[replace(v, shift=TimeWindow(5, 100_000)) for v in problem.vehicles],
    )
    assert "before shift start" in _violations(late, _edit_run(good, 0, start_s=0))


def test_ending_after_the_shift_is_caught(problem, good):
    short = replace(
        problem, vehicles=[replace(v, shift=TimeWindow(0, 150)) for v in problem.vehicles]
    )
    assert "after shift end" in _violations(short, good)


def test_run_longer_than_max_duration_is_caught(problem, good):
    limited = replace(problem, vehicles=[replace(v, max_duration_s=60) for v in problem.vehicles])
    assert "duration" in _violations(limited, good)


def test_run_longer_than_max_distance_is_caught(problem, good):
    limited = replace(problem, vehicles=[replace(v, max_distance_m=150) for v in problem.vehicles])
    assert "distance" in _violations(limited, good)


def test_misreported_distance_is_caught(problem, good):
    r = good.runs[0]
    assert "reported distance" in _violations(
        problem, _edit_run(good, 0, distance_m=r.distance_m - 1)
    )


def test_incompatible_classes_in_one_run_are_caught(problem, good):
    pesticide = replace(
        problem,
        jobs=[replace(j, classes=j.classes or frozenset({"pesticide"})) for j in problem.jobs],
    )
    # Only caught if the seed job shares a run with another job; force a single run.
    stops = tuple(s for r in good.runs for s in r.stops)
    single = replace(good, runs=(replace(good.runs[0], stops=stops),))
    assert "incompatible" in _violations(pesticide, single)


def test_wrong_outlet_is_caught(problem, good):
    moved = replace(problem, jobs=[replace(j, outlet=3) for j in problem.jobs])
    assert "loads at" in _violations(moved, good)


def test_lost_weight_of_a_split_job_is_caught(problem, good):
    s = good.runs[0].stops[0]
    broken = _edit_stop(good, weight_kg=s.weight_kg - 1)
    assert "parts weigh" in _violations(problem, broken)


def test_a_job_on_a_vehicle_it_may_not_ride_with_is_caught(problem, good):
    run = good.runs[0]
    others = [v.id for v in problem.vehicles if v.id != run.vehicle_id]
    pinned = run.stops[0].job_id
    restricted = replace(
        problem,
        jobs=[replace(j, vehicles=tuple(others)) if j.id == pinned else j for j in problem.jobs],
    )
    assert "may only ride with" in _violations(restricted, good)


def test_unknown_vehicle_is_caught(problem, good):
    assert "unknown vehicle" in _violations(problem, _edit_run(good, 0, vehicle_id="ghost"))


def test_one_vehicle_two_runs_is_caught(problem, good):
    if len(good.runs) < 2:
        pytest.skip("the plan uses one run")
    broken = _edit_run(good, 1, vehicle_id=good.runs[0].vehicle_id)
    assert "more than one run" in _violations(problem, broken)
