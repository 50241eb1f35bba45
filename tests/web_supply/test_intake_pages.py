"""Cadres' intake forms and the filtered lists with their exports."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import Household, Order, OrderStatus, Stock, StockChange
from supply_match.services.supply import matching
from tests import factories


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _order_form(household, product, **overrides):
    form = {
        "household": str(household.id),
        "lines-1-product": str(product.id),
        "lines-1-quantity": "3",
        "delivery_point": "home",
        "wanted_from": "2020-03-02",
        "wanted_to": "2020-03-06",
        "note": "放在院坝",
    }
    form.update(overrides)
    return form


def test_order_form_renders_five_blank_lines_without_script(client, auth, county_people):
    auth.login("cadre_a")
    page = client.get(f"/intake/orders/new?household={county_people.household_a.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert len(re.findall(r'name="lines-\d+-product"', html)) >= 5
    # The only scripts are optional helpers (phone GPS, table cards); the form needs none.
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/js/table_cards.js" defer>',
        '<script src="/static/js/locate.js">',
    ]


def test_cadre_adds_a_household_then_an_order(client, auth, county_people):
    product = factories.product(name="玉米种子")
    db.session.commit()
    auth.login("cadre_a")
    response = client.post(
        "/intake/households/new",
        data=dict(village_id=str(county_people.village_a.id), name="冉新户",
                  mobile="13911112222", group_no="3", lat="29.3", lon="108.2", gcj02="1"),
    )  # fmt: skip
    assert response.status_code == 302
    household = db.session.scalar(select(Household).where(Household.name == "冉新户"))
    assert household.group_no == 3
    # GCJ-02 input is stored as WGS-84: a few hundred metres away from what was typed.
    assert (household.lat, household.lon) != (29.3, 108.2)
    assert f"household={household.id}" in response.headers["Location"]

    response = client.post("/intake/orders/new", data=_order_form(household, product, priority="1"))
    assert response.status_code == 302
    order = db.session.scalar(select(Order).where(Order.household_id == household.id))
    assert order.status == OrderStatus.SUBMITTED and order.priority == 1
    assert [(line.product.name, line.quantity) for line in order.lines] == [("玉米种子", 3)]


def test_household_errors_are_shown_next_to_the_fields_and_nothing_written(
    client, auth, county_people
):
    auth.login("cadre_a")
    before = _count(Household)
    response = client.post(
        "/intake/households/new",
        data=dict(village_id=str(county_people.village_b.id), name="", mobile="123", group_no="x"),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field in ("village_id", "name", "mobile", "group_no"):
        assert f'data-error="{field}"' in page
    assert "11 位手机号码" in page
    assert _count(Household) == before


def test_order_errors_per_line_and_nothing_written(client, auth, county_people):
    product = factories.product()
    db.session.commit()
    auth.login("cadre_a")
    before = _count(Order)
    form = _order_form(
        county_people.household_a, product,
        **{"lines-2-product": str(product.id), "lines-2-quantity": "1", "lines-1-quantity": "-2",
           "delivery_point": "field", "wanted_to": "2020-03-01"},
    )  # fmt: skip
    response = client.post("/intake/orders/new", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-error="lines-1-quantity"' in page
    assert 'data-error="field_point"' in page
    assert 'data-error="wanted_to"' in page
    assert _count(Order) == before
    # What was typed is still there.
    assert 'value="-2"' in page


def test_bad_date_text_is_an_error_not_a_crash(client, auth, county_people):
    product = factories.product()
    db.session.commit()
    auth.login("cadre_a")
    form = _order_form(county_people.household_a, product, wanted_from="3月2日")
    response = client.post("/intake/orders/new", data=form)
    assert response.status_code == 422
    assert 'data-error="wanted_from"' in response.get_data(as_text=True)


def test_cadre_edits_an_order_while_editable(client, auth, county_people):
    product = factories.product(name="磷肥")
    db.session.commit()
    order = county_people.order_a
    auth.login("cadre_a")
    page = client.get(f"/intake/orders/{order.id}/edit").get_data(as_text=True)
    assert 'name="lines-1-quantity" value="2"' in page
    form = _order_form(county_people.household_a, product)
    form.update({"lines-1-quantity": "7"})
    assert client.post(f"/intake/orders/{order.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    lines = db.session.get(Order, order.id).lines
    assert [(line.product.name, line.quantity) for line in lines] == [("磷肥", 7)]


def test_scheduled_order_page_says_why_it_cannot_change(client, auth, county_people):
    order = factories.order(household=county_people.household_a, status=OrderStatus.SCHEDULED)
    db.session.commit()
    auth.login("cadre_a")
    page = client.get(f"/intake/orders/{order.id}/edit").get_data(as_text=True)
    assert "data-not-editable" in page and "配送趟次" in page
    assert client.post(f"/orders/{order.id}/cancel", data={"confirm": "1"}).status_code == 409
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.SCHEDULED


def test_cancel_asks_first_then_cancels(client, auth, county_people):
    order_id = county_people.order_a.id
    auth.login("cadre_a")
    page = client.get(f"/orders/{order_id}/cancel").get_data(as_text=True)
    assert 'name="confirm"' in page
    assert client.post(f"/orders/{order_id}/cancel", data={"confirm": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.CANCELLED


def test_cadre_cannot_open_another_villages_order_forms(client, auth, county_people):
    order_id = county_people.order_b.id
    auth.login("cadre_a")
    for path in (f"/intake/orders/{order_id}/edit", f"/orders/{order_id}/cancel"):
        response = client.get(path)
        assert response.status_code in (403, 404)
        assert "李乙户" not in response.get_data(as_text=True)
    response = client.get(f"/intake/orders/new?household={county_people.household_b.id}")
    assert response.status_code in (403, 404)


def test_order_list_filters_by_product_and_date_and_exports_them(client, auth, county_people):
    urea = factories.product(name="尿素")
    wanted = factories.order(household=county_people.household_a, lines=[(urea, 5)],
                             wanted_from=date(2020, 4, 1), wanted_to=date(2020, 4, 5))  # fmt: skip
    factories.order(household=county_people.household_b, lines=[(urea, 1)],
                    wanted_from=date(2020, 4, 1), wanted_to=date(2020, 4, 5))  # fmt: skip
    db.session.commit()
    auth.login("cadre_a")
    query = f"product={urea.id}&date_from=2020-04-02&date_to=2020-04-03"
    page = client.get(f"/orders?{query}").get_data(as_text=True)
    assert re.findall(r'data-order-id="(\d+)"', page) == [str(wanted.id)]
    response = client.get(f"/orders/export.xlsx?{query}")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "订单号"
    assert [(row[0], row[4], row[7], row[8]) for row in rows[1:]] == [
        (wanted.id, "张甲户", "尿素", 5)
    ]


def test_household_list_is_scoped_paged_and_exported(app, client, auth, county_people):
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        factories.household(village=county_people.village_a, name=f"甲户{n}")
    db.session.commit()
    auth.login("cadre_a")
    first = client.get("/households").get_data(as_text=True)
    assert first.count('data-household-id="') == 2 and "李乙户" not in first
    rows = list(
        load_workbook(io.BytesIO(client.get("/households/export.xlsx").data)).active.iter_rows(
            values_only=True
        )
    )
    names = {row[3] for row in rows[1:]}
    assert names == {"张甲户", "甲户0", "甲户1", "甲户2"}


def test_order_form_finds_households_by_name_within_scope(client, auth, county_people):
    factories.household(village=county_people.village_a, name="冉光明")
    db.session.commit()
    auth.login("cadre_a")
    page = client.get("/intake/orders/new?q=冉").get_data(as_text=True)
    offered = re.findall(r'<option value="\d+">([^ <]+) ·', page)
    assert offered == ["冉光明"]
    page = client.get("/intake/orders/new?q=李乙").get_data(as_text=True)
    assert "李乙户" not in page


def test_editing_an_allocated_order_gives_its_stock_back(client, auth, county_people):
    product = factories.product(name="钾肥")
    outlet = factories.outlet(township=county_people.village_a.township)
    factories.stock(outlet, product, 10)
    order = factories.order(household=county_people.household_a, lines=[(product, 4)])
    matching.run_matching()
    db.session.commit()
    assert order.status == OrderStatus.ALLOCATED
    auth.login("cadre_a")
    form = _order_form(county_people.household_a, product, **{"lines-1-quantity": "6"})
    assert client.post(f"/intake/orders/{order.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.SUBMITTED
    assert db.session.scalar(select(Stock).where(Stock.product_id == product.id)).reserved == 0
    released = db.session.scalar(select(StockChange).where(StockChange.kind == "released"))
    assert released.user_id == county_people.cadre_a.id


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/lists/orders?status=submitted&page=2", "/orders?status=submitted&page=2"),
        ("/lists/households?village=7", "/households?village=7"),
        ("/lists/orders/export.xlsx?q=%E5%BC%A0", "/orders/export.xlsx?q=%E5%BC%A0"),
        ("/lists/households/export.xlsx", "/households/export.xlsx"),
        ("/intake/orders/12/cancel", "/orders/12/cancel"),
    ],
)
def test_old_list_and_cancel_addresses_redirect_with_their_query(client, old, new):
    response = client.get(old)
    assert response.status_code in (301, 308)
    assert response.location == new


def test_an_old_cancel_address_still_cancels_after_its_redirect(client, auth, county_people):
    order_id = county_people.order_a.id
    auth.login("cadre_a")
    response = client.post(f"/intake/orders/{order_id}/cancel", data={"confirm": "1"})
    assert response.status_code == 308 and response.location == f"/orders/{order_id}/cancel"
    # The test client re-sends the redirected POST without its (already read) form: the
    # new address then asks first, and its confirmation cancels.
    followed = client.post(
        f"/intake/orders/{order_id}/cancel", data={"confirm": "1"}, follow_redirects=True
    )
    assert followed.status_code == 200
    client.post(f"/orders/{order_id}/cancel", data={"confirm": "1"})
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.CANCELLED
