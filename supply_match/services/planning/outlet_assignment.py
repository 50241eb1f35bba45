"""Which outlet each volunteer loads at on a delivery day.

The solver keeps every run at its volunteer's outlet (see ``solver/README.md``), so this
choice caps what each outlet can send out. Sending everyone to the nearest outlet leaves a
busy outlet short of payload while trucks idle at a quiet one (the demo's busiest day: one
outlet with 5 t of orders and 2.8 t of payload, another with 0.8 t and 2.7 t). Here the
choice is a small mixed-integer model (SCIP, bundled with OR-Tools): cover each outlet's
goods with payload, and among the ways to do that prefer volunteers living near their
outlet. (CP-SAT was tried first: on 40 volunteers and 10 outlets it had not proved its
answer after 5 s and was 1 % worse than SCIP's optimum, found in 0.2 s; the LP bound is
what this knapsack-like model needs.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

# What one kilogram left without a vehicle costs, in the unit of the approach legs (100 m):
# covering a 100 kg shortfall is worth sending a volunteer 10 km further to load.
SHORTFALL_PER_KG = 1
# Demand is covered with this margin: runs rarely fill a vehicle to the last kilogram.
COVER_MARGIN = 1.3
# Leaving an area's goods at an outlet without any volunteer who may carry them costs as
# much as 150 km of approach legs: small loads from a far outlet still get someone.
UNSERVED_GROUP_COST = 1500
SOLVE_SECONDS = 5


@dataclass(frozen=True)
class Candidate:
    """A volunteer who can load at any of the outlets in ``approach_m`` (home -> outlet),
    on duty during ``shift_s`` (seconds from midnight)."""

    volunteer_id: int
    payload_kg: float
    approach_m: Mapping[int, float]
    shift_s: tuple[int, int] = (0, 24 * 3600)


@dataclass(frozen=True)
class Demand:
    """Goods to deliver from ``outlet_id``, within ``window_s`` when the farmer asked, by
    one of ``volunteer_ids`` (their service areas hold the stop; ``None``: anyone)."""

    outlet_id: int
    weight_kg: float
    window_s: tuple[int, int] | None = None
    volunteer_ids: frozenset[int] | None = None


def _demand_order(entry: tuple) -> tuple:
    """A stable order for demand groups (frozensets do not sort): the same model each run."""
    key, _kg = entry
    return tuple(
        tuple(sorted(part)) if isinstance(part, frozenset) else () if part is None else part
        for part in key
    )


def _overlaps(shift: tuple[int, int], window: tuple[int, int]) -> bool:
    return shift[0] <= window[1] and window[0] <= shift[1]


def assign(
    candidates: Sequence[Candidate],
    demands: Sequence[Demand],
    fixed: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """Volunteer id -> outlet id for every candidate; ``fixed`` volunteers keep theirs.

    Minimises payload shortfall against each outlet's goods (with a margin) and then the
    approach legs (there and back). Goods wanted within a time window count a second time
    against the payload of the volunteers on duty then, so that an outlet whose orders are
    wanted in the morning does not get only afternoon volunteers.
    """
    fixed = dict(fixed or {})
    # Goods are covered per outlet and per group of volunteers who may carry them (their
    # areas hold the stops), and again per time window asked for.
    demand_kg: dict[tuple[int, frozenset[int] | None], float] = defaultdict(float)
    windowed_kg: dict[tuple[int, frozenset[int] | None, tuple[int, int]], float] = defaultdict(
        float
    )
    for d in demands:
        demand_kg[(d.outlet_id, d.volunteer_ids)] += d.weight_kg
        if d.window_s is not None:
            windowed_kg[(d.outlet_id, d.volunteer_ids, d.window_s)] += d.weight_kg
    outlets = sorted({o for (o, _group), kg in demand_kg.items() if kg > 0})
    if not outlets:
        return {
            c.volunteer_id: fixed[c.volunteer_id] for c in candidates if c.volunteer_id in fixed
        }
    # A volunteer is worth sending only to outlets with goods they may carry.
    useful: dict[int, set[int]] = defaultdict(set)
    for (o, group), kg in demand_kg.items():
        if kg > 0:
            for c in candidates:
                if group is None or c.volunteer_id in group:
                    useful[c.volunteer_id].add(o)
    model = pywraplp.Solver.CreateSolver("SCIP")
    choice: dict[tuple[int, int], pywraplp.Variable] = {}
    for c in candidates:
        if c.volunteer_id in fixed:
            options = [fixed[c.volunteer_id]]
        else:
            options = sorted(useful[c.volunteer_id]) or outlets
        for o in options:
            choice[(c.volunteer_id, o)] = model.BoolVar(f"v{c.volunteer_id}_o{o}")
        model.Add(sum(choice[(c.volunteer_id, o)] for o in options) == 1)

    def may_carry(c: Candidate, o: int, group: frozenset[int] | None) -> bool:
        return (c.volunteer_id, o) in choice and (group is None or c.volunteer_id in group)

    shortfall = []
    unserved_groups = []
    for number, ((o, group), kg) in enumerate(sorted(demand_kg.items(), key=_demand_order)):
        short = model.NumVar(0, model.infinity(), f"short_{o}_{number}")
        covered = [
            c.payload_kg * choice[(c.volunteer_id, o)] for c in candidates if may_carry(c, o, group)
        ]
        model.Add(short >= kg * COVER_MARGIN - sum(covered))
        shortfall.append(short)
        if group is not None:
            # Nobody at all for an area's goods at an outlet leaves them all undone.
            nobody = model.BoolVar(f"nobody_{o}_{number}")
            model.Add(
                sum(choice[(c.volunteer_id, o)] for c in candidates if may_carry(c, o, group))
                + nobody
                >= 1
            )
            unserved_groups.append(nobody)
    for number, ((o, group, window), kg) in enumerate(
        sorted(windowed_kg.items(), key=_demand_order)
    ):
        short = model.NumVar(0, model.infinity(), f"short_{o}_{window[0]}_{window[1]}_{number}")
        covered = [
            c.payload_kg * choice[(c.volunteer_id, o)]
            for c in candidates
            if may_carry(c, o, group) and _overlaps(c.shift_s, window)
        ]
        model.Add(short >= kg * COVER_MARGIN - sum(covered))
        shortfall.append(short)
    approach_m = {c.volunteer_id: c.approach_m for c in candidates}
    approach = [2 * approach_m[vid].get(o, 0) / 100 * var for (vid, o), var in choice.items()]
    model.Minimize(
        SHORTFALL_PER_KG * sum(shortfall)
        + UNSERVED_GROUP_COST * sum(unserved_groups)
        + sum(approach)
    )
    model.SetTimeLimit(SOLVE_SECONDS * 1000)
    status = model.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        # Not expected (every volunteer has an option): the nearest outlet is a safe answer.
        return {
            c.volunteer_id: fixed.get(
                c.volunteer_id, min(outlets, key=lambda o: c.approach_m.get(o, 0))
            )
            for c in candidates
        }
    return {vid: o for (vid, o), var in choice.items() if var.solution_value() > 0.5}
