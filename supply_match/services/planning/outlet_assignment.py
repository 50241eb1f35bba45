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


Totals = dict[tuple, float]


def _demand_totals(demands: Sequence[Demand]) -> tuple[Totals, Totals]:
    """Goods per (outlet, group of volunteers who may carry them), and again per
    (outlet, group, time window asked for)."""
    demand_kg: Totals = defaultdict(float)
    windowed_kg: Totals = defaultdict(float)
    for d in demands:
        demand_kg[(d.outlet_id, d.volunteer_ids)] += d.weight_kg
        if d.window_s is not None:
            windowed_kg[(d.outlet_id, d.volunteer_ids, d.window_s)] += d.weight_kg
    return demand_kg, windowed_kg


def _useful_outlets(candidates: Sequence[Candidate], demand_kg: Totals) -> dict[int, set[int]]:
    """Volunteer id -> the outlets with goods they may carry (the only ones worth going to)."""
    useful: dict[int, set[int]] = defaultdict(set)
    for (o, group), kg in demand_kg.items():
        if kg > 0:
            for c in candidates:
                if group is None or c.volunteer_id in group:
                    useful[c.volunteer_id].add(o)
    return useful


class _Model:
    """The mixed-integer model: one boolean per (volunteer, outlet) they may load at."""

    def __init__(
        self,
        candidates: Sequence[Candidate],
        options: Mapping[int, Sequence[int]],
    ) -> None:
        self.solver = pywraplp.Solver.CreateSolver("SCIP")
        self.candidates = candidates
        self.choice: dict[tuple[int, int], pywraplp.Variable] = {}
        for c in candidates:
            for o in options[c.volunteer_id]:
                self.choice[(c.volunteer_id, o)] = self.solver.BoolVar(f"v{c.volunteer_id}_o{o}")
            self.solver.Add(
                sum(self.choice[(c.volunteer_id, o)] for o in options[c.volunteer_id]) == 1
            )

    def carriers(self, o: int, group: frozenset[int] | None, window=None) -> list[Candidate]:
        """Volunteers who may load at ``o`` and carry the group's goods (in ``window``)."""
        return [
            c
            for c in self.candidates
            if (c.volunteer_id, o) in self.choice
            and (group is None or c.volunteer_id in group)
            and (window is None or _overlaps(c.shift_s, window))
        ]

    def shortfall(self, name: str, kg: float, carriers: Sequence[Candidate], o: int):
        """A variable at least the payload missing to cover ``kg`` (with the margin)."""
        short = self.solver.NumVar(0, self.solver.infinity(), name)
        covered = [c.payload_kg * self.choice[(c.volunteer_id, o)] for c in carriers]
        self.solver.Add(short >= kg * COVER_MARGIN - sum(covered))
        return short

    def nobody(self, name: str, carriers: Sequence[Candidate], o: int):
        """A boolean that is 1 when none of ``carriers`` loads at ``o``."""
        nobody = self.solver.BoolVar(name)
        self.solver.Add(sum(self.choice[(c.volunteer_id, o)] for c in carriers) + nobody >= 1)
        return nobody


def _objective(model: _Model, demand_kg: Totals, windowed_kg: Totals):
    """Payload shortfall per outlet and group (and per time window), areas' goods left
    with nobody, and the approach legs there and back."""
    shortfall = []
    unserved_groups = []
    for number, ((o, group), kg) in enumerate(sorted(demand_kg.items(), key=_demand_order)):
        carriers = model.carriers(o, group)
        shortfall.append(model.shortfall(f"short_{o}_{number}", kg, carriers, o))
        if group is not None:
            # Nobody at all for an area's goods at an outlet leaves them all undone.
            unserved_groups.append(model.nobody(f"nobody_{o}_{number}", carriers, o))
    for number, ((o, group, window), kg) in enumerate(
        sorted(windowed_kg.items(), key=_demand_order)
    ):
        carriers = model.carriers(o, group, window)
        name = f"short_{o}_{window[0]}_{window[1]}_{number}"
        shortfall.append(model.shortfall(name, kg, carriers, o))
    approach_m = {c.volunteer_id: c.approach_m for c in model.candidates}
    approach = [2 * approach_m[vid].get(o, 0) / 100 * var for (vid, o), var in model.choice.items()]
    return (
        SHORTFALL_PER_KG * sum(shortfall)
        + UNSERVED_GROUP_COST * sum(unserved_groups)
        + sum(approach)
    )


def assign(
    candidates: Sequence[Candidate],
    demands: Sequence[Demand],
    fixed: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """Volunteer id -> outlet id for every candidate; ``fixed`` volunteers keep theirs.

    Minimises payload shortfall against each outlet's goods (with a margin) and then the
    approach legs (there and back). Goods wanted within a time window count a second time
    against the payload of the volunteers on duty then, so that an outlet whose orders are
    wanted in the morning does not get only afternoon volunteers. Goods are covered per
    outlet and per group of volunteers who may carry them (their areas hold the stops).
    """
    fixed = dict(fixed or {})
    demand_kg, windowed_kg = _demand_totals(demands)
    outlets = sorted({o for (o, _group), kg in demand_kg.items() if kg > 0})
    if not outlets:
        return {
            c.volunteer_id: fixed[c.volunteer_id] for c in candidates if c.volunteer_id in fixed
        }
    useful = _useful_outlets(candidates, demand_kg)
    options = {
        c.volunteer_id: (
            [fixed[c.volunteer_id]]
            if c.volunteer_id in fixed
            else sorted(useful[c.volunteer_id]) or outlets
        )
        for c in candidates
    }
    model = _Model(candidates, options)
    model.solver.Minimize(_objective(model, demand_kg, windowed_kg))
    model.solver.SetTimeLimit(SOLVE_SECONDS * 1000)
    status = model.solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        # Not expected (every volunteer has an option): the nearest outlet is a safe answer.
        return {
            c.volunteer_id: fixed.get(
                c.volunteer_id, min(outlets, key=lambda o: c.approach_m.get(o, 0))
            )
            for c in candidates
        }
    return {vid: o for (vid, o), var in model.choice.items() if var.solution_value() > 0.5}
