"""A dispatcher plans a day, publishes it and opens the route sheets, in real Chromium."""

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Order, OrderStatus
from supply_match.queue import work_one
from tests import factories
from tests.days import DAY, allocated_orders

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def test_plan_publish_and_open_route_sheets(live_server, desktop_page, county, backend):
    allocated_orders(county, [[(county["urea"], 6)], [(county["urea"], 6)], [(county["seed"], 4)]])
    factories.user(role="dispatcher", username="diaodu-b")
    db.session.commit()
    page = desktop_page

    page.goto(f"{live_server.url}/login")
    page.fill('input[name="login"]', "diaodu-b")
    page.fill('input[name="password"]', factories.PASSWORD)
    page.click('button[type="submit"]')
    page.goto(f"{live_server.url}/plans/{DAY.isoformat()}")
    assert page.inner_text('[data-figure="orders"]') == "3"
    page.get_by_role("button", name="开始规划").click()
    page.wait_for_url("**/plans/jobs/*")
    assert page.locator("progress").count() == 1

    assert work_one(live_server.app.extensions["queue"])  # the background worker's turn
    page.wait_for_url(f"**/plans/{DAY.isoformat()}", timeout=15_000)  # the page refreshes itself
    assert page.locator("svg.run-map polyline").count() >= 1
    runs = int(page.inner_text('[data-figure="runs"]'))
    assert runs >= 1

    # Pointing at a run's row shows that run alone on the map; the others fade.
    row = page.locator(".run-overview tr[data-run]").first
    key = row.get_attribute("data-run")
    row.hover()
    assert page.locator("[data-plan-map] svg").get_attribute("data-highlight") == key
    for group in page.locator("svg .map-run").all():
        opacity = group.evaluate("g => getComputedStyle(g).opacity")
        expected = "1" if group.get_attribute("data-run") == key else "0.15"
        assert opacity == expected
    page.mouse.move(0, 0)
    assert page.locator("[data-plan-map] svg").get_attribute("data-highlight") is None

    page.get_by_role("button", name="发布").click()
    assert "已发布第 1 版" in page.inner_text(".flashes")
    db.session.expire_all()
    scheduled = db.session.scalars(select(Order).where(Order.status == OrderStatus.SCHEDULED)).all()
    assert scheduled

    page.get_by_role("link", name="打印配送单").click()
    assert page.locator("section.sheet").count() == runs
    names = {v.name for v in county["volunteers"]}
    assert any(name in page.inner_text("body") for name in names)
    assert page.locator("section.sheet svg").count() >= 2 * runs  # QR code and map per sheet
