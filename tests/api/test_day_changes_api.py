"""A published day changed through the API: withdraw a volunteer, add an order, each a
202 with the job that re-plans; its proposal accepted or discarded."""

from supply_match.extensions import db
from supply_match.models import DeliveryPlan, OrderStatus, Role
from supply_match.queue import work_one
from supply_match.services.delivery import phone_updates
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders, household

API = "/api/v1"
TEN_AM_UTC = "2020-03-03T02:00:00"  # 10:00 in Pengshui


def _published(app, county, client):
    app.config["CLOCK_NOW"] = TEN_AM_UTC
    allocated_orders(county, [[(county["urea"], 2)]] * 6)
    plan = plan_day(DAY, PlanningSettings(solution_limit=30, second_trips=False))
    publish(plan)
    factories.user(Role.DISPATCHER, username="api-dispatcher")
    db.session.commit()
    client.post("/login", data={"login": "api-dispatcher", "password": factories.PASSWORD})
    return plan


def _worked_out(app, client, job):
    assert work_one(app.extensions["queue"]) is True
    body = client.get(f"{API}/jobs/{job['id']}").get_json()
    assert body["status"] == "succeeded", body
    return body


def test_withdrawing_through_the_api_answers_a_job_whose_proposal_is_accepted(app, county, client):
    plan = _published(app, county, client)
    busy = max(plan.runs, key=lambda r: len(r.stops))
    for stop in busy.stops[:2]:  # two delivered: what is left fits on the other run
        phone_updates.apply_stop_update(
            busy.volunteer, change_id=f"c{stop.id}", stop_id=stop.id, action="delivered"
        )
    db.session.commit()
    answer = client.post(f"{API}/plans/{DAY.isoformat()}/volunteers/{busy.volunteer_id}/withdraw")
    assert answer.status_code == 202
    job = _worked_out(app, client, answer.get_json())
    proposal = job["proposal"]
    assert proposal["state"] == "open" and proposal["volunteer_id"] == busy.volunteer_id
    assert proposal["before"]["stops"] == proposal["after"]["stops"] and proposal["moved"]

    accepted = client.post(f"{API}/jobs/{job['id']}/accept")
    assert accepted.status_code == 200 and accepted.get_json()["proposal"]["state"] == "accepted"
    db.session.expire_all()
    assert db.session.get(DeliveryPlan, plan.id).version == 2
    assert client.post(f"{API}/jobs/{job['id']}/accept").status_code == 409
    assert client.post(f"{API}/jobs/{job['id']}/discard").status_code == 409


def test_adding_an_order_through_the_api_then_discarding_leaves_it_waiting(app, county, client):
    plan = _published(app, county, client)
    urgent = factories.order(
        household=household(county, 9), lines=[(county["seed"], 1)], wanted_from=DAY, wanted_to=DAY
    )
    db.session.commit()
    assert client.post(f"{API}/matching").status_code == 200
    answer = client.post(f"{API}/plans/{DAY.isoformat()}/orders", json={"order_ids": [urgent.id]})
    assert answer.status_code == 202
    job = _worked_out(app, client, answer.get_json())
    assert job["proposal"]["after"]["stops"] == job["proposal"]["before"]["stops"] + 1
    discarded = client.post(f"{API}/jobs/{job['id']}/discard")
    assert discarded.get_json()["proposal"]["state"] == "discarded"
    db.session.expire_all()
    assert db.session.get(type(urgent), urgent.id).status == OrderStatus.ALLOCATED
    assert db.session.get(DeliveryPlan, plan.id).version == 1


def test_bad_changes_through_the_api_are_answered_without_a_job(app, county, client):
    plan = _published(app, county, client)
    day = DAY.isoformat()
    on_plan = plan.runs[0].stops[0].items[0].order_id
    assert client.post(f"{API}/plans/{day}/orders", json={"order_ids": "x"}).status_code == 422
    assert client.post(f"{API}/plans/{day}/orders", json={}).status_code == 422
    assert (
        client.post(f"{API}/plans/{day}/orders", json={"order_ids": [on_plan]}).status_code == 409
    )
    assert client.post(f"{API}/plans/{day}/volunteers/999/withdraw").status_code == 409
    assert client.post(f"{API}/plans/2020-01-01/volunteers/1/withdraw").status_code == 404
    assert client.post(f"{API}/jobs/999/accept").status_code == 404
