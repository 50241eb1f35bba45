"""Actions that cannot be undone, on a phone with JavaScript off, ask first on a page
naming the goods; going back changes nothing, confirming does it. A cadre cancels an order
(the dispatcher finds the cancel in the audit log); an outlet's staff hand a run over with
a shortage and take a failed stop's goods back."""

import pytest

from supply_match.extensions import db
from supply_match.models import Order, OrderStatus, Role
from tests import factories
from tests.browser.conftest import PHONE, forget_the_session

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

        forget_the_session(page)
        _sign_in(page, live_server.url, "diaodu-b")
        page.goto(f"{live_server.url}/audit/?kind=order")
        row = page.locator("[data-audit-entry]")
        assert row.count() == 1
        text = row.inner_text()
        assert "cunganbu" in text and "取消" in text and "冉光明 尿素 3袋" in text
    finally:
        context.close()


def test_a_short_hand_over_and_goods_back_ask_first_without_javascript(
    live_server, browser, county, backend
):
    """On the outlet's phone: a hand-over with a shortage, then a failed stop's goods taken
    back. Each asks on a page naming the goods that fits the phone; going back changes
    nothing, the page's button records it."""
    from sqlalchemy import select

    from supply_match.models import GoodsReturn, RunHandover, StockChange, StockChangeKind
    from supply_match.services.delivery import phone_updates
    from supply_match.services.planning.day import PlanningSettings, plan_day
    from supply_match.services.planning.publishing import publish
    from tests.days import DAY, allocated_orders

    outlet, urea = county["outlet"], county["urea"]
    allocated_orders(county, [[(urea, 2)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    factories.user(Role.OUTLET_STAFF, username="dianyuan", outlet_id=outlet.id)
    db.session.commit()
    run = plan.runs[0]
    stop = run.stops[0]
    day_url = f"{live_server.url}/outlets/{outlet.id}/days/{DAY.isoformat()}"
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)

    def fits_the_phone() -> bool:
        return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    def hand_over_one_bag_short() -> None:
        form = page.locator(f'section[data-run="{run.id}"] form[data-form="handover"]')
        form.locator(f'input[name="short-{urea.id}"]').fill("1")
        form.locator('input[name="checked"]').check()
        form.get_by_role("button", name="确认交接").click()
        page.wait_for_selector("[data-shortages]")

    try:
        _sign_in(page, live_server.url, "dianyuan")
        page.goto(day_url)
        hand_over_one_bag_short()
        assert "尿素 1袋" in page.inner_text("[data-shortages]")
        assert "不能恢复" in page.inner_text("main") and fits_the_phone()
        page.get_by_role("link", name="不，修改缺货").click()
        page.wait_for_selector(f'section[data-run="{run.id}"] form[data-form="handover"]')
        db.session.expire_all()
        assert db.session.query(RunHandover).count() == 0

        hand_over_one_bag_short()
        page.get_by_role("button", name="确定按这些缺货交接").click()
        page.wait_for_selector(f'section[data-run="{run.id}"] [data-handover="short"]')
        db.session.expire_all()
        assert db.session.scalar(select(RunHandover)).shortages[0].missing == 1

        change = {"change_id": "b-failed", "stop_id": stop.id, "action": "failed",
                  "reason": "nobody_home", "plan_version": plan.version}  # fmt: skip
        assert phone_updates.apply_from_phone(run.volunteer, change)["outcome"] == "applied"
        db.session.commit()
        returned_rows = select(StockChange).where(StockChange.kind == StockChangeKind.RETURNED)
        page.goto(day_url)
        page.locator(f'li[data-stop="{stop.id}"]').get_by_role("link", name="货物已退回").click()
        page.wait_for_selector("[data-goods]")
        assert "尿素 2袋" in page.inner_text("[data-goods]")
        assert "不能恢复" in page.inner_text("main") and fits_the_phone()
        page.get_by_role("link", name="不，返回").click()
        page.wait_for_selector(f'li[data-stop="{stop.id}"]')
        db.session.expire_all()
        assert db.session.query(GoodsReturn).count() == 0
        assert db.session.scalars(returned_rows).all() == []

        page.locator(f'li[data-stop="{stop.id}"]').get_by_role("link", name="货物已退回").click()
        page.get_by_role("button", name="确定货物已退回").click()
        page.wait_for_selector(f'li[data-stop="{stop.id}"] [data-returned="yes"]')
        db.session.expire_all()
        assert db.session.query(GoodsReturn).count() == 1
        assert len(db.session.scalars(returned_rows).all()) == len(stop.items)
    finally:
        context.close()
