"""A household's page on a 375 px phone with JavaScript off: large type, nothing scrolling
sideways, the time window and the volunteer's number to tap; English on request. And the
cadre's copy button puts the ready text on the clipboard."""

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import DeliveryStop, Role, StopItem
from supply_match.services.delivery import household_page
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import sign_in
from tests.days import DAY, allocated_orders

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

MIN_FONT_PX = 17
MIN_TAP_PX = 40


@pytest.fixture
def published_order(county):
    orders = allocated_orders(county, [[(county["urea"], 2)], [(county["seed"], 4)]])
    publish(plan_day(DAY, PlanningSettings(solution_limit=30)))
    factories.user(
        Role.CADRE, villages=[county["village"]], username="cunganbu", mobile="13800000021"
    )
    db.session.commit()
    return orders[0]


def test_the_household_page_reads_on_a_phone_without_script(
    browser, live_server, published_order, backend
):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        stop = db.session.scalar(
            select(DeliveryStop)
            .join(StopItem, StopItem.stop_id == DeliveryStop.id)
            .where(StopItem.order_id == published_order.id)
        )
        start, end = household_page.arrival_window(stop.arrival_s, stop.run.start_s)
        token = household_page.token_for(published_order.household)
        response = page.goto(f"{live_server.url}/h/{token}")
        assert response.status == 200
        window = page.inner_text(".coming-window")
        assert (
            window
            == f"{start // 3600:02d}:{start % 3600 // 60:02d}–{end // 3600:02d}:{end % 3600 // 60:02d}"
        )
        assert stop.run.volunteer.name in page.inner_text(".coming")
        measured = page.evaluate(
            """() => ({
              wide: document.documentElement.scrollWidth,
              font: parseFloat(getComputedStyle(document.body).fontSize),
              calls: [...document.querySelectorAll('a.call')].map(a => a.getBoundingClientRect().height),
              windowFont: parseFloat(getComputedStyle(document.querySelector('.coming-window')).fontSize),
            })"""
        )
        assert measured["wide"] <= PHONE["width"]
        assert measured["font"] >= MIN_FONT_PX and measured["windowFont"] >= 24
        assert measured["calls"] and min(measured["calls"]) >= MIN_TAP_PX
        assert page.locator('a.call[href="tel:13800000021"]').count() == 1  # the cadre
        page.screenshot(path="/tmp/household-page-375.png", full_page=True)
        page.get_by_role("link", name="English").click()
        page.wait_for_load_state()
        assert "Coming next" in page.inner_text("body")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_the_cadre_copies_the_text_to_send(browser, live_server, published_order, backend):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "cunganbu")
        page.goto(f"{live_server.url}/households/{published_order.household_id}/link")
        expected = page.input_value("#share-text")
        assert expected.startswith("您的化肥预计3月3日") and "/h/" in expected
        page.get_by_role("button", name="复制文字").click()
        page.wait_for_function(
            "document.querySelector('[data-copy=share-text]').textContent === '已复制'"
        )
        assert page.evaluate("navigator.clipboard.readText()") == expected
    finally:
        context.close()
