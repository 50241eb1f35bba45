"""Plans through the API: matching, a planned day read back with volunteers' areas, bad
input as 422, publishing."""

from supply_match.extensions import db
from supply_match.models import OrderStatus, Role
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, household

API = "/api/v1"


def _sign_in(client):
    factories.user(Role.DISPATCHER, username="api-dispatcher")
    db.session.commit()
    client.post("/login", data={"login": "api-dispatcher", "password": factories.PASSWORD})


def test_matching_then_a_planned_day_reads_back_with_areas_and_publishes(county, client):
    orders = [
        factories.order(
            household=household(county, i),
            lines=[(county["urea"], 1)],
            wanted_from=DAY,
            wanted_to=DAY,
        )
        for i in range(3)
    ]
    db.session.commit()
    _sign_in(client)
    matched = client.post(f"{API}/matching").get_json()
    assert sorted(matched["orders_allocated"]) == sorted(o.id for o in orders)
    plan_day(DAY, PlanningSettings(solution_limit=50))
    db.session.commit()

    body = client.get(f"{API}/plans/{DAY.isoformat()}").get_json()
    assert body["status"] == "draft"
    stops = [stop for run in body["runs"] for stop in run["stops"]]
    assert sorted(i for stop in stops for i in stop["order_ids"]) == sorted(o.id for o in orders)
    for run in body["runs"]:
        assert run["volunteer"]["service_area"] == [county["township"].code]
        assert run["range_m"] is None or run["distance_m"] <= run["range_m"]
        for stop in run["stops"]:
            assert stop["township"] == county["township"].code
            assert stop["village"] == county["village"].code

    published = client.post(f"{API}/plans/{DAY.isoformat()}/publish")
    assert published.status_code == 200 and published.get_json()["version"] == 1
    assert all(db.session.get(type(o), o.id).status == OrderStatus.SCHEDULED for o in orders)


def test_bad_planning_requests_answer_422_naming_each_field(county, client):
    _sign_in(client)
    response = client.post(
        f"{API}/plans/{DAY.isoformat()}/jobs",
        json={"time_limit_s": 0, "order_ids": ["x"], "volunteer_ids": 3, "second_trips": "yes"},
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {
        "time_limit_s",
        "order_ids",
        "volunteer_ids",
        "second_trips",
    }
    assert client.get(f"{API}/plans/not-a-day").status_code == 422
    assert client.get(f"{API}/plans/2020-01-01").status_code == 404
    assert client.get(f"{API}/jobs/999").status_code == 404


def test_a_cadre_may_not_plan(county, client):
    factories.user(Role.CADRE, username="api-cadre")
    db.session.commit()
    client.post("/login", data={"login": "api-cadre", "password": factories.PASSWORD})
    assert client.get(f"{API}/plans/{DAY.isoformat()}").status_code == 403
    assert client.post(f"{API}/matching").status_code == 403


def test_a_planning_job_from_the_api_takes_the_countys_circuity_and_pesticide_rule(county, client):
    """The pages and the API start a plan from the same county settings."""
    from supply_match.models import PlanningJob
    from supply_match.services.county import settings as county_settings

    county_settings.save_settings(
        county_code="500243",
        county_name="彭水苗族土家族自治县",
        service_title="彭水农资配送",
        time_zone="Asia/Shanghai",
        default_shift_start="08:00",
        default_shift_end="17:00",
        keep_pesticide_apart=False,
        circuity="1.9",
    )
    _sign_in(client)
    response = client.post(f"{API}/plans/{DAY.isoformat()}/jobs", json={"time_limit_s": 5})
    assert response.status_code == 202, response.get_json()
    job = db.session.get(PlanningJob, response.get_json()["id"])
    assert job.params["settings"]["circuity"] == 1.9
    assert job.params["settings"]["separate_pesticide"] is False
