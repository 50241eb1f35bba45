"""A village cadre on a 375 px phone signs in and enters an order through the form."""

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Order, OrderStatus, Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def test_cadre_adds_an_order_on_a_phone(live_server, phone_page, backend):
    village = factories.village(name="石嘴村")
    household = factories.household(village=village, name="冉光明")
    factories.product(name="尿素", unit="袋")
    seed = factories.product(name="玉米种", unit="包", category="seed")
    factories.user(Role.CADRE, villages=[village], username="cunganbu")
    db.session.commit()
    page = phone_page

    page.goto(f"{live_server.url}/login")
    page.fill('input[name="login"]', "cunganbu")
    page.fill('input[name="password"]', factories.PASSWORD)
    page.click('button[type="submit"]')
    page.locator("[data-new-order]").click()
    page.wait_for_selector("form[data-order-form]")
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.select_option("#household", str(household.id))
    page.select_option("#lines-1-product", label="尿素（袋）")
    page.fill("#lines-1-quantity", "2")
    page.select_option("#lines-2-product", str(seed.id))
    page.fill("#lines-2-quantity", "1.5")
    page.fill("#wanted_from", "2020-03-02")
    page.fill("#wanted_to", "2020-03-06")
    page.get_by_label("优先保障（五保户、留守老人等）").check()
    page.get_by_role("button", name="保存订单").click()

    page.wait_for_url("**/orders/*")
    assert "已保存" in page.inner_text(".flashes")
    db.session.expire_all()
    order = db.session.scalar(select(Order).where(Order.household_id == household.id))
    assert order.status == OrderStatus.SUBMITTED and order.priority == 1
    assert sorted((line.product.name, str(line.quantity)) for line in order.lines) == [
        ("尿素", "2.00"),
        ("玉米种", "1.50"),
    ]


def test_a_field_point_comes_from_the_phones_gps(live_server, browser, backend):
    from tests.browser.conftest import PHONE

    village = factories.village(name="大坪村")
    household = factories.household(village=village, name="向中华")
    urea = factories.product(name="尿素", unit="袋")
    factories.user(Role.CADRE, villages=[village], username="cun-gps")
    db.session.commit()
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        permissions=["geolocation"],
        geolocation={"latitude": 29.41234, "longitude": 108.30567, "accuracy": 12},
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    page.fill('input[name="login"]', "cun-gps")
    page.fill('input[name="password"]', factories.PASSWORD)
    page.click('button[type="submit"]')
    page.goto(f"{live_server.url}/intake/orders/new")
    page.select_option("#household", str(household.id))
    page.select_option("#lines-1-product", str(urea.id))
    page.fill("#lines-1-quantity", "3")
    page.fill("#wanted_from", "2020-03-02")
    page.fill("#wanted_to", "2020-03-04")
    page.get_by_role("button", name="使用我现在的位置（手机定位）").click()
    page.wait_for_selector("#field_lat-status:has-text('已填入')")
    assert page.input_value("#field_lat") == "29.412340"
    assert page.is_checked('input[name="delivery_point"][value="field"]')
    page.get_by_role("button", name="保存订单").click()
    page.wait_for_url("**/orders/*")
    db.session.expire_all()
    order = db.session.scalar(select(Order).where(Order.household_id == household.id))
    assert order.delivery_point == "field"
    assert (round(order.delivery_lat, 5), round(order.delivery_lon, 5)) == (29.41234, 108.30567)
    context.close()
