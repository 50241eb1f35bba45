"""A volunteer's day in a real phone-sized Chromium: mark stops online and offline, come
back online, and every change reaches the server exactly once."""

import re

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import DeliveryStop, StopStatus, StopUpdate
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.browser.conftest import forget_the_session
from tests.days import DAY, allocated_orders

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


@pytest.fixture
def published_run(county):
    allocated_orders(county, [[(county["urea"], 1)], [(county["seed"], 2)], [(county["urea"], 2)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    run = max(plan.runs, key=lambda r: len(r.stops))
    assert len(run.stops) >= 2
    return run


def stop_status(stop_id):
    db.session.expire_all()
    return db.session.get(DeliveryStop, stop_id).status


# True once the page and its day's data are in the service worker's cache.
SAVED_FOR_OFFLINE = """async () => {
    const app = document.getElementById("app");
    const cache = await caches.open(app.dataset.cacheName);
    return Boolean(await cache.match(window.location.pathname))
        && Boolean(await cache.match(app.dataset.dayUrl));
}"""


def test_marks_made_offline_are_sent_once_when_the_signal_returns(
    live_server, phone_page, desktop_page, published_run, backend
):
    token = volunteer_links.token_for(published_run.volunteer)
    first, second = published_run.stops[0], published_run.stops[1]
    page = phone_page
    page.goto(f"{live_server.url}/v/{token}")
    page.wait_for_selector(f'li.stop[data-stop-id="{first.id}"]')
    assert page.locator(".load-list li").count() >= 1
    assert page.locator("li.stop.next").first.get_attribute("data-stop-id") == str(first.id)
    amap = page.locator(f'li.stop[data-stop-id="{first.id}"] .stop-nav a').first.get_attribute(
        "href"
    )
    # Directions to the stop from where the phone is: no start given.
    assert amap.startswith("https://uri.amap.com/navigation?to=") and "from=" not in amap

    # Online: delivered, with who received it.
    stop = page.locator(f'li.stop[data-stop-id="{first.id}"]')
    stop.get_by_role("button", name="送达", exact=True).click()
    stop.locator('input[name="received_by"]').fill("本人")
    stop.get_by_role("button", name="确认送达").click()
    page.wait_for_selector("#pending", state="hidden")
    assert stop_status(first.id) == StopStatus.DELIVERED

    # The phone has saved the page and its day (the service worker's cache, filled once
    # the worker is ready: on a busy machine that can come after the first mark).
    page.wait_for_function(SAVED_FOR_OFFLINE, timeout=20_000)

    # The signal drops: the next stop is marked failed and waits on the phone.
    page.context.set_offline(True)
    stop = page.locator(f'li.stop[data-stop-id="{second.id}"]')
    stop.get_by_role("button", name="未送达", exact=True).click()
    stop.locator('select[name="reason"]').select_option("nobody_home")
    stop.get_by_role("button", name="确认未送达").click()
    page.wait_for_selector("#pending", state="visible")
    assert "待发送 1 条" in page.inner_text("#pending")
    assert stop_status(second.id) == StopStatus.PENDING

    # Reloading offline still shows the day (service worker and saved data).
    page.reload()
    page.wait_for_selector(f'li.stop[data-stop-id="{second.id}"]')
    assert "未送达" in page.inner_text(f'li.stop[data-stop-id="{second.id}"] .stop-status')

    # Back online: the queued change is sent, once.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#pending", state="hidden")
    assert stop_status(second.id) == StopStatus.FAILED
    updates = db.session.scalars(select(StopUpdate).order_by(StopUpdate.id)).all()
    assert [(u.stop_id, u.action, u.outcome) for u in updates] == [
        (first.id, "delivered", "applied"),
        (second.id, "failed", "applied"),
    ]

    # The dispatcher's board counts each change exactly once.
    factories.user(role="dispatcher", username="board-viewer")
    db.session.commit()
    board = desktop_page
    board.goto(f"{live_server.url}/login")
    board.fill('input[name="login"]', "board-viewer")
    board.fill('input[name="password"]', factories.PASSWORD)
    board.click('button[type="submit"]')
    board.goto(f"{live_server.url}/plans/{DAY.isoformat()}/board")
    row = board.locator(f'tr[data-run="{published_run.id}"]')
    assert row.locator('[data-figure="delivered"]').inner_text() == "1"
    assert row.locator('[data-figure="failed"]').inner_text() == "1"
    assert row.locator('[data-figure="remaining"]').inner_text() == str(
        len(published_run.stops) - 2
    )
    assert "家中无人" in row.inner_text()
    # The map is drawn after the page has loaded (board-map.js), this run's line in it.
    drawn = board.locator("[data-board-map] svg")
    drawn.wait_for()
    assert drawn.locator(".map-run").count() == 1
    assert "正在加载地图" not in board.locator("[data-board-map]").inner_text()


def test_a_revoked_link_shows_a_plain_page(live_server, phone_page, published_run, backend):
    volunteer = published_run.volunteer
    old = volunteer_links.token_for(volunteer)
    volunteer_links.revoke(volunteer)
    db.session.commit()
    response = phone_page.goto(f"{live_server.url}/v/{old}")
    assert response.status == 404
    assert "链接无效或已失效" in phone_page.inner_text("body")
    assert phone_page.locator("li.stop").count() == 0


HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]")


def words_the_script_writes(page) -> str:
    """What volunteer.js writes (connection, queue, statuses, run and stop lines) and the
    buttons, without the county's data (names, places, products) that it fills in."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
              '#connection, #pending, #notice, .stop-status, .stop-arrival, .stop-money,'
              + ' .nav-buttons a, button, label')]
            .filter(el => el.getClientRects().length)
            .map(el => el.innerText).join('\\n')"""
    )


def test_the_language_switch_is_remembered_on_the_phone_and_the_script_speaks_it(
    live_server, phone_page, published_run, backend
):
    token = volunteer_links.token_for(published_run.volunteer)
    stop_id = published_run.stops[0].id
    page = phone_page
    page.goto(f"{live_server.url}/v/{token}")
    page.wait_for_selector(f'li.stop[data-stop-id="{stop_id}"]')
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    switch = page.locator("a.lang-switch")
    assert switch.inner_text() == "English" and switch.bounding_box()["height"] >= 40
    switch.click()
    page.wait_for_selector(f'li.stop[data-stop-id="{stop_id}"]')
    assert page.locator("html").get_attribute("lang") == "en"

    # The bare link, opened later without the session's cookie, opens in English.
    forget_the_session(page)
    page.goto(f"{live_server.url}/v/{token}")
    page.wait_for_url("**lang=en")
    page.wait_for_selector(f'li.stop[data-stop-id="{stop_id}"]')
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Online" in page.inner_text("#connection")

    # Offline, what the script writes is English too: the notice, the queue, the status.
    page.context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    stop = page.locator(f'li.stop[data-stop-id="{stop_id}"]')
    stop.get_by_role("button", name="Mark not delivered").click()
    stop.locator('select[name="reason"]').select_option("nobody_home")
    assert not HAN.search(stop.locator('select[name="reason"]').inner_text())
    stop.get_by_role("button", name="Confirm not delivered").click()
    page.wait_for_selector("#pending", state="visible")
    assert "1 waiting to be sent" in page.inner_text("#pending")
    assert "Offline" in page.inner_text("#connection")
    assert "Not delivered" in stop.locator(".stop-status").inner_text()
    written = words_the_script_writes(page)
    assert not HAN.findall(written), written

    # Back online and back to Chinese: the choice is remembered the other way too.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#pending", state="hidden")
    page.locator("a.lang-switch").click()
    page.wait_for_selector(f'li.stop[data-stop-id="{stop_id}"]')
    forget_the_session(page)
    page.goto(f"{live_server.url}/v/{token}")
    page.wait_for_selector(f'li.stop[data-stop-id="{stop_id}"]')
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "未送达" in stop.locator(".stop-status").inner_text()


def test_a_refresh_keeps_the_form_the_volunteer_has_open(live_server, phone_page, published_run):
    """The page redraws every stop when it refreshes: a reason being chosen stays chosen."""
    token = volunteer_links.token_for(published_run.volunteer)
    stop_id = published_run.stops[0].id
    page = phone_page
    page.goto(f"{live_server.url}/v/{token}")
    stop = page.locator(f'li.stop[data-stop-id="{stop_id}"]')
    stop.wait_for()
    page.wait_for_load_state("networkidle")  # the first refresh is done
    stop.locator('[data-action="failed"]').click()
    stop.locator('select[name="reason"]').select_option("nobody_home")
    with page.expect_response(lambda response: "day.json" in response.url):
        page.evaluate("window.dispatchEvent(new Event('online'))")  # sync, then refresh
    page.wait_for_timeout(200)  # the redraw after the answer
    redrawn = page.locator(f'li.stop[data-stop-id="{stop_id}"]')
    assert redrawn.locator(".fail-form").is_visible()
    assert redrawn.locator('select[name="reason"]').input_value() == "nobody_home"
