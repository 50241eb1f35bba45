"""Every error the API gives is the one its OpenAPI document promises: for each operation
and each error response the document lists, the test provokes that error and validates
the body against the documented schema; an error the document does not list for an
operation fails the test too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from jsonschema import Draft202012Validator
from ortools.graph.python import min_cost_flow

from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    JobStatus,
    OrderStatus,
    PlanningJob,
    Role,
    SubsidyProgramme,
)
from tests import factories
from tests.conftest import make_app

API = "/api/v1"
MISSING_ID = 999_999
MISSING_DAY = "2031-01-01"  # a real date with no plan
NOT_A_DAY = "2020-02-30"
NOT_A_BODY = [1, 2]  # JSON, but not the object every body must be

# Requests per operation that its own input makes invalid (query, body or the day in its
# path), sent by the administrator with the ids of real records, so that only the input
# is wrong. Every operation that documents a 422 is here, and each request is checked.
BAD_INPUT = {
    "listAccounts": [{"query": {"page": "0"}}, {"query": {"role": "king"}}],
    "createAccount": [{"json": NOT_A_BODY}, {"json": {}}],
    "updateAccount": [{"json": NOT_A_BODY}],
    "listHouseholds": [{"query": {"page": "0"}}],
    "listOrders": [{"query": {"date_from": "yesterday"}}],
    "createHousehold": [{"json": NOT_A_BODY}, {"json": {}}],
    "createOrder": [{"json": NOT_A_BODY}, {"json": {}}],
    "createOutlet": [{"json": NOT_A_BODY}, {"json": {}}],
    "updateOutlet": [{"json": NOT_A_BODY}, {"json": {"lat": "north"}}],
    "getOutletDay": [{"ids": {"day": NOT_A_DAY}}],
    "setOutletPrices": [{"json": NOT_A_BODY}, {"json": {}}],
    "getPlan": [{"ids": {"day": NOT_A_DAY}}],
    "startPlanningJob": [{"ids": {"day": NOT_A_DAY}, "json": {}}, {"json": {"time_limit_s": 0}}],
    "getPacking": [{"ids": {"day": NOT_A_DAY}}, {"query": {"outlet": "first"}}],
    "publishPlan": [{"ids": {"day": NOT_A_DAY}}],
    "getPlanDay": [{"ids": {"day": NOT_A_DAY}}],
    "getSupply": [{"query": {"category": "sweets"}}],
    "listTownships": [{"query": {"page": "0"}}],
    "createTownship": [{"json": NOT_A_BODY}, {"json": {}}],
    "updateTownship": [{"json": NOT_A_BODY}, {"json": {"code": "1"}}],
    "listVillages": [{"query": {"page": "0"}}, {"query": {"township": "east"}}],
    "createVillage": [{"json": NOT_A_BODY}, {"json": {}}],
    "updateVillage": [{"json": NOT_A_BODY}, {"json": {"code": "1"}}],
    "listVolunteers": [{"query": {"page": "0"}}, {"query": {"vehicle": "rocket"}}],
    "createVolunteer": [{"json": NOT_A_BODY}, {"json": {}}],
    "updateVolunteer": [{"json": NOT_A_BODY}, {"json": {"mobile": "12"}}],
    "listAuditEntries": [{"query": {"day": NOT_A_DAY}}, {"query": {"kind": "dragon"}}],
    "addOrdersToDay": [{"ids": {"day": NOT_A_DAY}, "json": {"order_ids": [1]}}],
    "withdrawVolunteer": [{"ids": {"day": NOT_A_DAY}}],
    "getDaySlips": [{"ids": {"day": NOT_A_DAY}}, {"query": {"outlet": "first"}}],
    "getDayProgress": [{"ids": {"day": NOT_A_DAY}}],
    "setGuidePrices": [{"json": NOT_A_BODY}],
    "createSubsidyProgramme": [{"json": NOT_A_BODY}, {"json": {}}],
    "updateSubsidyProgramme": [{"json": NOT_A_BODY}, {"json": {"share_percent": 101}}],
    "closeOutletDay": [{"ids": {"day": NOT_A_DAY}}],
    "correctOutletDay": [{"ids": {"day": NOT_A_DAY}, "json": {"note": "x", "amount": "1"}}],
    "confirmHandover": [{"json": NOT_A_BODY}],
}
# Documented 422s that need a published day to provoke: see
# test_a_published_days_changes_answer_their_documented_errors.
ON_A_PUBLISHED_DAY = {"confirmGoodsReturn", "correctStop"}


@dataclass
class Records:
    """Real ids for every id a path takes, so that a request fails on its input only."""

    ids: dict[str, str]
    outlet: object


@pytest.fixture
def records(county_people) -> Records:
    outlet = factories.outlet(township=county_people.village_a.township)
    volunteer = factories.volunteer(township=county_people.village_a.township)
    factories.user(Role.OUTLET_STAFF, username="outlet_staff", outlet=outlet)
    programme = SubsidyProgramme(name="春耕补贴", share_percent=30)
    db.session.add(programme)
    db.session.commit()
    ids = {
        "user_id": county_people.cadre_a.id,
        "household_id": county_people.household_a.id,
        "order_id": county_people.order_a.id,
        "outlet_id": outlet.id,
        "township_id": county_people.village_a.township_id,
        "village_id": county_people.village_a.id,
        "volunteer_id": volunteer.id,
        "programme_id": programme.id,
        "day": "2020-03-03",
    }
    return Records(ids={key: str(value) for key, value in ids.items()}, outlet=outlet)


@pytest.fixture
def spec(client):
    return client.get(f"{API}/openapi.json").get_json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def documented(spec, response: dict) -> dict:
    """A documented response with its $ref followed."""
    while "$ref" in response:
        _, section, name = response["$ref"].rsplit("/", 2)
        response = spec["components"][section][name]
    return response


def check_body(spec, operation, status: int, response) -> None:
    """``response`` has ``status``, which ``operation`` documents, and a body that fits
    the documented schema."""
    name = operation["operationId"]
    documented_codes = set(operation["responses"])
    assert str(response.status_code) in documented_codes, (
        f"{name} answered {response.status_code}, which it does not document "
        f"({sorted(documented_codes)}): {response.get_data(as_text=True)[:200]}"
    )
    assert response.status_code == status, (name, response.status_code)
    assert response.is_json, (name, status, response.content_type)
    schema = documented(spec, operation["responses"][str(status)])["content"]["application/json"]
    validator = Draft202012Validator({**schema["schema"], "components": spec["components"]})
    problems = [error.message for error in validator.iter_errors(response.get_json())]
    assert not problems, (name, status, response.get_json(), problems)


def url_for(path: str, ids: dict[str, int] | None = None) -> str:
    def value(match) -> str:
        name = match.group(1)
        missing = MISSING_DAY if name == "day" else MISSING_ID
        return str((ids or {}).get(name, missing))

    return API + re.sub(r"\{(\w+)\}", value, path)


def test_the_error_schemas_name_every_field_they_promise(spec):
    """A schema that allows anything would let every body pass: the documented error
    shapes require their fields and nothing else."""
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "title", "message"}
    assert error["additionalProperties"] is False
    assert error["properties"]["message"]["minLength"] == 1
    errors = spec["components"]["schemas"]["Errors"]
    assert errors["required"] == ["errors"] and errors["additionalProperties"] is False
    assert errors["properties"]["errors"]["minProperties"] == 1


def test_anonymous_calls_answer_the_documented_401(spec, app, county_people):
    anonymous = app.test_client()
    for path, method, operation in operations(spec):
        if operation.get("security") == []:
            assert "401" not in operation["responses"]
            continue
        assert "401" in operation["responses"], operation["operationId"]
        check_body(spec, operation, 401, anonymous.open(url_for(path), method=method, json={}))


# Who is tried for a refusal. Changes are tried by the roles with the fewest rights only:
# a refusal comes before any change, and the others would really make the change.
READERS = ("cadre_a", "outlet_staff", "dispatcher", "admin")
WRITERS = ("cadre_a", "outlet_staff")


def test_a_role_refused_gets_the_documented_403_and_no_other_operation_refuses(
    spec, client, auth, records
):
    """An operation documents 403 exactly when some signed-in role is refused it."""
    refused, tried = {}, set()
    for login in READERS:
        auth.login(login)
        for path, method, operation in operations(spec):
            if method != "GET" and login not in WRITERS:
                continue
            tried.add(operation["operationId"])
            response = client.open(url_for(path, records.ids), method=method, json={})
            if response.status_code == 403:
                refused.setdefault(operation["operationId"], (operation, response))
        auth.logout()
    for _path, _method, operation in operations(spec):
        name = operation["operationId"]
        assert name in tried, name
        if "403" in operation["responses"]:
            assert name in refused, f"{name} documents a 403 that no role gets"
        else:
            assert name not in refused, f"{name} refuses with an undocumented 403"
    assert {"listOutlets", "getOutletStock", "getSupply", "createAccount"} <= set(refused)
    for operation, response in refused.values():
        check_body(spec, operation, 403, response)


def test_an_unknown_id_answers_the_documented_404(spec, client, auth, records):
    """Every documented 404: an id that is no record's, or a day without a plan."""
    auth.login("admin")  # the one role every operation lets in, so the id decides
    for path, method, operation in operations(spec):
        takes_an_id = bool(re.search(r"\{(?!day\})\w+\}", path))
        if takes_an_id:
            assert "404" in operation["responses"], operation["operationId"]
        if "404" not in operation["responses"]:
            continue
        # The packing of a day is read for one outlet: a real one, on a day with no plan.
        by_outlet = operation["operationId"] in ("getPacking", "getDaySlips")
        query = {"outlet": records.outlet.id} if by_outlet else {}
        response = client.open(url_for(path), method=method, query_string=query, json={})
        check_body(spec, operation, 404, response)


def test_bad_input_answers_the_documented_422(spec, client, auth, records):
    auth.login("admin")
    documenting = set()
    for path, method, operation in operations(spec):
        name = operation["operationId"]
        if "422" not in operation["responses"]:
            assert name not in BAD_INPUT, f"{name} takes input but documents no 422"
            continue
        documenting.add(name)
        if name in ON_A_PUBLISHED_DAY:
            continue
        assert name in BAD_INPUT, f"{name} documents a 422 that no request here provokes"
        for bad in BAD_INPUT[name]:
            response = client.open(
                url_for(path, {**records.ids, **bad.get("ids", {})}),
                method=method,
                query_string=bad.get("query"),
                json=bad.get("json"),
            )
            check_body(spec, operation, 422, response)
    assert documenting == set(BAD_INPUT) | ON_A_PUBLISHED_DAY


def test_a_change_the_order_can_no_longer_take_answers_the_documented_409(
    spec, client, auth, county_people
):
    scheduled = factories.order(household=county_people.household_a, status=OrderStatus.SCHEDULED)
    db.session.commit()
    auth.login("cadre_a")
    operation, path = documented_operation(spec, "cancelOrder")
    response = client.open(url_for(path, {"order_id": scheduled.id}), method="POST")
    check_body(spec, operation, 409, response)


def test_a_day_being_planned_already_answers_the_documented_409(spec, client, auth, records):
    db.session.add(PlanningJob(delivery_date=date(2020, 3, 3), status=JobStatus.RUNNING))
    db.session.commit()
    auth.login("dispatcher")
    operation, path = documented_operation(spec, "startPlanningJob")
    response = client.post(url_for(path, records.ids), json={})
    check_body(spec, operation, 409, response)


def test_a_plan_without_runs_answers_the_documented_409_on_publishing(spec, client, auth, records):
    db.session.add(DeliveryPlan(delivery_date=date(2020, 3, 3)))
    db.session.commit()
    auth.login("dispatcher")
    operation, path = documented_operation(spec, "publishPlan")
    check_body(spec, operation, 409, client.post(url_for(path, records.ids)))


def test_a_matching_model_the_solver_cannot_solve_answers_the_documented_409(
    spec, client, auth, records, county_people, monkeypatch
):
    """OR-Tools' own min-cost flow is what fails here (it answers a status other than
    OPTIMAL): a model no county's data can produce, so the solver stands in for it."""
    for line in county_people.order_a.lines:
        factories.stock(records.outlet, line.product, 100)
    db.session.commit()

    class Unsolvable(min_cost_flow.SimpleMinCostFlow):
        def solve(self):
            return self.INFEASIBLE

    monkeypatch.setattr(min_cost_flow, "SimpleMinCostFlow", Unsolvable)
    auth.login("dispatcher")
    operation, path = documented_operation(spec, "runMatching")
    response = client.post(url_for(path))
    check_body(spec, operation, 409, response)
    assert "INFEASIBLE" in response.get_json()["errors"]["matching"]


def test_a_draft_day_changed_as_a_published_one_answers_the_documented_409(
    spec, client, auth, records
):
    db.session.add(DeliveryPlan(delivery_date=date(2020, 3, 3)))
    db.session.commit()
    auth.login("dispatcher")
    for operation_id, body in (("withdrawVolunteer", None), ("addOrdersToDay", {"order_ids": [1]})):
        operation, path = documented_operation(spec, operation_id)
        check_body(spec, operation, 409, client.post(url_for(path, records.ids), json=body))


@pytest.mark.parametrize("state", ["accepted", "discarded"])
def test_a_proposal_already_settled_answers_the_documented_409(spec, client, auth, records, state):
    job = PlanningJob(
        delivery_date=date(2020, 3, 3),
        status=JobStatus.SUCCEEDED,
        result={"proposal": {"state": state, "kind": "withdraw"}},
    )
    db.session.add(job)
    db.session.commit()
    auth.login("dispatcher")
    for operation_id in ("acceptProposal", "discardProposal"):
        operation, path = documented_operation(spec, operation_id)
        check_body(spec, operation, 409, client.post(url_for(path, {"job_id": job.id})))


def test_an_outlet_day_without_runs_cannot_be_closed_the_documented_409(
    spec, client, auth, records
):
    auth.login("admin")
    operation, path = documented_operation(spec, "closeOutletDay")
    check_body(spec, operation, 409, client.post(url_for(path, records.ids)))


def test_a_published_days_changes_answer_their_documented_errors(spec, client, county):
    """A stop's goods back, a hand-over and a correction: 422 for what the stop cannot
    take, 409 for what was done already."""
    from supply_match.services.delivery import phone_updates
    from supply_match.services.planning.day import plan_day
    from supply_match.services.planning.publishing import publish
    from supply_match.services.planning.settings import PlanningSettings
    from tests.days import DAY, allocated_orders

    allocated_orders(county, [[(county["urea"], 2)], [(county["urea"], 2)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30, second_trips=False))
    publish(plan)
    factories.user(Role.ADMIN, username="shapes-admin")
    db.session.commit()
    client.post("/login", data={"login": "shapes-admin", "password": factories.PASSWORD})
    run = plan.runs[0]
    pending, failed = run.stops[0], run.stops[-1]
    assert pending.id != failed.id or len(plan.runs) > 1
    ids = {"outlet_id": run.outlet_id, "run_id": run.id, "day": DAY.isoformat()}

    def answer(operation_id, status, extra_ids, body=None):
        operation, path = documented_operation(spec, operation_id)
        response = client.post(url_for(path, {**ids, **extra_ids}), json=body)
        check_body(spec, operation, status, response)

    answer("confirmGoodsReturn", 422, {"stop_id": pending.id})
    answer("correctStop", 422, {"stop_id": pending.id}, {"status": ["delivered"]})
    answer("confirmHandover", 422, {}, {"shortages": "all"})
    handover_path = url_for("/outlets/{outlet_id}/runs/{run_id}/handover", ids)
    assert client.post(handover_path, json={}).status_code == 201
    answer("confirmHandover", 409, {}, {})
    outcome = phone_updates.apply_stop_update(
        run.volunteer,
        change_id="shape-fail",
        stop_id=failed.id,
        action="failed",
        reason="nobody_home",
    )
    db.session.commit()
    return_path = url_for(
        "/outlets/{outlet_id}/stops/{stop_id}/return", {**ids, "stop_id": failed.id}
    )
    first = client.post(return_path)
    assert first.status_code == 201, (outcome, first.get_json())
    answer("confirmGoodsReturn", 409, {"stop_id": failed.id})


def test_every_documented_409_is_provoked_above(spec):
    conflicts = {op["operationId"] for _p, _m, op in operations(spec) if "409" in op["responses"]}
    assert conflicts == {
        "cancelOrder",
        "startPlanningJob",
        "publishPlan",
        "runMatching",
        "withdrawVolunteer",
        "addOrdersToDay",
        "acceptProposal",
        "discardProposal",
        "closeOutletDay",
        "confirmHandover",
        "confirmGoodsReturn",
    }


def documented_operation(spec, operation_id: str) -> tuple[dict, str]:
    for path, _method, operation in operations(spec):
        if operation["operationId"] == operation_id:
            return operation, path
    raise AssertionError(f"{operation_id} is not in the document")


def test_a_change_without_the_csrf_header_answers_the_documented_400(
    spec, migrated_database_url, app, county_people
):
    protected = make_app(migrated_database_url, WTF_CSRF_ENABLED=True).test_client()
    page = protected.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    protected.post(
        "/login", data={"login": "cadre_a", "password": factories.PASSWORD, "csrf_token": token}
    )
    for path, method, operation in operations(spec):
        if method == "GET":
            assert "400" not in operation["responses"], operation["operationId"]
            continue
        ids = {"order_id": county_people.order_a.id}
        check_body(spec, operation, 400, protected.open(url_for(path, ids), method=method, json={}))
