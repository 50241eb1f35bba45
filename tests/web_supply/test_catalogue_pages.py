"""Products, outlets and their stock: validation in Chinese, the ledger explains changes."""

import re

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Outlet, Product, Stock, StockChange
from tests import factories
from tests.conftest import make_app


def _product_form(**overrides):
    form = dict(code="U46", name="尿素46", category="fertilizer", unit="袋", unit_weight_kg="50")
    form.update(active="1")
    form.update(overrides)
    return form


def test_dispatcher_creates_and_edits_a_product(client, auth, county_people):
    auth.login("dispatcher")
    response = client.post("/catalogue/products/new", data=_product_form())
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.code == "U46"))
    assert product.name == "尿素46"
    client.post(f"/catalogue/products/{product.id}", data=_product_form(unit_weight_kg="40"))
    db.session.expire_all()
    assert db.session.get(Product, product.id).unit_weight_kg == 40
    assert "尿素46" in client.get("/catalogue/products").get_data(as_text=True)


def test_pesticide_without_hazard_class_is_refused_in_chinese(client, auth, county_people):
    auth.login("dispatcher")
    response = client.post(
        "/catalogue/products/new",
        data=_product_form(category="pesticide", code="PX", name="吡虫啉", unit_weight_kg="0"),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-error="hazard_class"' in page and 'data-error="unit_weight_kg"' in page
    assert "农药" in re.search(r'data-error="hazard_class">([^<]*)<', page).group(1)
    assert db.session.scalar(select(Product).where(Product.code == "PX")) is None


def test_product_name_and_code_are_unique(client, auth, county_people):
    existing = factories.product(code="DUP", name="磷肥")
    db.session.commit()
    auth.login("dispatcher")
    response = client.post("/catalogue/products/new", data=_product_form(code="dup", name="磷肥"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-error="code"' in page and 'data-error="name"' in page
    assert db.session.scalar(select(db.func.count()).select_from(Product)) >= 1
    assert existing.id


def test_outlet_edit_checks_the_mobile(client, auth, county_people):
    outlet = factories.outlet(township=county_people.village_a.township, name="甲网点")
    db.session.commit()
    auth.login("admin")
    form = dict(
        name="甲网点",
        township_id=str(outlet.township_id),
        address="场镇1号",
        lat="29.3",
        lon="108.2",
        opens_at="08:00",
        closes_at="17:30",
        contact_name="王老板",
        contact_mobile="1380000",
        active="1",
    )
    response = client.post(f"/catalogue/outlets/{outlet.id}", data=form)
    assert response.status_code == 422
    assert 'data-error="contact_mobile"' in response.get_data(as_text=True)
    form["contact_mobile"] = "138 0000 1111"
    assert client.post(f"/catalogue/outlets/{outlet.id}", data=form).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Outlet, outlet.id)
    assert (saved.contact_mobile, saved.address, saved.closes_at.minute) == (
        "13800001111",
        "场镇1号",
        30,
    )


def test_goods_received_write_a_ledger_row_with_the_user(client, auth, county_people):
    outlet = factories.outlet(township=county_people.village_a.township)
    product = factories.product(name="钾肥")
    db.session.commit()
    auth.login("dispatcher")
    response = client.post(
        f"/catalogue/outlets/{outlet.id}/stock",
        data=dict(product_id=str(product.id), kind="received", quantity="25", reason="送货单 88"),
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    change = db.session.scalar(select(StockChange))
    assert change.user_id == county_people.dispatcher.id
    assert (change.kind, change.quantity_delta, change.quantity_after) == ("received", 25, 25)
    assert "送货单 88" in page and county_people.dispatcher.display_name in page
    row = re.search(r'<tr data-product="钾肥">.*?</tr>', page, re.S).group(0)
    assert 'data-col="quantity">25<' in row


def test_stock_change_needs_a_reason_and_writes_nothing_without(client, auth, county_people):
    outlet = factories.outlet(township=county_people.village_a.township)
    product = factories.product()
    db.session.commit()
    auth.login("dispatcher")
    response = client.post(
        f"/catalogue/outlets/{outlet.id}/stock",
        data=dict(product_id=str(product.id), kind="count", quantity="5", reason=""),
    )
    assert response.status_code == 422
    assert 'data-error="reason"' in response.get_data(as_text=True)
    assert db.session.scalar(select(StockChange)) is None
    assert db.session.scalar(select(Stock)) is None


def test_count_below_reserved_is_refused(client, auth, county_people):
    outlet = factories.outlet(township=county_people.village_a.township)
    product = factories.product(name="复合肥X")
    factories.stock(outlet, product, 10, reserved=6)
    db.session.commit()
    auth.login("dispatcher")
    response = client.post(
        f"/catalogue/outlets/{outlet.id}/stock",
        data=dict(product_id=str(product.id), kind="count", quantity="2", reason="盘点"),
    )
    assert response.status_code == 422
    assert "预留" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Stock)).quantity == 10


@pytest.mark.parametrize(
    "path",
    ["/catalogue/products", "/catalogue/outlets", "/catalogue/products/new", "/imports/stock"],
)
def test_cadres_may_not_manage_the_catalogue(client, auth, county_people, path):
    auth.login("cadre_a")
    assert client.get(path).status_code == 403


def test_forms_without_csrf_token_are_rejected(migrated_database_url, app, county_people):
    product = factories.product()
    outlet = factories.outlet(township=county_people.village_a.township)
    db.session.commit()
    protected = make_app(migrated_database_url, WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"login": "dispatcher", "password": factories.PASSWORD,
                                "csrf_token": token})  # fmt: skip
    form = dict(product_id=str(product.id), kind="received", quantity="5", reason="到货")
    assert client.post(f"/catalogue/outlets/{outlet.id}/stock", data=form).status_code == 400
    assert client.post("/supply/match").status_code == 400
    with protected.app_context():
        assert db.session.scalar(select(StockChange)) is None
    stock_page = client.get(f"/catalogue/outlets/{outlet.id}/stock").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', stock_page).group(1)
    response = client.post(
        f"/catalogue/outlets/{outlet.id}/stock", data=dict(form, csrf_token=token)
    )
    assert response.status_code == 302
