"""A re-planned day as a proposal: the runs it changes, the stops it moves or cannot place,
and the day's figures before and after (runs, stops served, unplanned orders, km, late
stops), all JSON-ready so that the worker can store it with its job."""

from __future__ import annotations

from collections.abc import Iterable

import solver
from supply_match.models import DeliveryPlan, DeliveryRun, DeliveryStop, RunStatus
from supply_match.services.planning.day_changes import Built, DayChange, _done, _path_m
from supply_match.services.planning.edits import _window_of


def _late(stops: Iterable[DeliveryStop]) -> int:
    late = 0
    for stop in stops:
        window = _window_of(stop)
        if window and stop.arrival_s > window[1]:
            late += 1
    return late


def figures_of(plan: DeliveryPlan) -> dict:
    """The published day's figures, before any change."""
    runs = [run for run in plan.runs if run.stops]
    return {
        "runs": len(runs),
        "stops": sum(len(run.stops) for run in runs),
        "unplanned_orders": len(plan.unassigned),
        "km": round(sum(run.distance_m for run in plan.runs) / 1000, 1),
        "late_stops": _late(stop for run in plan.runs for stop in run.stops),
    }


def _changed_run(built: Built, key: str, run: solver.Run) -> dict:
    """The new remaining part of a run that gains stops; its own stops the solver could
    not fit stay with it, at the end, and count as late."""
    vehicle = built.vehicles[key]
    db_run: DeliveryRun = vehicle.run
    stops = [
        {"job": s.job_id, "arrival_s": int(s.service_start_s), "departure_s": int(s.departure_s)}
        for s in run.stops
    ]
    placed = {s.job_id for s in run.stops}
    left = [f"s{s.id}" for s in db_run.stops if not _done(s) and f"s{s.id}" not in placed]
    stops += [
        {"job": job, "arrival_s": int(run.end_s), "departure_s": int(run.end_s), "late": True}
        for job in left
    ]
    started = db_run.status != RunStatus.PLANNED
    done_m = _path_m(vehicle.done_path, built.problem.distance_m) if started else 0
    return {
        "run_id": db_run.id,
        "volunteer_id": db_run.volunteer_id,
        "volunteer": db_run.volunteer.name,
        "status": db_run.status,
        "start_s": db_run.start_s if started else int(run.start_s),
        "end_s": int(run.end_s),
        "distance_m": int(done_m + run.distance_m),
        "stops": stops,
        "added": [built.moving[s.job_id].label for s in run.stops if s.job_id in built.moving],
        "late_stops": len(left),
    }


def _new_stop(built: Built, key: str) -> dict:
    pooled = built.moving[key].pooled
    return {
        "delivery_point": pooled.delivery_point,
        "household_id": pooled.household_id,
        "village_id": pooled.village_id,
        "label": pooled.label[:64],
        "lat": pooled.lat,
        "lon": pooled.lon,
        "weight_kg": str(round(pooled.weight_kg, 2)),
        "items": [[i.order_id, i.order_line_id, str(i.quantity)] for i in pooled.items],
    }


def _withdrawn(built: Built) -> list[dict]:
    rows = []
    for run in built.withdrawn:
        vehicle = built.vehicles[f"w{run.id}"]
        done = [s for s in run.stops if _done(s)]
        rows.append(
            {
                "run_id": run.id,
                "distance_m": _path_m(vehicle.done_path, built.problem.distance_m) if done else 0,
                "keeps": bool(done),
                "removed": [s.label for s in run.stops if not _done(s)],
                "late_stops": _late(done),
                "old_distance_m": run.distance_m,
                "old_late_stops": _late(run.stops),
            }
        )
    return rows


def _order_ids(built: Built, keys: Iterable[str]) -> list[int]:
    ids: set[int] = set()
    for key in keys:
        moving = built.moving[key]
        items = moving.stop.items if moving.stop is not None else moving.pooled.items
        ids |= {item.order_id for item in items}
    return sorted(ids)


def _after(before: dict, plan, changed, withdrawn, placed_new, unplaced_keys, built) -> dict:
    runs_by_id = {run.id: run for run in plan.runs}
    old_changed = [runs_by_id[c["run_id"]] for c in changed]
    km_m = sum(run.distance_m for run in plan.runs)
    km_m += sum(c["distance_m"] for c in changed) - sum(r.distance_m for r in old_changed)
    km_m += sum(w["distance_m"] - w["old_distance_m"] for w in withdrawn)
    unplaced_old = [key for key in unplaced_keys if built.moving[key].stop is not None]
    late = before["late_stops"] - sum(_late(r.stops) for r in old_changed)
    late += sum(c["late_stops"] for c in changed)
    late += sum(w["late_stops"] - w["old_late_stops"] for w in withdrawn)
    return {
        "runs": before["runs"] - sum(1 for w in withdrawn if not w["keeps"]),
        "stops": before["stops"] - len(unplaced_old) + len(placed_new),
        "unplanned_orders": len(plan.unassigned) + len(_order_ids(built, unplaced_keys)),
        "km": round(km_m / 1000, 1),
        "late_stops": late,
    }


def proposal(
    plan: DeliveryPlan, change: DayChange, built: Built, solution: solver.Solution
) -> dict:
    """The proposal ``proposals.accept`` applies (see the module's docstring)."""
    changed = []
    for run in solution.runs:
        if any(s.job_id in built.moving for s in run.stops):
            changed.append(_changed_run(built, run.vehicle_id, run))
    placed = {row["job"]: c["run_id"] for c in changed for row in c["stops"]}
    unplaced = [key for key in built.moving if key not in placed]
    placed_new = [key for key in built.moving if key.startswith("n") and key in placed]
    withdrawn = _withdrawn(built)
    before = figures_of(plan)
    if change.order_ids:
        added = [key for key in built.moving if key.startswith("n")]
        before["unplanned_orders"] += len(_order_ids(built, added))
    after = _after(before, plan, changed, withdrawn, placed_new, unplaced, built)
    reasons = {u.job_id: u.reason.value for u in solution.unassigned}
    return {
        "state": "open",
        "plan_id": plan.id,
        "plan_version": plan.version,
        "volunteer_id": change.volunteer_id,
        "order_ids": list(change.order_ids),
        "changed_runs": changed,
        "withdrawn_runs": withdrawn,
        "new_stops": {key: _new_stop(built, key) for key in placed_new},
        "moved": [
            {"job": key, "label": built.moving[key].label, "run_id": run_id}
            for key, run_id in placed.items()
            if key in built.moving
        ],
        "unplaced": [
            {"job": key, "label": built.moving[key].label, "reason": reasons.get(key, "")}
            for key in unplaced
        ],
        "unplaced_order_ids": _order_ids(built, unplaced),
        "before": before,
        "after": after,
        "serves_fewer": after["stops"] < before["stops"],
    }
