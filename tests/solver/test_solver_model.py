"""The input dataclasses refuse what cannot be planned, with a clear ValueError; solve's
seed and the grouped search options."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from solver import MaxSolutions, SearchOptions, TimeWindow, check, solve
from solver.formats import read_instance, result_json

from .builders import job, plane, van

DATA = Path(__file__).parent / "data"
POINTS = [(0, 0), (0, 30), (40, 0), (40, 30)]


def _problem(**kw):
    return plane(POINTS, [van("v")], [job("a", 1), job("b", 2)], **kw)


def test_a_window_closing_before_it_opens_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        TimeWindow(100, 50)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weight_kg", -1.0, "weight_kg must be >= 0"),
        ("weight_kg", float("nan"), "weight_kg must be >= 0"),
        ("service_s", -5, "service_s must be >= 0"),
        ("items", -1, "items must be >= 0"),
        ("priority", 0, "priority must be >= 1"),
    ],
)
def test_a_job_refuses_negative_quantities(field, value, message):
    with pytest.raises(ValueError, match=message):
        job("a", 1, **{field: value})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("payload_kg", -1.0, "payload_kg must be >= 0"),
        ("max_items", -1, "max_items must be >= 0"),
        ("max_duration_s", -1, "max_duration_s must be >= 0"),
        ("max_distance_m", -1, "max_distance_m must be >= 0"),
        ("fixed_cost", -1, "fixed_cost must be >= 0"),
    ],
)
def test_a_vehicle_refuses_negative_limits(field, value, message):
    with pytest.raises(ValueError, match=message):
        van("v", **{field: value})


@pytest.mark.parametrize(
    ("vehicle", "message"),
    [
        (van("v", outlet=9), "outlet 9 is not a location"),
        (van("v", at=-1), "start -1 is not a location"),
        (van("v", speed_class="bicycle"), "no duration_s matrix for speed class 'bicycle'"),
    ],
)
def test_a_problem_refuses_a_vehicle_it_cannot_place(vehicle, message):
    with pytest.raises(ValueError, match=message):
        plane(POINTS, [vehicle], [job("a", 1)])


def test_a_problem_refuses_jobs_at_unknown_places_and_repeated_ids():
    with pytest.raises(ValueError, match="location 4 is not a location"):
        plane(POINTS, [van("v")], [job("a", 4)])
    with pytest.raises(ValueError, match="outlet 7 is not a location"):
        plane(POINTS, [van("v")], [job("a", 1, outlet=7)])
    with pytest.raises(ValueError, match="job ids must be unique"):
        plane(POINTS, [van("v")], [job("a", 1), job("a", 2)])
    with pytest.raises(ValueError, match="vehicle ids must be unique"):
        plane(POINTS, [van("v"), van("v")], [job("a", 1)])
    with pytest.raises(ValueError, match="drop_cost must be >= 0"):
        _problem(drop_cost=-1)


def test_a_problem_refuses_matrices_of_the_wrong_size():
    problem = _problem()
    with pytest.raises(ValueError, match="distance_m must be 4 x 4"):
        replace(problem, distance_m=[row[:3] for row in problem.distance_m])
    with pytest.raises(ValueError, match=r"duration_s\['slow'\] must be 4 x 4"):
        replace(problem, duration_s={**problem.duration_s, "slow": np.zeros((3, 4), dtype=int)})
    # numpy matrices of the right shape are fine
    replace(problem, distance_m=np.asarray(problem.distance_m))


def test_the_seed_makes_a_solution_limited_solve_reproducible():
    problem = read_instance(DATA / "R101_25.txt").problem
    first = solve(problem, MaxSolutions(60), seed=3)
    again = solve(problem, MaxSolutions(60), seed=3)
    assert check(problem, first).ok
    assert [[s.job_id for s in r.stops] for r in first.runs] == [
        [s.job_id for s in r.stops] for r in again.runs
    ]
    assert first.objective == again.objective


def test_search_options_are_set_by_group_and_field():
    options = SearchOptions().with_value("ruin_recreate.ruin.max_string", "20")
    assert options.ruin_recreate.ruin.max_string == 20
    assert options.ruin_recreate.ruin.avg_removed == SearchOptions().ruin_recreate.ruin.avg_removed
    options = options.with_value("first.disabled_operators", "use_or_opt,use_relocate")
    assert options.first.disabled_operators == ("use_or_opt", "use_relocate")
    options = options.with_value("ruin_recreate.soft.enabled", "false")
    assert options.ruin_recreate.soft.enabled is False
    with pytest.raises(ValueError, match="no search option 'max_strings'"):
        options.with_value("ruin_recreate.ruin.max_strings", "3")
    with pytest.raises(ValueError, match="is a group of options"):
        options.with_value("ruin_recreate.ruin", "3")


def test_feasible_only_search_by_option_still_passes_the_checker():
    instance = read_instance(DATA / "R101_25.txt")
    options = SearchOptions().with_value("ruin_recreate.soft.enabled", "no")
    solution = solve(instance.problem, MaxSolutions(60), options)
    assert check(instance.problem, solution).ok
    assert result_json(instance, solution)["vehicles"] >= 1
