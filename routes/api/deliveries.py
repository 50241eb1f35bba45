"""The delivery day through the API (dispatchers and admins): each run's progress with
its volunteer's last shared position, and a stop's status corrected with a note."""

from __future__ import annotations

from flask import abort, jsonify
from flask_login import current_user

from routes.access import role_required
from routes.api import bp
from routes.api.common import DISPATCH, Unprocessable, json_body
from routes.api.openapi import ERRORS, INVALID, NOT_FOUND, content, path_id_param, ref
from routes.api.plans import DAY_PARAM, _day, _plan_or_404
from supply_match.models import DeliveryStop
from supply_match.services.county.settings import county_time
from supply_match.services.delivery import corrections, positions, run_progress
from supply_match.services.delivery.stop_outcomes import failure_reason_text
from supply_match.services.planning import views as plan_views


def _moment(value) -> str | None:
    return county_time(value).isoformat(timespec="seconds") if value is not None else None


def stop_json(stop: DeliveryStop) -> dict:
    return {
        "id": stop.id,
        "run_id": stop.run_id,
        "status": stop.status,
        "failure_reason": stop.failure_reason,
        "failure_reason_text": failure_reason_text(stop.failure_reason),
        "corrected_at": _moment(stop.corrected_at),
        "correction_note": stop.correction_note,
    }


@bp.get("/plans/<day>/progress")
@role_required(*DISPATCH)
def plan_progress(day: str):
    plan = _plan_or_404(day)
    rows = run_progress.late_first(plan, plan_views.board(plan))
    seen = positions.positions_for_plan(plan)
    runs = []
    for row in rows:
        run, progress = row["run"], row["progress"]
        where = seen.get(run.volunteer_id)
        runs.append(
            {
                "run_id": run.id,
                "volunteer_id": run.volunteer_id,
                "done": progress.done,
                "total": progress.total,
                "next_stop": progress.next_stop,
                "late_minutes": progress.late_minutes,
                "running_late": progress.running_late and not progress.finished,
                "expected_finish": progress.expected_finish,
                "finished": progress.finished,
                "position": None
                if where is None
                else {
                    "lat": where.lat,
                    "lon": where.lon,
                    "accuracy_m": where.accuracy_m,
                    "seen_at": _moment(where.received_at),
                },
            }
        )
    return jsonify(day=plan.delivery_date.isoformat(), runs=runs)


@bp.post("/plans/<day>/stops/<int:stop_id>/correction")
@role_required(*DISPATCH)
def correct_stop(day: str, stop_id: int):
    stop_day, _run_id = corrections.stop_place(stop_id)
    if stop_day != _day(day):
        abort(404)
    body = json_body()
    texts = {key: body.get(key) for key in ("status", "reason", "note")}
    if any(value is not None and not isinstance(value, str) for value in texts.values()):
        raise Unprocessable({"status": "status, reason and note are text"})
    try:
        stop = corrections.correct_stop(
            current_user, stop_id, texts["status"] or "", texts["reason"], texts["note"]
        )
    except corrections.CorrectionError as error:
        raise Unprocessable(error.errors) from error
    return jsonify(stop_json(stop))


# The OpenAPI piece of this area (routes/api/openapi.py puts the pieces together).

_NULLABLE_TEXT = {"type": ["string", "null"]}
SCHEMAS = {
    "StopCorrection": {
        "type": "object",
        "required": ["status", "note"],
        "properties": {
            "status": {"type": "string", "enum": ["delivered", "failed", "pending"]},
            "reason": {"type": "string", "description": "For failed: nobody_home, refused, "
                       "wrong_address, unreachable, damaged or other"},
            "note": {"type": "string", "maxLength": 200},
        },
    },
    "CorrectedStop": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "run_id": {"type": "integer"},
            "status": {"type": "string"}, "failure_reason": _NULLABLE_TEXT,
            "failure_reason_text": {"type": "string"}, "corrected_at": _NULLABLE_TEXT,
            "correction_note": _NULLABLE_TEXT,
        },
    },
    "DayProgress": {
        "type": "object",
        "properties": {
            "day": {"type": "string", "format": "date"},
            "runs": {"type": "array", "items": {"type": "object", "properties": {
                "run_id": {"type": "integer"}, "volunteer_id": {"type": "integer"},
                "done": {"type": "integer"}, "total": {"type": "integer"},
                "next_stop": _NULLABLE_TEXT, "late_minutes": {"type": "integer"},
                "running_late": {"type": "boolean"}, "expected_finish": {"type": "string"},
                "finished": {"type": "boolean"},
                "position": {"type": ["object", "null"], "properties": {
                    "lat": {"type": "number"}, "lon": {"type": "number"},
                    "accuracy_m": {"type": ["integer", "null"]},
                    "seen_at": {"type": "string"}}},
            }}},
        },
    },
}  # fmt: skip
PATHS = {
    "/plans/{day}/progress": {
        "get": {
            "operationId": "getDayProgress",
            "summary": "Each run's progress against its plan (late runs first) and its "
                       "volunteer's last shared position of today",
            "parameters": [DAY_PARAM],
            "responses": {"200": content(ref("DayProgress"), "Progress"), "404": NOT_FOUND,
                          "422": INVALID, **ERRORS},
        }
    },
    "/plans/{day}/stops/{stop_id}/correction": {
        "post": {
            "operationId": "correctStop",
            "summary": "Correct a stop's status with a note; the consequences of the old "
                       "status are taken back",
            "parameters": [DAY_PARAM, path_id_param("stop_id", "The stop's id.")],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": ref("StopCorrection")}}},
            "responses": {"200": content(ref("CorrectedStop"), "The corrected stop"),
                          "404": NOT_FOUND, "422": INVALID, **ERRORS},
        }
    },
}  # fmt: skip
