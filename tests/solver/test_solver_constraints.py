"""Each constraint on a hand-made problem whose answer is obvious."""

from __future__ import annotations

from dataclasses import replace

from solver import MaxSolutions, Problem, Reason, TimeWindow, check, solve
from tests.solver.builders import job, plane, van

LIMIT = MaxSolutions(50)


def _solve(problem: Problem):
    solution = solve(problem, LIMIT)
    result = check(problem, solution)
    assert result.ok, result.violations
    return solution


def _reasons(solution):
    return {(u.job_id, u.reason) for u in solution.unassigned}


def _run_of(solution, job_id):
    return next(r for r in solution.runs if any(s.job_id == job_id for s in r.stops))


def test_payload_splits_jobs_over_two_runs():
    problem = plane(
        [(0, 0), (10, 0), (20, 0), (30, 0)],
        [van("a", payload_kg=100), van("b", payload_kg=100)],
        [job("x", 1, 40), job("y", 2, 40), job("z", 3, 40)],
    )
    solution = _solve(problem)
    assert len(solution.runs) == 2 and not solution.unassigned
    assert all(r.load_kg <= 100 for r in solution.runs)


def test_time_windows_set_the_visit_order():
    # "far" must be served early, "near" late, although "near" is on the way.
    problem = plane(
        [(0, 0), (10, 0), (50, 0)],
        [van()],
        [
            job("near", 1, time_windows=(TimeWindow(200, 300),)),
            job("far", 2, time_windows=(TimeWindow(0, 60),)),
        ],
    )
    (run,) = _solve(problem).runs
    assert [s.job_id for s in run.stops] == ["far", "near"]
    assert run.stops[1].service_start_s >= 200


def test_a_later_window_is_used_when_the_first_cannot_be_reached():
    problem = plane(
        [(0, 0), (50, 0)],
        [van()],
        [job("j", 1, time_windows=(TimeWindow(0, 10), TimeWindow(200, 300)))],
    )
    (run,) = _solve(problem).runs
    assert run.stops[0].service_start_s == 200
    # Departure is delayed so the volunteer does not wait at the door.
    assert run.start_s == 150 and run.stops[0].arrival_s == 200


def test_shift_start_delays_the_run():
    problem = plane([(0, 0), (30, 0)], [van(shift=TimeWindow(1000, 2000))], [job("j", 1)])
    (run,) = _solve(problem).runs
    assert run.start_s >= 1000 and run.stops[0].arrival_s >= 1030 and run.end_s <= 2000


def test_max_duration_and_max_distance_reject_far_jobs():
    points = [(0, 0), (100, 0)]
    jobs = [job("j", 1, service_s=10)]
    assert _reasons(_solve(plane(points, [van(max_duration_s=150)], jobs))) == {
        ("j", Reason.BEYOND_RUN_LIMITS)
    }
    assert _reasons(_solve(plane(points, [van(max_distance_m=199)], jobs))) == {
        ("j", Reason.BEYOND_RUN_LIMITS)
    }
    assert not _solve(plane(points, [van(max_duration_s=210, max_distance_m=200)], jobs)).unassigned


def test_max_distance_makes_two_runs_of_one():
    problem = plane(
        [(0, 0), (100, 0), (0, 100)],
        [van("a", max_distance_m=250), van("b", max_distance_m=250)],
        [job("east", 1), job("north", 2)],
    )
    solution = _solve(problem)
    assert len(solution.runs) == 2 and all(r.distance_m == 200 for r in solution.runs)


def test_speed_class_picks_the_vehicle_that_arrives_in_time():
    # 60 m away, window closes at 100 s: the default vehicle (1 m/s) makes it, slow (2 s/m) not.
    problem = plane(
        [(0, 0), (60, 0)],
        [van("slow", speed_class="slow"), van("fast")],
        [job("j", 1, time_windows=(TimeWindow(0, 100),))],
    )
    (run,) = _solve(problem).runs
    assert run.vehicle_id == "fast"


def test_runs_load_at_the_jobs_outlet_and_count_the_leg_there():
    # Outlets at 1 and 2; volunteer a lives at 0 and loads at 1, b loads at 2.
    problem = plane(
        [(0, 0), (10, 0), (0, 10), (20, 0), (0, 20)],
        [van("a", at=0, outlet=1), van("b", at=0, outlet=2)],
        [job("from1", 3, outlet=1), job("from2", 4, outlet=2)],
    )
    solution = _solve(problem)
    assert _run_of(solution, "from1").vehicle_id == "a"
    assert _run_of(solution, "from2").vehicle_id == "b"
    # home -> outlet 10 m, outlet -> stop 10 m, stop -> home 20 m
    assert _run_of(solution, "from1").distance_m == 40


def test_no_vehicle_at_the_outlet_is_reported():
    problem = plane([(0, 0), (10, 0)], [van()], [job("j", 1, outlet=1)])
    assert _reasons(_solve(problem)) == {("j", Reason.NO_VEHICLE_AT_OUTLET)}


def test_a_job_restricted_to_a_vehicle_rides_with_it_even_when_another_is_nearer():
    # "near" lives next to the job; "far" lives 100 m away, yet the job names "far".
    problem = plane(
        [(0, 0), (100, 0), (5, 0), (3, 0)],
        [van("near", at=3), van("far", at=1)],
        [job("pinned", 2, outlet=2, vehicles=("far",))],
    )
    problem = replace(problem, vehicles=[replace(v, outlet=2) for v in problem.vehicles])
    solution = _solve(problem)
    assert [r.vehicle_id for r in solution.runs] == ["far"]
    unrestricted = replace(problem, jobs=[replace(j, vehicles=()) for j in problem.jobs])
    assert [r.vehicle_id for r in _solve(unrestricted).runs] == ["near"]


def test_restricted_jobs_keep_their_vehicles_among_many():
    # Eight jobs on a line, each pinned to the vehicle at the far end from it.
    points = [(0, 0)] + [(10 * i, 0) for i in range(1, 9)] + [(100, 0)]
    vehicles = [van("west", at=0), van("east", at=9)]
    jobs = [
        job(f"j{i}", i, outlet=0, vehicles=("east",) if i <= 4 else ("west",)) for i in range(1, 9)
    ]
    problem = replace(
        plane(points, vehicles, jobs), vehicles=[replace(v, outlet=0) for v in vehicles]
    )
    solution = _solve(problem)
    for i in range(1, 9):
        assert _run_of(solution, f"j{i}").vehicle_id == ("east" if i <= 4 else "west")


def test_a_job_restricted_to_a_vehicle_of_another_outlet_is_reported():
    problem = plane(
        [(0, 0), (10, 0), (20, 0)],
        [van("a", at=0), van("b", at=1)],
        [job("j", 2, outlet=0, vehicles=("b",))],
    )
    assert _reasons(_solve(problem)) == {("j", Reason.NO_ALLOWED_VEHICLE)}


def test_fixed_cost_prefers_the_free_vehicle():
    problem = plane(
        [(0, 0), (10, 0)],
        [van("paid", fixed_cost=100), van("free")],
        [job("j", 1)],
    )
    (run,) = _solve(problem).runs
    assert run.vehicle_id == "free"


def test_higher_priority_wins_when_capacity_runs_out():
    problem = plane(
        [(0, 0), (10, 0), (0, 10)],
        [van(payload_kg=50)],
        [job("low", 1, 40, priority=1), job("high", 2, 40, priority=5)],
    )
    solution = _solve(problem)
    assert [s.job_id for s in solution.runs[0].stops] == ["high"]
    assert _reasons(solution) == {("low", Reason.DROPPED_FOR_PRIORITY)}


def test_too_heavy_without_splitting_and_split_with_it():
    points = [(0, 0), (10, 0)]
    vehicles = [van("a", payload_kg=100), van("b", payload_kg=100), van("c", payload_kg=100)]
    no_split = plane(points, vehicles, [job("big", 1, 250)], split_oversized=False)
    assert _reasons(_solve(no_split)) == {("big", Reason.TOO_HEAVY)}
    solution = _solve(plane(points, vehicles, [job("big", 1, 250)]))
    stops = [s for r in solution.runs for s in r.stops]
    assert sorted(s.weight_kg for s in stops) == [50, 100, 100]
    assert {(s.job_id, s.parts) for s in stops} == {("big", 3)}


def test_item_count_is_a_second_capacity():
    problem = plane(
        [(0, 0), (10, 0), (0, 10)],
        [van("a", max_items=5), van("b", max_items=5)],
        [job("x", 1, 1, items=4), job("y", 2, 1, items=4)],
    )
    solution = _solve(problem)
    assert len(solution.runs) == 2 and all(r.items <= 5 for r in solution.runs)


def test_pesticide_never_rides_with_seed_when_the_rule_is_on():
    points = [(0, 0), (10, 0), (11, 0)]
    jobs = [
        job("seed", 1, classes=frozenset({"seed"})),
        job("poison", 2, classes=frozenset({"pesticide"})),
    ]
    vehicles = [van("a", fixed_cost=50), van("b", fixed_cost=50)]
    apart = _solve(plane(points, vehicles, jobs, incompatible=[("pesticide", "seed")]))
    assert len(apart.runs) == 2
    together = _solve(plane(points, vehicles, jobs))
    assert len(together.runs) == 1


def test_outside_every_shift_is_reported():
    problem = plane(
        [(0, 0), (10, 0)],
        [van(shift=TimeWindow(28_800, 64_800))],
        [job("night", 1, time_windows=(TimeWindow(72_000, 75_000),))],
    )
    assert _reasons(_solve(problem)) == {("night", Reason.OUTSIDE_SHIFTS)}


def test_explain_mentions_every_run_stop_and_unassigned_job():
    problem = plane(
        [(0, 0), (10, 0), (0, 10)],
        [van(payload_kg=50)],
        [job("kept", 1, 40, priority=3), job("left", 2, 40)],
    )
    text = _solve(problem).explain()
    assert (
        "run v" in text
        and "job kept" in text
        and "unassigned job left: dropped_for_priority" in text
    )
