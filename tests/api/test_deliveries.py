"""The delivery day through the API: progress with positions, and a stop corrected with
a note (422 without one, 404 for another day's stop)."""

from supply_match.extensions import db
from supply_match.models import DeliveryStop, Order, OrderStatus, Role
from supply_match.services.delivery import positions
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders

API = "/api/v1"


def _published(county, client):
    allocated_orders(county, [[(county["urea"], 2)], [(county["seed"], 3)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    factories.user(Role.DISPATCHER, username="api-fixer")
    db.session.commit()
    client.post("/login", data={"login": "api-fixer", "password": factories.PASSWORD})
    return plan


def test_a_stop_is_corrected_through_the_api(county, client):
    plan = _published(county, client)
    stop = plan.runs[0].stops[0]
    url = f"{API}/plans/{DAY.isoformat()}/stops/{stop.id}/correction"
    missing = client.post(url, json={"status": "failed", "reason": "refused"})
    assert missing.status_code == 422 and "note" in missing.get_json()["errors"]
    odd = client.post(url, json={"status": 3, "note": "x"})
    assert odd.status_code == 422
    done = client.post(url, json={"status": "failed", "reason": "refused", "note": "来电拒收"})
    assert done.status_code == 200
    body = done.get_json()
    assert body["status"] == "failed" and body["failure_reason"] == "refused"
    assert body["correction_note"] == "来电拒收" and body["corrected_at"]
    db.session.expire_all()
    order_id = db.session.get(DeliveryStop, stop.id).items[0].order_id
    assert db.session.get(Order, order_id).status == OrderStatus.CANCELLED
    other_day = f"{API}/plans/2020-03-09/stops/{stop.id}/correction"
    assert client.post(other_day, json={"status": "pending", "note": "x"}).status_code == 404


def test_the_days_progress_names_each_runs_position(app, county, client):
    plan = _published(county, client)
    volunteer = plan.runs[0].volunteer
    positions.record_from_phone(volunteer, {"lat": 29.3, "lon": 108.2, "accuracy_m": 5})
    body = client.get(f"{API}/plans/{DAY.isoformat()}/progress").get_json()
    assert {run["run_id"] for run in body["runs"]} == {run.id for run in plan.runs}
    mine = next(run for run in body["runs"] if run["volunteer_id"] == volunteer.id)
    assert mine["position"]["lat"] == 29.3 and mine["position"]["accuracy_m"] == 5
    assert mine["done"] == 0 and mine["total"] == len(plan.runs[0].stops)
