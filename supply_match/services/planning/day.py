"""Planning a delivery day: the day's allocated orders and the volunteers on duty become a
solver problem; the solution becomes a draft plan of runs, stops and unassigned orders.

The steps live in their own modules: ``loading`` (the day), ``problem`` (the solver's
problem), ``solving`` (solve and check), ``drafts`` (store the draft); re-planning around
locked runs is ``reoptimizing``. If anything fails before the draft is stored, the unit of
work rolls back and every order stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from flask_babel import gettext as _

from supply_match.models import DeliveryPlan, User
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.planning.distances import DistanceProvider
from supply_match.services.planning.drafts import store_draft
from supply_match.services.planning.loading import load_day
from supply_match.services.planning.problem import build_problem
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.planning.solving import solve_and_check
from supply_match.services.unit_of_work import use_case


@use_case
def plan_day(
    day: date,
    settings: PlanningSettings | None = None,
    *,
    order_ids: Sequence[int] | None = None,
    volunteer_ids: Sequence[int] | None = None,
    user: User | None = None,
    provider: DistanceProvider | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> DeliveryPlan:
    """Plan ``day`` and store the draft, committed (orders keep their status).

    ``order_ids`` and ``volunteer_ids`` narrow the day's orders and volunteers;
    ``progress(percent, message)`` is told each step. Raises ``PlanningError`` when the day
    cannot be planned as asked; nothing is written then."""
    settings = settings or PlanningSettings()
    report = progress or (lambda _percent, _message: None)
    report(5, _("Reading orders and volunteers"))
    day_input = load_day(day, order_ids, volunteer_ids)
    report(
        15,
        _(
            "Pooling stops and computing distances (%(orders)d orders)",
            orders=len(day_input.orders),
        ),
    )
    built = build_problem(day_input, settings, provider)
    report(
        25,
        _(
            "Solving: %(stops)d stops, %(volunteers)d volunteers",
            stops=len(built.stops),
            volunteers=len(built.volunteers),
        ),
    )
    built, solution = solve_and_check(built, settings)
    report(90, _("Saving the draft"))
    # No report after this point: the draft's rows are not committed yet, and on SQLite a
    # progress write from another connection would wait for them.
    plan = store_draft(day, built, solution, settings, user)
    audit.record(
        AuditKind.PLAN, "planned", record_id=plan.id, actor=user, summary=audit.plan_text(plan)
    )
    return plan
