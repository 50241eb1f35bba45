"""Storing a solution as the day's draft plan: runs, stops with their share of the goods,
unassigned orders with their reasons, and the change in the plan's history.

Nothing here changes an order's status: a draft plan is only a proposal until published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_DOWN, Decimal

from flask_babel import gettext as _
from sqlalchemy import select

import solver
from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    PlanChange,
    PlanStatus,
    RunStatus,
    StopItem,
    UnassignedOrder,
    User,
)
from supply_match.services.planning import areas, rebalance
from supply_match.services.planning.pooling import PoolItem
from supply_match.services.planning.problem import BuiltProblem
from supply_match.services.planning.settings import PlanningError, PlanningSettings

Handed = list[tuple[PoolItem, Decimal]]


def _split_items(items: Sequence[PoolItem], part_weights_kg: Sequence[float]) -> list[Handed]:
    """Share a stop's items among its parts by weight, in whole units where possible."""
    parts: list[Handed] = [[] for _ in part_weights_kg]
    room = [Decimal(str(w)) for w in part_weights_kg]
    part = 0
    for item in sorted(items, key=lambda i: -i.unit_weight_kg):
        left = item.quantity
        while left > 0 and part < len(parts):
            fits = (room[part] / item.unit_weight_kg).quantize(Decimal(1), rounding=ROUND_DOWN)
            take = min(left, fits) if part < len(parts) - 1 else left
            if take <= 0:
                part += 1
                continue
            parts[part].append((item, take))
            room[part] -= take * item.unit_weight_kg
            left -= take
    return parts


def _draft_plan(day: date, user: User | None, keep_runs: Sequence[DeliveryRun]) -> DeliveryPlan:
    """The day's plan emptied of all but ``keep_runs``, as a draft (new if there is none)."""
    plan = db.session.scalar(select(DeliveryPlan).where(DeliveryPlan.delivery_date == day))
    if plan is not None and any(run.status != RunStatus.PLANNED for run in plan.runs):
        raise PlanningError(
            _("Volunteers have started delivering on this day; it cannot be planned again.")
        )
    if plan is None:
        plan = DeliveryPlan(delivery_date=day, status=PlanStatus.DRAFT, created_by=user)
        db.session.add(plan)
        return plan
    kept = {run.id for run in keep_runs}
    for run in [r for r in plan.runs if r.id not in kept]:
        plan.runs.remove(run)
    plan.unassigned.clear()
    # Edits after publishing wait for the next publish before volunteers see them.
    plan.status = PlanStatus.DRAFT
    db.session.flush()
    return plan


class _ItemShares:
    """The pooled stops and volunteers by id, and what each solver stop hands over: all of its pooled stop's goods, or, for a stop
    split into parts across runs, the part's share by weight (computed once per stop)."""

    def __init__(self, built: BuiltProblem, solution: solver.Solution) -> None:
        self.stop_by_key = {stop.key: stop for stop in built.stops}
        self.volunteers = {v.id: v for v in built.volunteers}
        # Every part's weight, served or not: a dropped part's goods stay off the runs
        # (the last part takes the rounding remainder, so it must not take a dropped one's).
        self._parts_of: dict[str, list[solver.Stop | solver.Unassigned]] = defaultdict(list)
        for run in solution.runs:
            for stop in run.stops:
                self._parts_of[stop.job_id].append(stop)
        for missing in solution.unassigned:
            self._parts_of[missing.job_id].append(missing)
        self._split: dict[str, list[Handed]] = {}

    def of(self, stop: solver.Stop) -> Handed:
        pooled = self.stop_by_key[stop.job_id]
        if stop.parts <= 1:
            return [(item, item.quantity) for item in pooled.items]
        if stop.job_id not in self._split:
            weights = [0.0] * stop.parts
            for part in self._parts_of[stop.job_id]:
                weights[part.part] = part.weight_kg
            self._split[stop.job_id] = _split_items(pooled.items, weights)
        return self._split[stop.job_id][stop.part]


def _store_run(
    plan: DeliveryPlan,
    run: solver.Run,
    position: int,
    built: BuiltProblem,
    shares: _ItemShares,
) -> None:
    volunteer_id, trip = rebalance.volunteer_and_trip(run.vehicle_id)
    db_run = DeliveryRun(
        volunteer=shares.volunteers[volunteer_id],
        outlet_id=built.outlet_at[run.outlet],
        trip=trip,
        position=position,
        start_s=int(run.start_s),
        end_s=int(run.end_s),
        distance_m=int(run.distance_m),
        duration_s=int(run.duration_s),
        load_kg=Decimal(str(round(run.load_kg, 2))),
    )
    plan.runs.append(db_run)
    for stop_position, stop in enumerate(run.stops):
        pooled = shares.stop_by_key[stop.job_id]
        db_stop = DeliveryStop(
            position=stop_position,
            delivery_point=pooled.delivery_point,
            household_id=pooled.household_id,
            village_id=pooled.village_id,
            label=pooled.label[:64],
            lat=pooled.lat,
            lon=pooled.lon,
            arrival_s=int(stop.service_start_s),
            departure_s=int(stop.departure_s),
            weight_kg=Decimal(str(round(stop.weight_kg, 2))),
            locked=stop.job_id in built.locked_keys,
        )
        for item, quantity in shares.of(stop):
            db_stop.items.append(
                StopItem(
                    order_id=item.order_id, order_line_id=item.order_line_id, quantity=quantity
                )
            )
        db_run.stops.append(db_stop)


def _store_unassigned(
    plan: DeliveryPlan, built: BuiltProblem, solution: solver.Solution, shares: _ItemShares
) -> int:
    """One row per order left off every run wholly or in part, with the first reason found;
    returns how many. Orders no volunteer's area covers come first: that reason is the one
    to act on; goods waiting for another day (one visit per household) come last."""
    reasons: dict[int, str] = {}
    for stop in built.uncovered:
        for order_id in stop.order_ids:
            reasons.setdefault(order_id, areas.NO_VOLUNTEER_IN_AREA)
    for missing in solution.unassigned:
        for order_id in shares.stop_by_key[missing.job_id].order_ids:
            reasons.setdefault(order_id, missing.reason.value)
    for waiting in built.waiting:
        reasons.setdefault(waiting.item.order_id, waiting.reason)
    for order_id, reason in sorted(reasons.items()):
        plan.unassigned.append(UnassignedOrder(order_id=order_id, reason=reason))
    return len(reasons)


def store_draft(
    day: date,
    built: BuiltProblem,
    solution: solver.Solution,
    settings: PlanningSettings,
    user: User | None,
    *,
    keep_runs: Sequence[DeliveryRun] = (),
    action: str = "planned",
) -> DeliveryPlan:
    """Store ``solution`` as the day's draft; ``keep_runs`` (locked runs) stay as they are.
    Flushes, never commits (``plan_day`` and ``reoptimize`` own the transaction).

    Raises ``PlanningError`` when volunteers have started delivering on that day."""
    plan = _draft_plan(day, user, keep_runs)
    plan.settings = {
        "separate_pesticide": settings.separate_pesticide,
        "second_trips": settings.second_trips,
        "circuity": settings.circuity,
        "time_limit_s": settings.time_limit_s,
        "objective": solution.objective,
        "wall_time_s": round(solution.wall_time_s, 2),
        "second_visits": [
            {"household_id": v.household_id, "label": v.label, "reason": v.reason}
            for v in built.second_visits
        ],
    }
    shares = _ItemShares(built, solution)
    runs = sorted(solution.runs, key=lambda r: rebalance.volunteer_and_trip(r.vehicle_id))
    for position, run in enumerate(runs, start=len(plan.runs)):
        _store_run(plan, run, position, built, shares)
    unassigned_orders = _store_unassigned(plan, built, solution, shares)
    plan.changes.append(
        PlanChange(
            user=user,
            action=action,
            detail={
                "runs": len(solution.runs),
                "stops": sum(len(r.stops) for r in solution.runs),
                "unassigned_orders": unassigned_orders,
                "distance_m": solution.distance_m,
            },
        )
    )
    db.session.flush()
    return plan
