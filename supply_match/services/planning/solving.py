"""Solving a day's problem: a first solve, further rounds for what was dropped, and the
solver's own checker over the result."""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _

import solver
from supply_match.services.planning import rebalance
from supply_match.services.planning.problem import BuiltProblem
from supply_match.services.planning.settings import PlanningError, PlanningSettings

# Share of a time limit the first solve gets; the rest goes to further rounds (idle volunteers
# and second trips).
FIRST_ROUND_SHARE = 0.85


def solve_and_check(
    built: BuiltProblem, settings: PlanningSettings
) -> tuple[BuiltProblem, solver.Solution]:
    """Solve, plan what was dropped with idle volunteers and second trips (``rebalance``),
    and check the result with the solver's own checker. Returns the problem as the further
    rounds left it (second trips add vehicles) and its solution.

    Raises ``PlanningError`` when the checker finds a violation."""
    limits = settings.limits()
    first_limits = second_limits = limits
    if limits.time_s is not None:
        first_limits = solver.MaxRuntime(limits.time_s * FIRST_ROUND_SHARE)
        second_limits = solver.MaxRuntime(limits.time_s * (1 - FIRST_ROUND_SHARE))
    first = solver.solve(built.problem, first_limits)
    result = rebalance.further_rounds(
        built.problem,
        first,
        second_limits,
        next_trips=settings.second_trips,
        locked=built.locked_keys,
    )
    built = replace(built, problem=result.problem)
    verdict = solver.check(built.problem, result.solution)
    if not verdict.ok:
        raise PlanningError(
            _(
                "The plan failed its check: %(problems)s",
                problems="; ".join(verdict.violations[:3]),
            )
        )
    return built, result.solution
