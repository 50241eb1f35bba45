"""The compiled insertion kernel (solver/kernels.py) against a full recount of each run."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from solver.formats import read_instance
from solver.kernels import BIG
from solver.lns import FastModel
from solver.options import Ruin, RuinRecreate, SoftMode
from solver.prepare import prepare

DATA = Path(__file__).parent / "data"


def _options(granular_min_parts: int) -> RuinRecreate:
    return RuinRecreate(
        blink=0.0,
        granular_min_parts=granular_min_parts,
        ruin=Ruin(avg_removed=10, route_removal=0.0, vehicle_swap=0.0),
        soft=SoftMode(enabled=False),
    )


@pytest.mark.parametrize("granular_min_parts", [10**6, 0])
def test_every_place_costs_what_a_recount_of_the_run_says(granular_min_parts):
    """Each place the kernel tries: its cost is the recounted change of the run's distance
    when the run stays feasible, and BIG exactly when the exact run check fails."""
    inst = read_instance(DATA / "R101_25.txt")
    prepared = prepare(inst.problem)
    fast = FastModel(inst.problem, prepared, 10**7, _options(granular_min_parts), seed=4)
    empty = [[] for _ in inst.problem.vehicles]
    routes, _, _ = fast.search(empty, None, 200)
    rng = random.Random(9)
    checked = feasible = 0
    for _ in range(4):
        fast.set_routes(routes)
        out = rng.sample(range(fast.n), 6)
        fast.set_routes([[x for x in r if x not in out] for r in routes])
        before = fast.run_dist.copy()
        for u in out:
            found = fast._insertions(u)
            assert found is not None
            for cost, v, p in zip(*(a.tolist() for a in found[:3]), strict=True):
                route = fast.routes[v]
                pos = 0 if p >= fast.n else route.index(p) + 1
                seq = [*route[:pos], u, *route[pos:]]
                ok = fast.run_ok(v, seq)
                assert ok == (cost < BIG), (u, v, p)
                if ok:
                    nodes = [fast.n + v, *seq, fast.n + fast.nv + v]
                    recount = sum(
                        int(fast.dist[a, b]) for a, b in zip(nodes, nodes[1:], strict=False)
                    )
                    assert cost == recount - before[v]
                    feasible += 1
                checked += 1
            best = fast._best_insertion(u)
            costs = [c for c in found[0].tolist() if c < BIG]
            assert best is not None and best[0] == min(costs)
            fast._insert(u, *best[1:])
            before = fast.run_dist.copy()
    assert feasible > 20 and checked > feasible  # both kinds of place were seen
