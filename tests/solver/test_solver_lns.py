"""Our own ruin-and-recreate (solver/lns.py): its routes go back through OR-Tools intact."""

from __future__ import annotations

from pathlib import Path

from solver import MaxSolutions, check, solve
from solver.formats import read_instance
from solver.lns import FastModel
from solver.prepare import prepare

DATA = Path(__file__).parent / "data"


def test_search_runs_and_its_routes_are_accepted_by_ortools():
    inst = read_instance(DATA / "R101_25.txt")
    solution = solve(inst.problem, MaxSolutions(100))
    # A negative count would mean OR-Tools rejected the routes our loop produced.
    assert solution.stats["ruin_recreate_iterations"] > 0
    assert check(inst.problem, solution).ok
    assert not solution.unassigned


def test_best_objective_matches_a_recount_and_every_run_is_feasible():
    inst = read_instance(DATA / "R101_25.txt")
    prepared = prepare(inst.problem)
    fast = FastModel(inst.problem, prepared, penalty_unit=10**7, seed=3)
    empty = [[] for _ in inst.problem.vehicles]
    routes, best, done = fast.search(empty, None, 300)
    assert done == 300
    assert all(fast.run_ok(v, r) for v, r in enumerate(routes))
    fast.set_routes(routes)
    assert fast.objective() == best
    assert sorted(x for r in routes for x in r) == list(range(len(prepared.parts)))
