"""The JSON API: every documented operation answers as documented, bad input is 422 with
a message per field, another village's records are 404, lists stay in scope."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    Household,
    Order,
    OrderStatus,
    PlanningJob,
    SubsidyProgramme,
)
from tests import factories
from tests.conftest import make_app

API = "/api/v1"


@pytest.fixture
def catalogue(county_people):
    product = factories.product(name="尿素")
    outlet = factories.outlet(township=county_people.village_a.township, name="甲网点")
    factories.stock(outlet, product, 30)
    db.session.commit()
    return dict(product=product, outlet=outlet)


def _new_order(household, product, **overrides):
    body = {
        "household_id": household.id,
        "lines": [{"product_id": product.id, "quantity": 2}],
        "delivery_point": "home",
        "wanted_from": "2020-03-02",
        "wanted_to": "2020-03-06",
    }
    body.update(overrides)
    return body


def _calls(people, cat):
    """A valid call for each operationId: (path params, query, JSON body, expected status)."""
    order = factories.order(household=people.household_a, lines=[(cat["product"], 1)])
    village = people.village_a
    volunteer = factories.volunteer(township=village.township, mobile="13983500001")
    job = PlanningJob(delivery_date=date(2020, 3, 4), status="succeeded", message="")
    db.session.add(job)
    db.session.add(DeliveryPlan(delivery_date=date(2020, 3, 5), status="draft"))
    programme = SubsidyProgramme(name="良种补贴", share_percent=50)
    db.session.add(programme)
    db.session.commit()
    township_ids = {"township_id": village.township_id}
    new_volunteer = {
        "name": "冉建国",
        "mobile": "13983500002",
        "party_branch": "党支部",
        "village_id": village.id,
        "vehicle_type": "minivan",
        "payload_kg": 600,
        "duty_days": [0, 2, 4],
    }
    new_outlet = {
        "name": "新网点",
        "township_id": village.township_id,
        "address": "场镇街 1 号",
        "lat": 29.3,
        "lon": 108.2,
        "contact_name": "冉光明",
        "contact_mobile": "13896012345",
    }
    setup = {
        # A dispatcher reads places and manages volunteers and outlets; admins alone add
        # places and accounts (tests/county/test_api_county.py calls those as an admin).
        "listTownships": ({}, {}, None, 200),
        "createTownship": ({}, {}, {"code": "500243999"}, 403),
        "getTownship": (township_ids, {}, None, 200),
        "updateTownship": (township_ids, {}, {"name": "x"}, 403),
        "listVillages": ({}, {"township": village.township_id}, None, 200),
        "createVillage": ({}, {}, {"code": "500243999201"}, 403),
        "getVillage": ({"village_id": village.id}, {}, None, 200),
        "updateVillage": ({"village_id": village.id}, {}, {"name": "x"}, 403),
        "listVolunteers": ({}, {"vehicle": "minivan"}, None, 200),
        "createVolunteer": ({}, {}, new_volunteer, 201),
        "getVolunteer": ({"volunteer_id": volunteer.id}, {}, None, 200),
        "updateVolunteer": ({"volunteer_id": volunteer.id}, {}, {"payload_kg": 650}, 200),
        "listAccounts": ({}, {}, None, 403),
        "createAccount": ({}, {}, {"username": "x"}, 403),
        "getAccount": ({"user_id": people.admin.id}, {}, None, 403),
        "updateAccount": ({"user_id": people.admin.id}, {}, {"active": False}, 403),
        "createOutlet": ({}, {}, new_outlet, 201),
        "getOutlet": ({"outlet_id": cat["outlet"].id}, {}, None, 200),
        "updateOutlet": ({"outlet_id": cat["outlet"].id}, {}, {"closes_at": "19:00"}, 200),
    }  # fmt: skip
    return setup | {
        "getSession": ({}, {}, None, 200),
        "listHouseholds": ({}, {"village": people.village_a.id, "per_page": 10}, None, 200),
        "createHousehold": (
            {}, {},
            {"village_id": people.village_a.id, "name": "新户", "mobile": "13912345678",
             "group_no": 2},
            201,
        ),
        "getHousehold": ({"household_id": people.household_a.id}, {}, None, 200),
        "getHouseholdLink": ({"household_id": people.household_a.id}, {}, None, 200),
        # No day is published: no slips (tests/dispatch/test_household_slips.py prints them).
        "getDaySlips": ({"day": "2020-03-03"}, {"outlet": cat["outlet"].id}, None, 404),
        "getRunSlips": ({"run_id": 1}, {}, None, 404),
        "listOrders": ({}, {"status": "submitted", "product": cat["product"].id}, None, 200),
        "createOrder": ({}, {}, _new_order(people.household_a, cat["product"]), 201),
        "getOrder": ({"order_id": order.id}, {}, None, 200),
        "cancelOrder": ({"order_id": order.id}, {}, None, 200),
        "listProducts": ({}, {}, None, 200),
        "listOutlets": ({}, {}, None, 200),
        "getOutletStock": ({"outlet_id": cat["outlet"].id}, {}, None, 200),
        "getSupply": ({}, {"category": "fertilizer"}, None, 200),
        "getOpenApi": ({}, {}, None, 200),
        # No day is published in this county: the outlets' days answer 404 (see tests/outlets).
        "getPlanDay": ({"day": "2020-03-03"}, {}, None, 404),
        "getPacking": ({"day": "2020-03-03"}, {"outlet": cat["outlet"].id}, None, 404),
        "getOutletDay": ({"outlet_id": cat["outlet"].id, "day": "2020-03-03"}, {}, None, 200),
        "getOutletPrices": ({"outlet_id": cat["outlet"].id}, {}, None, 200),
        "setOutletPrices": (
            {"outlet_id": cat["outlet"].id}, {},
            {"prices": [{"product_id": cat["product"].id, "price_fen": 10500}]}, 200,
        ),
        "listSubsidyProgrammes": ({}, {"all": "1"}, None, 200),
        "createSubsidyProgramme": ({}, {}, {"name": "春耕补贴", "share_percent": 30}, 201),
        "updateSubsidyProgramme": ({"programme_id": programme.id}, {}, {"active": False}, 200),
        "getGuidePrices": ({}, {}, None, 200),
        "setGuidePrices": ({}, {}, {"prices": [{"product_id": cat["product"].id,
                                                 "guide_fen": 12000}]}, 200),
        # The outlet's day: no run in this county (tests/outlets/test_api_outlet_day.py
        # hands over, takes back, closes and corrects a published day).
        "confirmHandover": ({"outlet_id": cat["outlet"].id, "run_id": 999999}, {},
                            {"shortages": []}, 404),
        "confirmGoodsReturn": ({"outlet_id": cat["outlet"].id, "stop_id": 999999}, {}, None, 404),
        "closeOutletDay": ({"outlet_id": cat["outlet"].id, "day": "2020-03-03"}, {}, None, 409),
        "correctOutletDay": ({"outlet_id": cat["outlet"].id, "day": "2020-03-03"}, {},
                             {"amount_fen": 500, "note": "多收"}, 422),
        "startPlanningJob": ({"day": "2020-03-03"}, {}, {"time_limit_s": 5}, 202),
        "getPlanningJob": ({"job_id": job.id}, {}, None, 200),
        "getPlan": ({"day": "2020-03-05"}, {}, None, 200),
        # A plan without runs cannot be published: the documented 409 (tests/api/test_plans.py
        # publishes a planned day).
        "publishPlan": ({"day": "2020-03-05"}, {}, None, 409),
        "runMatching": ({}, {}, None, 200),
        # A draft day cannot be changed as a published one (tests/api/test_day_changes_api.py
        # changes a published day); a job that planned a draft holds no proposal.
        "withdrawVolunteer": ({"day": "2020-03-05", "volunteer_id": volunteer.id}, {}, None, 409),
        "addOrdersToDay": ({"day": "2020-03-05"}, {}, {"order_ids": [order.id]}, 409),
        "acceptProposal": ({"job_id": job.id}, {}, None, 404),
        "discardProposal": ({"job_id": job.id}, {}, None, 404),
        "listAuditEntries": ({}, {"kind": "order", "day": "2020-03-03"}, None, 200),
        "getDayProgress": ({"day": "2020-03-05"}, {}, None, 200),
        # tests/api/test_deliveries.py corrects a real stop.
        "correctStop": (
            {"day": "2020-03-05", "stop_id": 999999}, {}, {"status": "pending", "note": "x"}, 404,
        ),
    }  # fmt: skip


def test_every_documented_operation_answers_as_documented(client, auth, county_people, catalogue):
    spec = client.get(f"{API}/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    calls = _calls(county_people, catalogue)
    operations = [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]
    assert {op["operationId"] for _p, _m, op in operations} == set(calls)
    auth.login("dispatcher")
    for path, method, operation in operations:
        params, query, body, expected = calls[operation["operationId"]]
        url = API + path.format(**params)
        response = client.open(url, method=method.upper(), query_string=query, json=body)
        assert str(expected) in operation["responses"], operation["operationId"]
        assert response.status_code == expected, (operation["operationId"], response.get_json())
        assert response.is_json
        # Every parameter the document names for a path exists in the URL template.
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert "{" + parameter["name"] + "}" in path


def test_anonymous_gets_401_json_for_every_operation_but_the_document(client, county_people):
    spec = client.get(f"{API}/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if operation.get("security") == []:
                continue
            url = API + re.sub(r"\{\w+\}", "1", path)
            response = client.open(url, method=method.upper(), json={})
            assert response.status_code == 401, url
            assert response.get_json()["error"] == 401


@pytest.mark.parametrize("path", ["/outlets", "/supply"])
def test_cadre_gets_403_json_on_dispatch_operations(client, auth, county_people, path):
    auth.login("cadre_a")
    response = client.get(API + path)
    assert response.status_code == 403 and response.get_json()["error"] == 403


def test_bad_order_answers_422_naming_each_field(client, auth, county_people, catalogue):
    auth.login("cadre_a")
    before = db.session.scalar(select(func.count()).select_from(Order))
    body = _new_order(
        county_people.household_a, catalogue["product"],
        lines=[{"product_id": catalogue["product"].id, "quantity": -1}],
        wanted_from="2020-03-09", wanted_to="2020-03-01", delivery_point="field",
    )  # fmt: skip
    response = client.post(f"{API}/orders", json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"lines-1-quantity", "wanted_to", "field_point"} <= set(errors)
    assert all(re.search(r"[\u4e00-\u9fff]", message) for message in errors.values())
    response = client.post(f"{API}/orders", json={**body, "wanted_from": "3月2日"})
    assert response.status_code == 422 and "wanted_from" in response.get_json()["errors"]
    response = client.post(f"{API}/orders", data="[1, 2]", content_type="application/json")
    assert response.status_code == 422 and "body" in response.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Order)) == before


def test_bad_household_and_bad_query_answer_422(client, auth, county_people):
    auth.login("cadre_a")
    response = client.post(
        f"{API}/households",
        json={"village_id": county_people.village_a.id, "name": "", "mobile": "1", "group_no": 0},
    )
    assert response.status_code == 422
    assert {"name", "mobile", "group_no"} <= set(response.get_json()["errors"])
    assert db.session.scalar(select(func.count()).select_from(Household)) == 2
    response = client.get(f"{API}/orders?date_from=yesterday&page=0")
    assert response.status_code == 422
    assert {"date_from", "page"} <= set(response.get_json()["errors"])


def test_another_villages_records_are_404_and_never_shown(client, auth, county_people, catalogue):
    auth.login("cadre_a")
    for url in (
        f"{API}/orders/{county_people.order_b.id}",
        f"{API}/households/{county_people.household_b.id}",
        f"{API}/orders/999999",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "李乙户" not in response.get_data(as_text=True)
    response = client.post(f"{API}/orders/{county_people.order_b.id}/cancel")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Order, county_people.order_b.id).status == OrderStatus.SUBMITTED
    # Creating an order for another village's household is refused too.
    body = _new_order(county_people.household_b, catalogue["product"])
    response = client.post(f"{API}/orders", json=body)
    assert response.status_code == 422 and "household_id" in response.get_json()["errors"]


def test_lists_hold_only_the_cadres_villages(client, auth, county_people):
    factories.order(household=county_people.household_b)
    db.session.commit()
    auth.login("cadre_a")
    orders = client.get(f"{API}/orders").get_json()
    assert orders["total"] == 1
    assert {o["village_id"] for o in orders["items"]} == {county_people.village_a.id}
    other = client.get(f"{API}/orders?village={county_people.village_b.id}").get_json()
    assert other["items"] == [] and other["total"] == 0
    households = client.get(f"{API}/households").get_json()
    assert [h["name"] for h in households["items"]] == ["张甲户"]
    auth.logout()
    auth.login("dispatcher")
    assert client.get(f"{API}/orders").get_json()["total"] == 3


def test_cancel_of_a_scheduled_order_is_409_with_the_reason(client, auth, county_people):
    order = factories.order(household=county_people.household_a, status=OrderStatus.SCHEDULED)
    db.session.commit()
    auth.login("cadre_a")
    response = client.post(f"{API}/orders/{order.id}/cancel")
    assert response.status_code == 409
    assert "配送" in response.get_json()["errors"]["status"]


def test_changes_need_the_csrf_header(migrated_database_url, app, county_people, catalogue):
    protected = make_app(migrated_database_url, WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"login": "cadre_a", "password": factories.PASSWORD,
                                "csrf_token": token})  # fmt: skip
    body = _new_order(county_people.household_a, catalogue["product"])
    refused = client.post(f"{API}/orders", json=body)
    assert refused.status_code == 400 and refused.is_json
    token = client.get(f"{API}/session").get_json()["csrf_token"]
    created = client.post(f"{API}/orders", json=body, headers={"X-CSRFToken": token})
    assert created.status_code == 201
    assert created.get_json()["lines"][0]["quantity"] == "2"
