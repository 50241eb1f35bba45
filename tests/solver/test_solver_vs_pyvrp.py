"""The side-by-side benchmark's judge: other solvers' routes go through our checker."""

from __future__ import annotations

from pathlib import Path

from benchmarks.solver_vs_pyvrp import _pyvrp_solve, solution_of_routes
from solver import check
from solver.formats import read_instance

DATA = Path(__file__).parent / "data"


def test_routes_of_another_solver_are_scheduled_and_judged_by_our_checker():
    problem = read_instance(DATA / "tiny_tw.vrp").problem
    # Jobs 0 and 2 (4 + 6 kg) in one run, job 1 in another: feasible.
    good = solution_of_routes(problem, [(0, [0, 2]), (1, [1])])
    assert check(problem, good).ok and not good.unassigned
    # All three in one run: 15 kg over a payload of 10.
    overloaded = solution_of_routes(problem, [(0, [0, 1, 2])])
    assert not check(problem, overloaded).ok
    # A job left out is reported, not silently lost.
    partial = solution_of_routes(problem, [(0, [0, 2])])
    assert [u.job_id for u in partial.unassigned] == [problem.jobs[1].id]


def test_pyvrp_solutions_pass_our_checker():
    instance = read_instance(DATA / "R101_25.txt")
    solution, iterations, feasible = _pyvrp_solve(instance.problem, 0.5, seed=1)
    assert feasible and iterations > 0
    assert check(instance.problem, solution).ok
    assert not solution.unassigned
