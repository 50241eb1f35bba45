"""Liveness and readiness for load balancers and people."""

from flask import Blueprint, jsonify

from supply_match.database import database_state

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    state = database_state()
    return jsonify(status="ok" if state["ok"] else "degraded", database=state), (
        200 if state["ok"] else 503
    )
