"""Re-optimizing a plan around what the dispatcher locked: locked runs stay exactly as they
are, locked stops stay with their volunteers, everything else is planned again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from flask_babel import gettext as _

from supply_match.models import DeliveryPlan, DeliveryRun, RunStatus, User, Volunteer
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.documents import route_sheets
from supply_match.services.planning.distances import DistanceProvider
from supply_match.services.planning.drafts import store_draft
from supply_match.services.planning.loading import (
    DayInput,
    orders_by_ids,
    outlets_of,
    volunteers_on_duty,
)
from supply_match.services.planning.problem import Pins, build_problem
from supply_match.services.planning.settings import PlanningError, PlanningSettings
from supply_match.services.planning.solving import solve_and_check
from supply_match.services.unit_of_work import use_case


def _kept_quantities(kept: Sequence[DeliveryRun]) -> dict[tuple[int, int], Decimal]:
    """(order line id, outlet id) -> quantity the kept runs already carry."""
    quantities: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for run in kept:
        for stop in run.stops:
            for item in stop.items:
                quantities[(item.order_line_id, run.outlet_id)] += item.quantity
    return dict(quantities)


def _pins(replanned: Sequence[DeliveryRun]) -> Pins:
    """The locked stops of the runs planned again, with their volunteers and outlets."""
    lines: dict[int, set[int]] = defaultdict(set)
    outlets: dict[int, int] = {}
    for run in replanned:
        for stop in run.stops:
            if stop.locked:
                outlets[run.volunteer_id] = run.outlet_id
                for item in stop.items:
                    lines[item.order_line_id].add(run.volunteer_id)
    return Pins({line: frozenset(v) for line, v in lines.items()}, outlets)


def _free_volunteers(plan: DeliveryPlan, replanned: Sequence[DeliveryRun]) -> list[Volunteer]:
    """Volunteers on duty and those of the runs planned again, less the kept runs' ones."""
    kept_volunteers = {run.volunteer_id for run in plan.runs if run.locked}
    volunteers = [
        v for v in volunteers_on_duty(plan.delivery_date) if v.id not in kept_volunteers
    ] + [run.volunteer for run in replanned if run.volunteer_id not in kept_volunteers]
    return list({v.id: v for v in volunteers}.values())


@use_case
def reoptimize(
    plan: DeliveryPlan,
    settings: PlanningSettings | None = None,
    *,
    user: User | None = None,
    provider: DistanceProvider | None = None,
    site_url: str | None = None,
) -> DeliveryPlan:
    """Plan again everything that is not locked, committed; the plan becomes a draft again.

    A locked run stays exactly as it is; a locked stop stays with its volunteer (who keeps
    loading at the same outlet) while its place in the run and the rest of the run are
    planned again with everything else. The route sheets are queued for the worker with
    links under ``site_url``. Raises ``PlanningError`` once volunteers started delivering
    or when the rest cannot be planned; nothing is written then."""
    if any(run.status != RunStatus.PLANNED for run in plan.runs):
        raise PlanningError(
            _("Volunteers have started delivering; the plan can no longer be re-optimized.")
        )
    settings = settings or PlanningSettings.of_plan(plan)
    kept = [run for run in plan.runs if run.locked]
    replanned = [run for run in plan.runs if not run.locked]
    order_ids = {
        item.order_id for run in replanned for stop in run.stops for item in stop.items
    } | {missing.order_id for missing in plan.unassigned}
    orders = orders_by_ids(order_ids)
    day_input = DayInput(
        plan.delivery_date,
        orders,
        _free_volunteers(plan, replanned),
        outlets_of(orders),
        _kept_quantities(kept),
    )
    built = build_problem(day_input, settings, provider, _pins(replanned))
    built, solution = solve_and_check(built, settings)
    stored = store_draft(
        plan.delivery_date, built, solution, settings, user, keep_runs=kept, action="reoptimized"
    )
    audit.record(
        AuditKind.PLAN,
        "reoptimized",
        record_id=stored.id,
        actor=user,
        summary=audit.plan_text(stored),
        detail={"locked_runs": len(kept)},
    )
    route_sheets.queue_sheets(stored, site_url)
    return stored
