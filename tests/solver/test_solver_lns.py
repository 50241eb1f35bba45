"""Our own ruin-and-recreate (solver/lns.py): its routes go back through OR-Tools intact."""

from __future__ import annotations

import random
from pathlib import Path

from solver import MaxSolutions, check, solve
from solver.formats import read_instance
from solver.lns import FastModel
from solver.options import Ruin, RuinRecreate, SoftMode
from solver.prepare import prepare

DATA = Path(__file__).parent / "data"


def _loop_options(blink: float = 0.01, soft: bool = False) -> RuinRecreate:
    """The loop without run removal and vehicle swap, feasible-only unless ``soft``."""
    return RuinRecreate(
        blink=blink,
        ruin=Ruin(avg_removed=10, route_removal=0.0, vehicle_swap=0.0),
        soft=SoftMode(enabled=soft),
    )


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
    fast = FastModel(inst.problem, prepared, 10**7, _loop_options(), seed=3)
    empty = [[] for _ in inst.problem.vehicles]
    routes, best, done = fast.search(empty, None, 300)
    assert done == 300
    assert all(fast.run_ok(v, r) for v, r in enumerate(routes))
    fast.set_routes(routes)
    assert fast.objective() == best
    assert sorted(x for r in routes for x in r) == list(range(len(prepared.parts)))


def _scrambled(n_parts: int, n_vehicles: int, seed: int) -> list[list[int]]:
    """Parts dealt out to a few runs in random order: runs late at many stops."""
    rng = random.Random(seed)
    order = list(range(n_parts))
    rng.shuffle(order)
    routes: list[list[int]] = [[] for _ in range(n_vehicles)]
    for i, x in enumerate(order[: n_parts - 5]):
        routes[i % 3].append(x)
    return routes


def test_soft_insertions_keep_time_warp_and_times_equal_to_a_recount():
    inst = read_instance(DATA / "R101_25.txt")
    prepared = prepare(inst.problem)
    fast = FastModel(inst.problem, prepared, 10**7, _loop_options(blink=0.0, soft=True), seed=5)
    nv = len(inst.problem.vehicles)
    for seed in range(5):
        fast.set_routes(_scrambled(len(prepared.parts), nv, seed))
        assert fast.warp.sum() > 0  # the test needs late arrivals to mean anything
        for u in [x for x in range(fast.n) if fast.veh[x] < 0]:
            # Every place, not only the cheapest: those avoid late joins.
            cost, vs, prevs, warps = fast._insertions(u)
            assert warps.max() > 0
            for v, p, warp in zip(vs.tolist(), prevs.tolist(), warps.tolist(), strict=True):
                snap = fast._snapshot()
                fast._insert(u, v, p, warp)
                incremental = (fast.warp.copy(), fast.earliest.copy(), fast.latest.copy())
                fast.set_routes(fast.routes)
                assert (fast.warp == incremental[0]).all()
                served = [x for r in fast.routes for x in r]
                assert (fast.earliest[served] == incremental[1][served]).all()
                assert (fast.latest[served] == incremental[2][served]).all()
                fast._restore(snap)
            fast._insert(u, *fast._best_insertion(u)[1:])


def test_soft_search_returns_only_feasible_routes():
    inst = read_instance(DATA / "R101_25.txt")
    prepared = prepare(inst.problem)
    fast = FastModel(inst.problem, prepared, 10**7, _loop_options(soft=True), seed=2)
    routes, best, _ = fast.search([[] for _ in inst.problem.vehicles], None, 1000)
    assert all(fast.run_ok(v, r) for v, r in enumerate(routes))
    fast.set_routes(routes)
    assert fast.objective() == best
    assert fast.warp.sum() == 0
    assert sorted(x for r in routes for x in r) == list(range(len(prepared.parts)))


def test_vehicle_swap_hands_runs_over_without_breaking_any():
    from dataclasses import replace

    inst = read_instance(DATA / "R101_25.txt")
    vehicles = list(inst.problem.vehicles)
    # A mixed fleet: small vehicles and short shifts take only part of a big run.
    for i in range(0, 10, 2):
        vehicles[i] = replace(vehicles[i], payload_kg=60)
    for i in range(1, 10, 2):
        shift = vehicles[i].shift
        vehicles[i] = replace(vehicles[i], shift=replace(shift, end_s=shift.start_s + 120))
    problem = replace(inst.problem, vehicles=tuple(vehicles))
    prepared = prepare(problem)
    fast = FastModel(problem, prepared, 10**7, _loop_options(), seed=4)
    routes, _, _ = fast.search([[] for _ in vehicles], None, 200)
    fast.set_routes(routes)
    left_out_seen = 0
    for _ in range(300):
        before = sorted(x for r in fast.routes for x in r)
        left_out = fast._swap_vehicles()
        after = sorted(x for r in fast.routes for x in r)
        assert sorted(after + left_out) == before
        assert all(fast.veh[x] == -1 for x in left_out)
        assert all(fast.run_ok(v, r) for v, r in enumerate(fast.routes))
        assert all(fast.veh[x] == v for v, r in enumerate(fast.routes) for x in r)
        left_out_seen += len(left_out)
        fast._recreate(left_out)
    assert left_out_seen > 0  # some swaps had to leave parts out


def test_clean_insertions_add_no_violation_in_soft_mode():
    inst = read_instance(DATA / "R101_25.txt")
    prepared = prepare(inst.problem)
    fast = FastModel(inst.problem, prepared, 10**7, _loop_options(blink=0.0, soft=True), seed=6)
    fast.cap[:] = fast.cap // 4  # overloads possible too
    late_offers = 0
    for seed in range(5):
        fast.set_routes(_scrambled(len(prepared.parts), len(inst.problem.vehicles), seed))
        for u in [x for x in range(fast.n) if fast.veh[x] < 0]:
            cost, v, p, warp = fast._best_insertion(u)
            late_offers += warp > 0 or fast.load[v] + fast.grams[u] > fast.cap[v]
            clean = fast._best_insertion(u, clean=True)
            if clean is not None:
                _, v, _, warp = clean
                assert warp <= 0
                assert fast.load[v] + fast.grams[u] <= fast.cap[v]
    assert late_offers > 0  # without ``clean`` the cheapest place did add violations


def test_granular_places_are_next_to_near_parts_and_the_search_stays_feasible():
    inst = read_instance(DATA / "R101_25.txt")
    prepared = prepare(inst.problem)
    fast = FastModel(inst.problem, prepared, 10**7, _loop_options(), seed=7)
    fast.granular = True  # by default only above 400 parts
    fast.near = fast.near[:, :5]
    routes, best, _ = fast.search([[] for _ in inst.problem.vehicles], None, 300)
    assert all(fast.run_ok(v, r) for v, r in enumerate(routes))
    assert sorted(x for r in routes for x in r) == list(range(len(prepared.parts)))
    fast.set_routes(routes)
    assert fast.objective() == best
    n = fast.n
    for u in range(n):
        places = set(fast._granular_places(u).tolist())
        before = {}
        for v, r in enumerate(fast.routes):
            for a, b in zip([n + v, *r], r, strict=False):
                before[b] = a
        near = [c for c in fast.near[u].tolist() if fast.veh[c] >= 0]
        idle = [n + v for v, r in enumerate(fast.routes) if not r]
        # After each near part, before it, and at the start of one idle vehicle (one kind).
        assert places == set(near) | {before[c] for c in near} | set(idle[:1])
