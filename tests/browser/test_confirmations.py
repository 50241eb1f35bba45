"""A cadre cancels an order on a phone with JavaScript off: the order's page leads to a
page that asks first, naming the goods; "keep it" changes nothing; confirming cancels, and
the dispatcher finds the cancel in the audit log."""

import pytest

from supply_match.extensions import db
from supply_match.models import Order, OrderStatus, Role
from tests import factories
from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def _sign_in(page, url: str, login: str) -> None:
    page.goto(f"{url}/login")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', factories.PASSWORD)
    page.click('button[type="submit"]')


def test_cancelling_an_order_asks_first_without_javascript(live_server, browser, backend):
    village = factories.village(name="石嘴村")
    household = factories.household(village=village, name="冉光明")
    urea = factories.product(name="尿素", unit="袋")
    order = factories.order(household=household, lines=[(urea, 3)])
    factories.user(Role.CADRE, villages=[village], username="cunganbu")
    factories.user(Role.DISPATCHER, username="diaodu-b")
    db.session.commit()
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        _sign_in(page, live_server.url, "cunganbu")
        page.goto(f"{live_server.url}/orders/{order.id}")
        page.locator("[data-cancel-order]").click()
        page.wait_for_url(f"**/orders/{order.id}/cancel")
        asked = page.inner_text("main")
        assert "冉光明" in asked and "尿素" in asked and "不能恢复" in asked
        page.get_by_role("link", name="不取消").click()
        page.wait_for_url(f"**/orders/{order.id}")
        db.session.expire_all()
        assert db.session.get(Order, order.id).status == OrderStatus.SUBMITTED

        page.locator("[data-cancel-order]").click()
        page.get_by_role("button", name="确定取消订单").click()
        page.wait_for_url(f"**/orders/{order.id}")
        assert f"订单 {order.id} 已取消" in page.inner_text(".flashes")
        db.session.expire_all()
        assert db.session.get(Order, order.id).status == OrderStatus.CANCELLED

        page.context.clear_cookies()
        _sign_in(page, live_server.url, "diaodu-b")
        page.goto(f"{live_server.url}/audit/?kind=order")
        row = page.locator("[data-audit-entry]")
        assert row.count() == 1
        text = row.inner_text()
        assert "cunganbu" in text and "取消" in text and "冉光明 尿素 3袋" in text
    finally:
        context.close()
