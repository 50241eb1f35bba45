"""How a day is planned (the dispatcher's choices), and the error that stops a planning."""

from __future__ import annotations

from dataclasses import dataclass

import solver
from supply_match.models import DeliveryPlan


class PlanningError(RuntimeError):
    """The day cannot be planned as asked; nothing was changed."""


@dataclass(frozen=True)
class PlanningSettings:
    """``circuity``: road distance over great-circle distance; ``time_limit_s``: the
    solver's time, in seconds; ``solution_limit``: stop after this many solutions instead
    (tests: reproducible plans)."""

    separate_pesticide: bool = True
    second_trips: bool = True
    circuity: float = 1.4
    time_limit_s: float = 30.0
    solution_limit: int | None = None

    @classmethod
    def of_plan(cls, plan: DeliveryPlan, solution_limit: int | None = None) -> PlanningSettings:
        """The settings a plan was made with (stored with it), to plan it again."""
        stored = plan.settings or {}
        return cls(
            separate_pesticide=stored.get("separate_pesticide", True),
            second_trips=stored.get("second_trips", True),
            circuity=stored.get("circuity", 1.4),
            time_limit_s=stored.get("time_limit_s", 30.0),
            solution_limit=solution_limit,
        )

    @classmethod
    def for_county(
        cls,
        time_limit_s: float,
        *,
        separate_pesticide: bool | None = None,
        second_trips: bool = True,
        solution_limit: int | None = None,
    ) -> PlanningSettings:
        """A new plan's settings: the circuity, and the pesticide rule unless chosen, are
        the county's own (services/county/settings.py), for the pages and the API alike."""
        from supply_match.services.county import settings as county_settings

        county = county_settings.current()
        return cls(
            separate_pesticide=(
                county.keep_pesticide_apart if separate_pesticide is None else separate_pesticide
            ),
            second_trips=second_trips,
            circuity=county.circuity,
            time_limit_s=time_limit_s,
            solution_limit=solution_limit,
        )

    def limits(self) -> solver.SolveLimits:
        """The solver's stopping rule: the solution limit if set, else the time limit."""
        if self.solution_limit is not None:
            return solver.MaxSolutions(self.solution_limit)
        return solver.MaxRuntime(self.time_limit_s)
