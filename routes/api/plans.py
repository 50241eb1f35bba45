"""Plans through the API (dispatchers and admins): matching, starting a planning job and
following it, reading a day's plan, publishing it."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from routes.access import role_required
from routes.api import bp
from routes.api.common import DISPATCH, Unprocessable, json_body, number
from routes.api.openapi import ERRORS, INVALID, NOT_FOUND, content, path_id_param, ref
from supply_match import urls
from supply_match.extensions import db
from supply_match.models import PlanningJob
from supply_match.services.planning import jobs as planning_jobs
from supply_match.services.planning import proposals, publishing
from supply_match.services.planning import views as plan_views
from supply_match.services.planning.day_changes import DayChange
from supply_match.services.planning.plan_data import job_data, plan_data
from supply_match.services.planning.settings import PlanningError, PlanningSettings
from supply_match.services.supply import matching

MAX_TIME_LIMIT_S = 600


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Unprocessable({"day": _("Dates are written YYYY-MM-DD.")}) from None


def _plan_or_404(text: str):
    plan = plan_views.plan_for(_day(text))
    if plan is None:
        abort(404)
    return plan


def _ids(body: dict, key: str, errors: dict) -> list[int] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in value
    ):
        errors[key] = _("Must be a list of ids.")
        return None
    return value


def _settings(body: dict, errors: dict) -> PlanningSettings:
    time_limit = body.get("time_limit_s", 30)
    if (
        not isinstance(time_limit, int | float)
        or isinstance(time_limit, bool)
        or not 1 <= time_limit <= MAX_TIME_LIMIT_S
    ):
        errors["time_limit_s"] = _(
            "The time limit is a number of seconds from 1 to %(max)s.", max=MAX_TIME_LIMIT_S
        )
        time_limit = 30
    flags = {}
    # Unset, pesticide follows the county's rule; second trips are on.
    for key, default in (("separate_pesticide", None), ("second_trips", True)):
        flags[key] = body.get(key, default)
        if flags[key] is not default and not isinstance(flags[key], bool):
            errors[key] = _("Must be true or false.")
            flags[key] = default
    return PlanningSettings.for_county(
        float(time_limit),
        separate_pesticide=flags["separate_pesticide"],
        second_trips=flags["second_trips"],
        solution_limit=current_app.config.get("PLANNING_SOLUTION_LIMIT"),
    )


@bp.post("/plans/<day>/jobs")
@role_required(*DISPATCH)
def start_planning_job(day: str):
    when = _day(day)
    body = json_body()
    errors: dict[str, str] = {}
    settings = _settings(body, errors)
    order_ids = _ids(body, "order_ids", errors)
    volunteer_ids = _ids(body, "volunteer_ids", errors)
    if errors:
        raise Unprocessable(errors)
    try:
        job = planning_jobs.start_planning(
            when,
            settings,
            current_user,
            order_ids=order_ids,
            volunteer_ids=volunteer_ids,
            site_url=urls.site_url(),
        )
    except planning_jobs.JobConflict as error:
        return jsonify(errors={"day": str(error)}), 409
    return jsonify(job_data(job)), 202


@bp.get("/jobs/<int:job_id>")
@role_required(*DISPATCH)
def planning_job(job_id: int):
    planning_jobs.fail_stale_jobs()
    return jsonify(job_data(db.get_or_404(PlanningJob, job_id)))


@bp.get("/plans/<day>")
@role_required(*DISPATCH)
def plan(day: str):
    return jsonify(plan_data(_plan_or_404(day)))


@bp.post("/plans/<day>/publish")
@role_required(*DISPATCH)
def publish_plan(day: str):
    plan = _plan_or_404(day)
    try:
        publishing.publish(plan, current_user, site_url=urls.site_url())
    except publishing.PublishError as error:
        return jsonify(errors={"plan": str(error)}), 409
    return jsonify(plan_data(plan))


def _request_change(day: str, change: DayChange, errors: dict):
    """Queue the re-planning of a published day's change: 202 with the job."""
    plan = _plan_or_404(day)
    settings = PlanningSettings.of_plan(
        plan, solution_limit=current_app.config.get("PLANNING_SOLUTION_LIMIT")
    )
    if errors:
        raise Unprocessable(errors)
    try:
        job = proposals.request_change(
            plan, change, settings, current_user, site_url=urls.site_url()
        )
    except planning_jobs.JobConflict as error:
        return jsonify(errors={"day": str(error)}), 409
    except PlanningError as error:
        return jsonify(errors={"plan": str(error)}), 409
    return jsonify(job_data(job)), 202


@bp.post("/plans/<day>/volunteers/<int:volunteer_id>/withdraw")
@role_required(*DISPATCH)
def withdraw_volunteer(day: str, volunteer_id: int):
    return _request_change(day, DayChange(volunteer_id=volunteer_id), {})


@bp.post("/plans/<day>/orders")
@role_required(*DISPATCH)
def add_orders(day: str):
    body = json_body()
    errors: dict[str, str] = {}
    order_ids = _ids(body, "order_ids", errors)
    if not order_ids and "order_ids" not in errors:
        errors["order_ids"] = _("Name at least one order.")
    return _request_change(day, DayChange(order_ids=tuple(order_ids or ())), errors)


@bp.post("/jobs/<int:job_id>/accept")
@role_required(*DISPATCH)
def accept_proposal(job_id: int):
    job = proposals.job_with_proposal(job_id)
    try:
        proposals.accept(job, current_user, site_url=urls.site_url())
    except proposals.ProposalError as error:
        return jsonify(errors={"proposal": str(error)}), 409
    return jsonify(job_data(job))


@bp.post("/jobs/<int:job_id>/discard")
@role_required(*DISPATCH)
def discard_proposal(job_id: int):
    job = proposals.job_with_proposal(job_id)
    try:
        proposals.discard(job, current_user)
    except proposals.ProposalError as error:
        return jsonify(errors={"proposal": str(error)}), 409
    return jsonify(job_data(job))


@bp.post("/matching")
@role_required(*DISPATCH)
def run_matching():
    try:
        result = matching.run_matching(current_user)
    except matching.MatchingError as error:
        return jsonify(errors={"matching": str(error)}), 409
    summary = matching.summarise(result)
    return jsonify(
        allocations=summary.allocations,
        orders_allocated=summary.orders_allocated,
        shortfalls=[
            {"product": name, "missing": number(missing), "lines": lines}
            for name, missing, lines in summary.shortfalls
        ],
    )


# The OpenAPI piece of this area (routes/api/openapi.py puts the pieces together).

DAY_PARAM = {
    "name": "day",
    "in": "path",
    "required": True,
    "description": "The delivery date, YYYY-MM-DD",
    "schema": {"type": "string", "format": "date"},
}
CONFLICT = content(ref("Errors"), "Cannot be done now; says why")
NULLABLE_INT = {"type": ["integer", "null"]}

SCHEMAS = {
    "PlanningJobRequest": {
        "type": "object",
        "properties": {
            "time_limit_s": {
                "type": "number",
                "minimum": 1,
                "maximum": MAX_TIME_LIMIT_S,
                "default": 30,
            },
            "order_ids": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "Only these of the day's orders (default: all)",
            },
            "volunteer_ids": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "Only these of the volunteers on duty (default: all)",
            },
            "separate_pesticide": {"type": "boolean", "default": True},
            "second_trips": {"type": "boolean", "default": True},
        },
    },
    "PlanningJob": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "delivery_date": {"type": "string", "format": "date"},
            "status": {
                "type": "string",
                "enum": ["queued", "running", "succeeded", "failed", "cancelled"],
            },
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "message": {"type": "string"},
            "error": {"type": ["string", "null"]},
            "proposal": {
                **ref("Proposal"),
                "description": "A published day's change, once worked out (absent otherwise)",
            },
        },
    },
    "ProposalFigures": {
        "type": "object",
        "properties": {
            "runs": {"type": "integer"},
            "stops": {"type": "integer", "description": "Stops served"},
            "unplanned_orders": {"type": "integer"},
            "km": {"type": "number"},
            "late_stops": {"type": "integer"},
        },
    },
    "Proposal": {
        "type": "object",
        "properties": {
            "state": {"type": "string", "enum": ["open", "accepted", "discarded"]},
            "plan_version": {"type": "integer", "description": "The version it was made from"},
            "volunteer_id": {**NULLABLE_INT, "description": "The volunteer withdrawn"},
            "order_ids": {"type": "array", "items": {"type": "integer"}},
            "before": ref("ProposalFigures"),
            "after": ref("ProposalFigures"),
            "serves_fewer": {"type": "boolean"},
            "changed_run_ids": {"type": "array", "items": {"type": "integer"}},
            "moved": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"label": {"type": "string"}, "run_id": {"type": "integer"}},
                },
            },
            "unplaced": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"label": {"type": "string"}, "reason": {"type": "string"}},
                },
            },
            "unplaced_order_ids": {"type": "array", "items": {"type": "integer"}},
        },
    },
    "AddOrdersRequest": {
        "type": "object",
        "required": ["order_ids"],
        "properties": {
            "order_ids": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "Allocated orders on no run of the day",
            }
        },
    },
    "PlanStop": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "position": {"type": "integer"},
            "order_ids": {"type": "array", "items": {"type": "integer"}},
            "household_id": {**NULLABLE_INT, "description": "null at a village collection point"},
            "village": {"type": "string", "description": "12-digit village code"},
            "township": {"type": "string", "description": "9-digit township code"},
            "delivery_point": {"type": "string", "enum": ["home", "field", "collection"]},
            "planned_arrival": {"type": "string", "pattern": r"^\d\d:\d\d$"},
            "status": {"type": "string"},
        },
    },
    "PlanRun": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "trip": {"type": "integer"},
            "status": {"type": "string"},
            "volunteer": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "service_area": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Township (9-digit) and village (12-digit) codes covered",
                    },
                },
            },
            "outlet_id": {"type": "integer"},
            "vehicle_type": {"type": "string"},
            "range_m": {"type": "integer", "description": "The vehicle's range per charge or tank"},
            "cash_to_collect_fen": {
                **NULLABLE_INT,
                "description": "What the run's pay-on-delivery orders collect, in fen; null "
                "while a price is missing",
            },
            "distance_m": {"type": "integer"},
            "duration_s": {"type": "integer"},
            "load_kg": {"type": "string"},
            "stops": {"type": "array", "items": ref("PlanStop")},
        },
    },
    "Plan": {
        "type": "object",
        "properties": {
            "delivery_date": {"type": "string", "format": "date"},
            "status": {"type": "string", "enum": ["draft", "published"]},
            "version": {"type": "integer"},
            "runs": {"type": "array", "items": ref("PlanRun")},
            "unassigned": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "order_id": {"type": "integer"},
                        "reason": {
                            "type": "string",
                            "description": (
                                "too_heavy, no_vehicle_at_outlet, no_allowed_vehicle, outside_shifts, "
                                "time_window_unreachable, beyond_run_limits, dropped_for_priority, "
                                "search_limit, no_volunteer_in_area; or, for goods left for"
                                " another day of the wanted range so that the household is"
                                " visited once: waits_apart_from_seed, waits_for_other_outlet"
                            ),
                        },
                        "partly_scheduled": {"type": "boolean"},
                        "lines": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "order_line_id": {"type": "integer"},
                                    "planned": {"type": "string"},
                                    "unplanned": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
            "second_visits": {
                "type": "array",
                "description": "Households visited more than once, their goods could not wait",
                "items": {
                    "type": "object",
                    "properties": {
                        "household_id": {"type": "integer"},
                        "label": {"type": "string"},
                        "reason": {
                            "type": "string",
                            "enum": [
                                "second_visit_pesticide",
                                "second_visit_outlets",
                                "second_visit_windows",
                                "second_visit_places",
                            ],
                        },
                    },
                },
            },
        },
    },
    "MatchingResult": {
        "type": "object",
        "properties": {
            "allocations": {"type": "integer"},
            "orders_allocated": {"type": "array", "items": {"type": "integer"}},
            "shortfalls": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "product": {"type": "string"},
                        "missing": {"type": "string"},
                        "lines": {"type": "integer"},
                    },
                },
            },
        },
    },
}

PATHS = {
    "/plans/{day}/jobs": {
        "post": {
            "operationId": "startPlanningJob",
            "summary": "Start planning a day in the background (dispatchers and admins)",
            "parameters": [DAY_PARAM],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("PlanningJobRequest")}}},
            "responses": {
                "202": content(ref("PlanningJob"), "The queued job; follow it at /jobs/{id}"),
                "409": CONFLICT,
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/jobs/{job_id}": {
        "get": {
            "operationId": "getPlanningJob",
            "summary": "A planning job's status and progress",
            "parameters": [path_id_param("job_id", "Planning job id")],
            "responses": {"200": content(ref("PlanningJob"), "The job"), "404": NOT_FOUND, **ERRORS},
        }
    },
    "/plans/{day}": {
        "get": {
            "operationId": "getPlan",
            "summary": "A day's plan: runs, stops in order, unassigned orders with reasons",
            "parameters": [DAY_PARAM],
            "responses": {
                "200": content(ref("Plan"), "The plan"),
                "404": NOT_FOUND,
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/plans/{day}/publish": {
        "post": {
            "operationId": "publishPlan",
            "summary": "Publish a day's plan: its orders become scheduled, route sheets are made",
            "parameters": [DAY_PARAM],
            "responses": {
                "200": content(ref("Plan"), "The published plan"),
                "404": NOT_FOUND,
                "409": CONFLICT,
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/plans/{day}/volunteers/{volunteer_id}/withdraw": {
        "post": {
            "operationId": "withdrawVolunteer",
            "summary": "Withdraw a volunteer for the rest of a published day: a job re-plans their stops not yet delivered onto other runs and ends in a proposal",
            "parameters": [DAY_PARAM, path_id_param("volunteer_id", "Volunteer id")],
            "responses": {
                "202": content(ref("PlanningJob"), "The queued job; follow it at /jobs/{id}, then accept or discard its proposal"),
                "404": NOT_FOUND,
                "409": CONFLICT,
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/plans/{day}/orders": {
        "post": {
            "operationId": "addOrdersToDay",
            "summary": "Add orders to a published day: a job re-plans the rest of the day around what is done and ends in a proposal",
            "parameters": [DAY_PARAM],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("AddOrdersRequest")}}},
            "responses": {
                "202": content(ref("PlanningJob"), "The queued job; follow it at /jobs/{id}, then accept or discard its proposal"),
                "404": NOT_FOUND,
                "409": CONFLICT,
                "422": INVALID,
                **ERRORS,
            },
        }
    },
    "/jobs/{job_id}/accept": {
        "post": {
            "operationId": "acceptProposal",
            "summary": "Accept a job's proposal: it becomes the day's next plan version",
            "parameters": [path_id_param("job_id", "Planning job id")],
            "responses": {
                "200": content(ref("PlanningJob"), "The job, its proposal accepted"),
                "404": NOT_FOUND,
                "409": CONFLICT,
                **ERRORS,
            },
        }
    },
    "/jobs/{job_id}/discard": {
        "post": {
            "operationId": "discardProposal",
            "summary": "Discard a job's proposal: the day stays as it is",
            "parameters": [path_id_param("job_id", "Planning job id")],
            "responses": {
                "200": content(ref("PlanningJob"), "The job, its proposal discarded"),
                "404": NOT_FOUND,
                "409": CONFLICT,
                **ERRORS,
            },
        }
    },
    "/matching": {
        "post": {
            "operationId": "runMatching",
            "summary": "Allocate open order lines to outlets' stock",
            "responses": {
                "200": content(ref("MatchingResult"), "What matching did"),
                "409": CONFLICT,
                **ERRORS,
            },
        }
    },
}  # fmt: skip
