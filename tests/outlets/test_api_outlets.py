"""The outlets' API: plan runs with their cash, packing, the day's accounts, prices in
fen, orders' totals and payment ways; scoped like the pages."""

from supply_match.extensions import db
from supply_match.models import OutletPrice, Role
from supply_match.services.supply.amounts import stop_dues
from tests import factories
from tests.days import DAY

API = "/api/v1"


def sign_in(client, auth, role=Role.DISPATCHER, **fields):
    user = factories.user(role, **fields)
    db.session.commit()
    auth.login(user.username)
    return user


def test_plan_runs_carry_the_cash_they_collect(client, auth, priced_day):
    sign_in(client, auth)
    body = client.get(f"{API}/plans/{DAY.isoformat()}").get_json()
    dues = stop_dues([s for r in priced_day["plan"].runs for s in r.stops])
    by_run = {r.id: sum(dues[s.id] for s in r.stops) for r in priced_day["plan"].runs}
    assert {run["id"]: run["cash_to_collect_fen"] for run in body["runs"]} == by_run
    assert sum(by_run.values()) == 28000 + 9800


def test_packing_gives_the_pick_list_and_runs_in_loading_order(client, auth, priced_day):
    outlet = priced_day["outlet"]
    sign_in(client, auth, Role.OUTLET_STAFF, outlet_id=outlet.id)
    body = client.get(f"{API}/plans/{DAY.isoformat()}/packing").get_json()
    assert body["outlet_id"] == outlet.id
    totals = {p["product_id"]: p["quantity"] for p in body["products"]}
    assert totals == {priced_day["county"]["urea"].id: "3", priced_day["county"]["seed"].id: "3"}
    for run in body["runs"]:
        plan_run = next(r for r in priced_day["plan"].runs if r.id == run["id"])
        assert [s["id"] for s in run["stops"]] == [s.id for s in reversed(plan_run.stops)]


def test_outlet_staff_see_only_their_outlet(client, auth, priced_day):
    other = factories.outlet()
    sign_in(client, auth, Role.OUTLET_STAFF, outlet_id=other.id)
    outlet = priced_day["outlet"]
    day = DAY.isoformat()
    assert client.get(f"{API}/outlets/{outlet.id}/days/{day}").status_code == 404
    assert client.get(f"{API}/outlets/{outlet.id}/prices").status_code == 404
    assert client.get(f"{API}/plans/{day}/packing?outlet={outlet.id}").status_code == 404
    assert client.get(f"{API}/plans/{day}/runs").get_json()["runs"] == []
    assert client.get(f"{API}/orders").status_code in (200, 403)
    assert client.get(f"{API}/supply").status_code == 403


def test_prices_are_set_in_fen_and_floats_are_refused(client, auth, priced_day):
    outlet, urea = priced_day["outlet"], priced_day["county"]["urea"]
    sign_in(client, auth, Role.OUTLET_STAFF, outlet_id=outlet.id)
    before = db.session.query(OutletPrice).count()
    url = f"{API}/outlets/{outlet.id}/prices"
    for bad in (139.5, "13950", -1, True):
        response = client.post(url, json={"prices": [{"product_id": urea.id, "price_fen": bad}]})
        assert response.status_code == 422
    assert db.session.query(OutletPrice).count() == before
    response = client.post(url, json={"prices": [{"product_id": urea.id, "price_fen": 13950}]})
    assert response.status_code == 200
    row = next(p for p in response.get_json()["prices"] if p["product_id"] == urea.id)
    assert row["price_fen"] == 13950


def test_orders_carry_their_total_and_payment(client, auth, priced_day):
    sign_in(client, auth)
    order = priced_day["orders"][2]
    body = client.get(f"{API}/orders/{order.id}").get_json()
    assert body["total_fen"] == 14000
    assert body["payment"]["method"] == "subsidy"
    assert body["payment"]["programme_id"] == priced_day["programme"].id
    assert (body["payment"]["subsidy_fen"], body["payment"]["due_fen"]) == (4200, 9800)


def test_an_order_made_through_the_api_names_its_payment(client, auth, priced_day):
    village = priced_day["county"]["village"]
    household = factories.household(village=village)
    sign_in(client, auth, Role.CADRE, villages=[village])
    body = {
        "household_id": household.id,
        "lines": [{"product_id": priced_day["county"]["urea"].id, "quantity": 1}],
        "wanted_from": "2020-03-10",
        "wanted_to": "2020-03-12",
    }
    refused = client.post(f"{API}/orders", json={**body, "payment": {"method": "subsidy"}})
    assert refused.status_code == 422 and "subsidy_programme" in refused.get_json()["errors"]
    refused = client.post(f"{API}/orders", json={**body, "payment": {"method": "cash"}})
    assert "payment_method" in refused.get_json()["errors"]
    payment = {"method": "subsidy", "programme_id": priced_day["programme"].id}
    made = client.post(f"{API}/orders", json={**body, "payment": payment})
    assert made.status_code == 201
    assert made.get_json()["payment"]["method"] == "subsidy"
    assert made.get_json()["total_fen"] is None  # not matched yet: price not set
    plain = client.post(f"{API}/orders", json=body).get_json()
    assert plain["payment"]["method"] == "on_delivery"


def test_the_days_accounts_through_the_api(client, auth, priced_day):
    outlet = priced_day["outlet"]
    sign_in(client, auth, Role.OUTLET_STAFF, outlet_id=outlet.id)
    body = client.get(f"{API}/outlets/{outlet.id}/days/{DAY.isoformat()}").get_json()
    assert body["outlet"]["id"] == outlet.id
    assert body["closed"] is None and body["stops_pending"] == len(
        [s for r in priced_day["plan"].runs for s in r.stops]
    )
    assert isinstance(body["money"]["due_fen"], int)
