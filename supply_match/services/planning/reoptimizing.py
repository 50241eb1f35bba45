"""Re-optimizing a plan around what the dispatcher locked: locked runs stay exactly as they
are, locked stops stay with their volunteers, everything else is planned again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from flask_babel import gettext as _

from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    PlanChange,
    RunStatus,
    StopItem,
    UnassignedOrder,
    User,
    Volunteer,
)
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.documents import route_sheets
from supply_match.services.planning.distances import DistanceProvider
from supply_match.services.planning.drafts import _draft_plan, store_draft
from supply_match.services.planning.loading import (
    DayInput,
    carried_on_other_days,
    orders_by_ids,
    outlets_of,
    volunteers_on_duty,
)
from supply_match.services.planning.problem import Pins, build_problem
from supply_match.services.planning.settings import PlanningError, PlanningSettings
from supply_match.services.planning.solving import solve_and_check
from supply_match.services.unit_of_work import use_case


def _kept_quantities(
    kept: Sequence[DeliveryRun], elsewhere: dict[tuple[int, int], Decimal]
) -> dict[tuple[int, int], Decimal]:
    """(order line id, outlet id) -> quantity the kept runs already carry, and the runs of
    other days' published plans (``elsewhere``: the rest of a partly scheduled order)."""
    quantities: dict[tuple[int, int], Decimal] = defaultdict(Decimal, elsewhere)
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


def _solve_again(plan: DeliveryPlan, settings: PlanningSettings, provider, user, progress=None):
    """Everything not locked planned again and stored as the draft (flushed, never
    committed): the stored plan."""
    if any(run.status != RunStatus.PLANNED for run in plan.runs):
        raise PlanningError(
            _("Volunteers have started delivering; the plan can no longer be re-optimized.")
        )
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
        _kept_quantities(kept, carried_on_other_days(order_ids, plan.delivery_date)),
    )
    built = build_problem(day_input, settings, provider, _pins(replanned))
    if progress is not None:
        progress(20, _("Re-optimizing the unlocked runs"))
    built, solution = solve_and_check(built, settings)
    return store_draft(
        plan.delivery_date, built, solution, settings, user, keep_runs=kept, action="reoptimized"
    )


def _stop_row(stop) -> dict:
    return {
        "position": stop.position,
        "delivery_point": stop.delivery_point,
        "household_id": stop.household_id,
        "village_id": stop.village_id,
        "label": stop.label,
        "lat": stop.lat,
        "lon": stop.lon,
        "arrival_s": stop.arrival_s,
        "departure_s": stop.departure_s,
        "weight_kg": str(stop.weight_kg),
        "locked": stop.locked,
        "items": [[i.order_id, i.order_line_id, str(i.quantity)] for i in stop.items],
    }


def _run_row(run: DeliveryRun) -> dict:
    return {
        "volunteer_id": run.volunteer_id,
        "outlet_id": run.outlet_id,
        "trip": run.trip,
        "position": run.position,
        "start_s": run.start_s,
        "end_s": run.end_s,
        "distance_m": run.distance_m,
        "duration_s": run.duration_s,
        "load_kg": str(run.load_kg),
        "stops": [_stop_row(stop) for stop in run.stops],
    }


def propose(plan: DeliveryPlan, settings: PlanningSettings, user=None, progress=None) -> dict:
    """Re-optimizing as a proposal: the plan that ``reoptimize`` would store, and the
    day's figures before and after, written nowhere (the caller rolls back)."""
    from supply_match.services.planning.proposal_figures import figures_of

    before = figures_of(plan)
    last_change = plan.changes[-1].id if plan.changes else None
    kept_ids = {run.id for run in plan.runs if run.locked}
    stored = _solve_again(plan, settings, None, user, progress)
    after = figures_of(stored)
    return {
        "kind": "reoptimize",
        "state": "open",
        "plan_id": plan.id,
        "plan_version": plan.version,
        "last_change_id": last_change,
        "volunteer_id": None,
        "order_ids": [],
        "settings": dict(stored.settings),
        "runs": [_run_row(run) for run in stored.runs if run.id not in kept_ids],
        "unassigned": [[u.order_id, u.reason] for u in stored.unassigned],
        "changed_runs": [],
        "moved": [],
        "unplaced": [],
        "unplaced_order_ids": [],
        "before": before,
        "after": after,
        "serves_fewer": after["stops"] < before["stops"],
    }


def apply_proposal(plan: DeliveryPlan, proposal: dict, user: User | None) -> None:
    """Store an accepted re-optimization as the draft: the locked runs stay, the proposed
    runs replace the others. Flushes; the caller owns the transaction."""
    kept = [run for run in plan.runs if run.locked]
    plan = _draft_plan(plan.delivery_date, user, kept)
    plan.settings = proposal["settings"]
    for row in proposal["runs"]:
        run = DeliveryRun(
            volunteer_id=row["volunteer_id"],
            outlet_id=row["outlet_id"],
            trip=row["trip"],
            position=row["position"],
            start_s=row["start_s"],
            end_s=row["end_s"],
            distance_m=row["distance_m"],
            duration_s=row["duration_s"],
            load_kg=Decimal(row["load_kg"]),
        )
        for stop_row in row["stops"]:
            stop = DeliveryStop(
                **{k: v for k, v in stop_row.items() if k not in ("items", "weight_kg")},
                weight_kg=Decimal(stop_row["weight_kg"]),
            )
            for order_id, line_id, quantity in stop_row["items"]:
                stop.items.append(
                    StopItem(order_id=order_id, order_line_id=line_id, quantity=Decimal(quantity))
                )
            run.stops.append(stop)
        plan.runs.append(run)
    for order_id, reason in proposal["unassigned"]:
        plan.unassigned.append(UnassignedOrder(order_id=order_id, reason=reason))
    plan.changes.append(
        PlanChange(
            user=user,
            action="reoptimized",
            detail={"before": proposal["before"], "after": proposal["after"]},
        )
    )
    db.session.flush()


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
    settings = settings or PlanningSettings.of_plan(plan)
    stored = _solve_again(plan, settings, provider, user)
    audit.record(
        AuditKind.PLAN,
        "reoptimized",
        record_id=stored.id,
        actor=user,
        summary=audit.plan_text(stored),
        detail={"locked_runs": sum(1 for run in stored.runs if run.locked)},
    )
    route_sheets.queue_sheets(stored, site_url)
    return stored
