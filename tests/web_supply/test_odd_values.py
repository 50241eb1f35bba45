"""Odd values named in issue 16, each answered 4xx with a message and nothing written:
quantities past their upper bounds, objects where text is expected, ids past 64 bits,
digits of other scripts, numbers like 1e999999, dates that do not exist."""

import pytest
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import Household, Stock, StockChange
from supply_match.services.fields import parse_decimal, parse_quantity, record_id
from tests import factories

API = "/api/v1"


@pytest.mark.parametrize("quantity", ["1e20", "100000000000000000000", "1e999999", "١٢", "NaN"])
def test_a_stock_receipt_past_the_bound_or_oddly_written_is_refused(
    client, auth, county_people, quantity
):
    outlet = factories.outlet(township=county_people.village_a.township)
    product = factories.product()
    db.session.commit()
    auth.login("dispatcher")
    response = client.post(
        f"/catalogue/outlets/{outlet.id}/stock",
        data=dict(product_id=str(product.id), kind="received", quantity=quantity, reason="送货单"),
    )
    assert response.status_code == 422
    assert 'data-error="quantity"' in response.get_data(as_text=True)
    assert db.session.scalar(select(StockChange)) is None
    assert db.session.scalar(select(Stock)) is None


def test_receipts_cannot_add_up_past_the_bound(client, auth, county_people):
    outlet = factories.outlet(township=county_people.village_a.township)
    product = factories.product()
    db.session.commit()
    auth.login("dispatcher")
    form = dict(product_id=str(product.id), kind="received", quantity="999999", reason="送货单")
    path = f"/catalogue/outlets/{outlet.id}/stock"
    assert client.post(path, data=form).status_code == 302
    assert client.post(path, data=form).status_code == 422
    assert db.session.scalar(select(Stock)).quantity == 999999


@pytest.mark.parametrize("name", [{"a": "b"}, ["张三"], 12, "张" * 65])
def test_a_household_name_that_is_not_short_text_is_422(client, auth, county_people, name):
    auth.login("cadre_a")
    response = client.post(
        f"{API}/households",
        json={"village_id": county_people.village_a.id, "name": name, "mobile": "13800001111"},
    )
    assert response.status_code == 422
    assert "name" in response.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Household)) == 2


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/orders/99999999999999999999999",
        f"{API}/orders/{2**31}",
        f"{API}/orders/%D9%A1%D9%A2",  # ١٢
        "/orders/18446744073709551616",
    ],
)
def test_ids_past_the_integer_range_or_in_other_digits_are_404(client, auth, county_people, path):
    auth.login("dispatcher")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query", ["village=99999999999999999999", "village=²", "page=١٢", "date_from=2020-02-30"]
)
def test_odd_list_filters_are_422_in_the_api(client, auth, county_people, query):
    auth.login("dispatcher")
    response = client.get(f"{API}/orders?{query}")
    assert response.status_code == 422
    assert response.get_json()["errors"]


def test_json_nested_thousands_deep_is_400(client, auth, county_people):
    auth.login("cadre_a")
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(f"{API}/households", data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    response = client.post(
        f"{API}/households", data='{"lat": 1e999999}', content_type="application/json"
    )
    assert response.status_code in (400, 422)


def test_nul_bytes_in_fields_are_400(client, auth, county_people):
    auth.login("dispatcher")
    assert client.get("/orders", query_string={"q": "张\x00"}).status_code == 400


def test_the_shared_parsers_refuse_what_python_would_take():
    errors: dict = {}
    assert record_id("١٢") is None and record_id(str(2**63)) is None and record_id("7") == 7
    assert parse_decimal("1e5", errors, "a") is None and parse_decimal("1_0", errors, "b") is None
    assert parse_quantity("2.5", errors, "c", high=10) == 2.5
    assert parse_quantity("10", errors, "d", high=10) is None
    assert set(errors) == {"a", "b", "d"}
