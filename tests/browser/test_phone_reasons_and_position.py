"""The phone page in Chromium: a failure needs a chosen reason (and a note for "other"),
a dispatcher's correction shows at the next sync, and the position is shared only once
the volunteer turns the switch on."""

import pytest
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import DeliveryStop, StopStatus, StopUpdate, VolunteerPosition
from supply_match.services.delivery import corrections
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


@pytest.fixture
def published_run(county):
    allocated_orders(county, [[(county["urea"], 1)], [(county["seed"], 2)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    return max(plan.runs, key=lambda r: len(r.stops))


def stop_status(stop_id):
    db.session.expire_all()
    return db.session.get(DeliveryStop, stop_id).status


def test_a_failure_needs_a_reason_and_a_correction_reaches_the_phone(
    live_server, phone_page, published_run, backend
):
    token = volunteer_links.token_for(published_run.volunteer)
    first = published_run.stops[0]
    page = phone_page
    page.goto(f"{live_server.url}/v/{token}")
    stop = page.locator(f'li.stop[data-stop-id="{first.id}"]')
    stop.get_by_role("button", name="未送达", exact=True).click()
    assert stop.locator('select[name="reason"]').input_value() == ""
    # A quick "confirm" records nothing: the browser asks for the reason first.
    stop.get_by_role("button", name="确认未送达").click()
    assert page.locator("#pending").is_hidden()
    assert db.session.scalar(select(func.count()).select_from(StopUpdate)) == 0

    stop.locator('select[name="reason"]').select_option("other")
    stop.get_by_role("button", name="确认未送达").click()
    assert "请在备注中说明" in page.inner_text("#notice")
    assert db.session.scalar(select(func.count()).select_from(StopUpdate)) == 0

    stop.locator('input[name="note"]').last.fill("农户外出打工")
    stop.get_by_role("button", name="确认未送达").click()
    page.wait_for_selector("#pending", state="hidden")
    page.wait_for_selector(f'li.stop.failed[data-stop-id="{first.id}"]')
    assert stop_status(first.id) == StopStatus.FAILED

    corrections.correct_stop(factories.user(), first.id, "delivered", None, "电话核实已送达")
    db.session.commit()
    page.reload()
    page.wait_for_selector(f'li.stop[data-stop-id="{first.id}"] .stop-correction')
    text = page.inner_text(f'li.stop[data-stop-id="{first.id}"]')
    assert "调度员已更正：电话核实已送达" in text
    assert page.locator(f'li.stop[data-stop-id="{first.id}"] .undo').is_hidden()


def test_the_position_is_shared_only_after_the_switch_is_turned_on(
    live_server, phone_page, published_run, backend
):
    page = phone_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 29.3051, "longitude": 108.1852, "accuracy": 9})
    token = volunteer_links.token_for(published_run.volunteer)
    page.goto(f"{live_server.url}/v/{token}")
    switch = page.locator("#share-position")
    assert not switch.is_checked()
    page.wait_for_timeout(1500)
    assert db.session.scalar(select(func.count()).select_from(VolunteerPosition)) == 0

    switch.check()
    remembered = "window.localStorage.getItem('supply-match-share-position')"
    assert page.evaluate(remembered) == "true"
    for _ in range(50):
        db.session.expire_all()
        if db.session.scalar(select(VolunteerPosition)):
            break
        page.wait_for_timeout(200)
    kept = db.session.scalar(select(VolunteerPosition))
    assert kept is not None and (round(kept.lat, 4), round(kept.lon, 4)) == (29.3051, 108.1852)

    page.reload()  # remembered by the phone
    assert page.locator("#share-position").is_checked()


def baidu_link_followed(page, stop_id) -> str:
    """The Baidu link of a stop as the phone follows it (the navigation itself stopped)."""
    return page.evaluate(
        """(stopId) => {
            const link = [...document.querySelectorAll(
                `li.stop[data-stop-id="${stopId}"] .stop-nav a`)].find(
                (a) => a.href.startsWith("https://api.map.baidu.com/"));
            const stay = (event) => event.preventDefault();
            document.addEventListener("click", stay);
            link.click();
            document.removeEventListener("click", stay);
            return link.href;
        }""",
        stop_id,
    )


def test_baidu_directions_start_at_the_stop_before_or_where_the_phone_is(
    live_server, phone_page, published_run, backend
):
    from urllib.parse import parse_qs, urlsplit

    first, second = published_run.stops[0], published_run.stops[1]
    page = phone_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 29.3051, "longitude": 108.1852, "accuracy": 9})
    page.goto(f"{live_server.url}/v/{volunteer_links.token_for(published_run.volunteer)}")
    page.wait_for_selector(f'li.stop[data-stop-id="{second.id}"]')

    # Not sharing its position: from the outlet to the first stop, from it to the second.
    for stop, start in ((first, published_run.outlet.name), (second, first.household.name)):
        query = parse_qs(urlsplit(baidu_link_followed(page, stop.id)).query)
        assert urlsplit(baidu_link_followed(page, stop.id)).path == "/direction"
        assert query["origin"][0].endswith(f"|name:{start}")
        assert query["destination"][0].endswith(f"|name:{stop.household.name}")
        assert query["coord_type"] == ["bd09ll"] and query["mode"] == ["driving"]

    # Sharing: from where the phone is, in the phone's own coordinates.
    page.locator("#share-position").check()
    page.wait_for_function("() => localStorage.getItem('supply-match-share-position') === 'true'")
    for _ in range(50):
        query = parse_qs(urlsplit(baidu_link_followed(page, second.id)).query)
        if query["coord_type"] == ["wgs84"]:
            break
        page.wait_for_timeout(200)
    assert query["origin"] == ["latlng:29.3051,108.1852|name:我的位置"]
    assert query["destination"] == [
        f"latlng:{second.lat},{second.lon}|name:{second.household.name}"
    ]
