"""A day's plan and a planning job as plain data, for the JSON API and other systems."""

from __future__ import annotations

from supply_match.models import DeliveryPlan, DeliveryRun, PlanningJob
from supply_match.services.planning.order_plans import left_off
from supply_match.services.planning.vehicles import range_m
from supply_match.services.supply.amounts import stop_dues


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _cash_to_collect(run: DeliveryRun, dues: dict[int, int | None]) -> int | None:
    """The run's pay-on-delivery total in fen, None while any of its prices is missing."""
    amounts = [dues.get(stop.id) for stop in run.stops]
    return None if None in amounts else sum(amounts)


def _run(run: DeliveryRun, dues: dict[int, int | None]) -> dict:
    volunteer = run.volunteer
    return {
        "id": run.id,
        "trip": run.trip,
        "status": run.status,
        "volunteer": {
            "id": volunteer.id,
            "name": volunteer.name,
            "service_area": volunteer.service_area_codes,
        },
        "outlet_id": run.outlet_id,
        "vehicle_type": volunteer.vehicle_type,
        "range_m": range_m(volunteer),
        "cash_to_collect_fen": _cash_to_collect(run, dues),
        "distance_m": run.distance_m,
        "duration_s": run.duration_s,
        "load_kg": f"{run.load_kg.normalize():f}",
        "stops": [
            {
                "id": stop.id,
                "position": stop.position,
                "order_ids": sorted({item.order_id for item in stop.items}),
                "household_id": stop.household_id,
                "village": stop.village.code,
                "township": stop.village.township.code,
                "delivery_point": stop.delivery_point,
                "planned_arrival": _clock(stop.arrival_s),
                "status": stop.status,
            }
            for stop in run.stops
        ],
    }


def plan_data(plan: DeliveryPlan) -> dict:
    """The plan: status, version, runs in order with their stops, unassigned orders with
    reason codes (the solver's, or ``no_volunteer_in_area``) and, for those partly on
    runs (``partly_scheduled``), the planned and unplanned quantity of each line; the
    households visited twice, with why. Distances in metres."""
    left = left_off(plan)
    dues = stop_dues(stop for run in plan.runs for stop in run.stops)
    return {
        "delivery_date": plan.delivery_date.isoformat(),
        "status": plan.status,
        "version": plan.version,
        "runs": [_run(run, dues) for run in plan.runs],
        "unassigned": [
            {
                "order_id": missing.order_id,
                "reason": missing.reason,
                "partly_scheduled": standing.partly,
                "lines": [
                    {
                        "order_line_id": line.order_line_id,
                        "planned": f"{line.planned.normalize():f}",
                        "unplanned": f"{line.unplanned.normalize():f}",
                    }
                    for line in standing.lines
                ],
            }
            for missing in plan.unassigned
            for standing in [left[missing.order_id]]
        ],
        # Households visited twice because their goods could not wait (planning/visits.py).
        "second_visits": (plan.settings or {}).get("second_visits", []),
    }


def job_data(job: PlanningJob) -> dict:
    """A planning job's state: status, progress (0-100), message, error."""
    return {
        "id": job.id,
        "delivery_date": job.delivery_date.isoformat(),
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        **_proposal_part(job),
    }


def _proposal_part(job: PlanningJob) -> dict:
    """A published day's change, once worked out: the proposal as the API shows it."""
    proposal = (job.result or {}).get("proposal") if job.status == "succeeded" else None
    if proposal is None:
        return {}
    keys = ("state", "plan_version", "volunteer_id", "order_ids", "before", "after")
    shown = {key: proposal[key] for key in keys}
    shown["serves_fewer"] = proposal["serves_fewer"]
    shown["changed_run_ids"] = [run["run_id"] for run in proposal["changed_runs"]]
    shown["moved"] = [{"label": m["label"], "run_id": m["run_id"]} for m in proposal["moved"]]
    shown["unplaced"] = [{"label": u["label"], "reason": u["reason"]} for u in proposal["unplaced"]]
    shown["unplaced_order_ids"] = proposal["unplaced_order_ids"]
    return {"proposal": shown}
