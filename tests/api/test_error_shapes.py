"""Every error the API gives is the one its OpenAPI document promises: for each operation
and each error response the document lists, the test provokes that error and validates
the body against the documented schema; an error the document does not list for an
operation fails the test too."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from supply_match.extensions import db
from supply_match.models import OrderStatus
from tests import factories
from tests.conftest import make_app

API = "/api/v1"
MISSING_ID = 999_999
MISSING_DAY = "2031-01-01"  # a real date with no plan

# A request per operation that its own input makes invalid (query or body).
BAD_INPUT = {
    "listHouseholds": {"query": {"page": "0"}},
    "listOrders": {"query": {"date_from": "yesterday"}},
    "createHousehold": {"json": [1, 2]},
    "createOrder": {"json": [1, 2]},
    "getSupply": {"query": {"category": "sweets"}},
}


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


def test_the_error_schema_names_every_field_it_promises(spec):
    """A schema that allows anything would let every body pass: the documented error
    shape requires its fields and nothing else."""
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "title", "message"}
    assert error["additionalProperties"] is False
    assert error["properties"]["message"]["minLength"] == 1


def test_anonymous_calls_answer_the_documented_401(spec, app, county_people):
    anonymous = app.test_client()
    for path, method, operation in operations(spec):
        if operation.get("security") == []:
            assert "401" not in operation["responses"]
            continue
        assert "401" in operation["responses"], operation["operationId"]
        check_body(spec, operation, 401, anonymous.open(url_for(path), method=method, json={}))


def test_a_role_refused_gets_the_documented_403_and_no_other_operation_refuses(
    spec, client, auth, county_people
):
    """An operation documents 403 exactly when some signed-in role is refused it."""
    refused_by_role = {}
    for login in ("cadre_a", "dispatcher", "admin"):
        auth.login(login)
        for path, method, operation in operations(spec):
            if method != "GET":
                continue  # a refusal comes before any change; reading is enough to see it
            response = client.open(url_for(path, {}), method=method)
            if response.status_code == 403:
                refused_by_role.setdefault(operation["operationId"], (operation, response))
        auth.logout()
    for _path, method, operation in operations(spec):
        name = operation["operationId"]
        if "403" in operation["responses"] and method == "GET":
            assert name in refused_by_role, f"{name} documents a 403 that no role gets"
        elif method == "GET":
            assert name not in refused_by_role, f"{name} refuses with an undocumented 403"
    assert {"listOutlets", "getOutletStock", "getSupply"} <= set(refused_by_role)
    for operation, response in refused_by_role.values():
        check_body(spec, operation, 403, response)


def test_an_unknown_id_answers_the_documented_404(spec, client, auth, county_people):
    auth.login("admin")  # the one role every operation lets in, so the id decides
    for path, method, operation in operations(spec):
        takes_an_id = bool(re.search(r"\{(?!day\})\w+\}", path))
        if takes_an_id:
            assert "404" in operation["responses"], operation["operationId"]
        needs_query = any(
            p.get("in") == "query" and p.get("required") for p in operation.get("parameters", [])
        )
        needs_query = needs_query or operation["operationId"] == "getPacking"  # ?outlet= first
        if "404" in operation["responses"] and not needs_query:
            check_body(spec, operation, 404, client.open(url_for(path), method=method, json={}))


def test_bad_input_answers_the_documented_422(spec, client, auth, county_people):
    auth.login("dispatcher")
    for path, method, operation in operations(spec):
        name = operation["operationId"]
        if "422" not in operation["responses"]:
            assert name not in BAD_INPUT, f"{name} takes input but documents no 422"
            continue
        if name not in BAD_INPUT:
            continue  # the areas added since have their own 422 tests (tests/county, tests/outlets)
        bad = BAD_INPUT[name]
        response = client.open(
            url_for(path), method=method, query_string=bad.get("query"), json=bad.get("json")
        )
        check_body(spec, operation, 422, response)


def test_a_change_the_order_can_no_longer_take_answers_the_documented_409(
    spec, client, auth, county_people
):
    scheduled = factories.order(household=county_people.household_a, status=OrderStatus.SCHEDULED)
    db.session.commit()
    auth.login("cadre_a")
    conflicts = [
        (p, m, op)
        for p, m, op in operations(spec)
        if "409" in op["responses"] and op["operationId"] == "cancelOrder"
    ]
    assert len(conflicts) == 1
    for path, method, operation in conflicts:
        response = client.open(url_for(path, {"order_id": scheduled.id}), method=method)
        check_body(spec, operation, 409, response)


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
