"""The delivery day as it really goes, in Chromium: a published day, two stops delivered
from the volunteer's phone, then the dispatcher withdraws that volunteer (asked first,
naming the stops that move), the worker re-plans, the dispatcher accepts the proposal;
the remaining stops are on the other run, the two delivered stay, both volunteers' phones
show what changed, and the audit log holds every step."""

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import AuditEntry, DeliveryPlan, DeliveryStop, StopStatus
from supply_match.queue import work_one
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]
TEN_AM_UTC = "2020-03-03T02:00:00"  # 10:00 in Pengshui


@pytest.fixture
def published_day(county):
    allocated_orders(county, [[(county["urea"], 2)]] * 6)
    plan = plan_day(DAY, PlanningSettings(solution_limit=30, second_trips=False))
    publish(plan)
    factories.user(role="dispatcher", username="diaodu-w")
    db.session.commit()
    busy = max(plan.runs, key=lambda r: len(r.stops))
    other = next(r for r in plan.runs if r is not busy)
    assert len(busy.stops) >= 3
    return plan, busy, other


def deliver_on_the_phone(page, stop_id):
    stop = page.locator(f'li.stop[data-stop-id="{stop_id}"]')
    stop.get_by_role("button", name="送达", exact=True).click()
    stop.get_by_role("button", name="确认送达").click()
    page.wait_for_selector("#pending", state="hidden")


def test_withdrawing_a_volunteer_after_two_deliveries(
    live_server, phone_page, desktop_page, published_day, backend
):
    plan, busy, other = published_day
    live_server.app.config["CLOCK_NOW"] = TEN_AM_UTC
    delivered = [s.id for s in busy.stops[:2]]
    moving = {s.id: s.label for s in busy.stops[2:]}
    busy_volunteer, other_volunteer = busy.volunteer, other.volunteer

    phone = phone_page
    phone.goto(f"{live_server.url}/v/{volunteer_links.token_for(busy_volunteer)}")
    phone.wait_for_selector(f'li.stop[data-stop-id="{delivered[0]}"]')
    for stop_id in delivered:
        deliver_on_the_phone(phone, stop_id)

    desk = desktop_page
    desk.goto(f"{live_server.url}/login")
    desk.fill('input[name="login"]', "diaodu-w")
    desk.fill('input[name="password"]', factories.PASSWORD)
    desk.click('button[type="submit"]')
    desk.goto(f"{live_server.url}/plans/{DAY.isoformat()}")
    desk.click(f'a[data-withdraw="{busy_volunteer.id}"]')
    # Asked first, naming every stop that will move.
    asked = desk.inner_text("ol.moving-stops")
    assert all(label in asked for label in moving.values())
    desk.get_by_role("button", name="退出并重新规划").click()
    desk.wait_for_selector(".job")
    with live_server.app.app_context():
        assert work_one(live_server.app.extensions["queue"]) is True
    desk.reload()
    assert desk.locator('[data-warning="serves-fewer"]').count() == 0
    assert (
        desk.locator('tr[data-figure="stops"] td').all_inner_texts()
        == [str(sum(len(r.stops) for r in plan.runs))] * 2
    )
    desk.get_by_role("button", name="采纳并发布").click()
    desk.wait_for_selector("text=第 2 版已发布")

    db.session.expire_all()
    stops = {s.id: s for s in db.session.scalars(select(DeliveryStop))}
    assert all(
        stops[i].run_id == busy.id and stops[i].status == StopStatus.DELIVERED for i in delivered
    )
    assert all(stops[i].run_id == other.id for i in moving)
    assert db.session.get(DeliveryPlan, plan.id).version == 2

    # The other volunteer's phone shows what came on their run; the withdrawn one's what left.
    phone.goto(f"{live_server.url}/v/{volunteer_links.token_for(other_volunteer)}")
    phone.wait_for_selector(".run-change:not([hidden])")
    notice = phone.inner_text(".run-change")
    assert "新增" in notice and all(label in notice for label in moving.values())
    phone.goto(f"{live_server.url}/v/{volunteer_links.token_for(busy_volunteer)}")
    phone.wait_for_selector(".run-change:not([hidden])")
    assert "调走" in phone.inner_text(".run-change")

    # Every step in the audit log, in order: publishing, the two marks from the phone,
    # the dispatcher's question, the withdrawal and the day's new version.
    entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    steps = [(e.action, e.record_id) for e in entries]
    marks = [steps.index(("phone_delivered", stop_id)) for stop_id in delivered]
    published = steps.index(("published", plan.id))
    asked = [a for a, _ in steps].index("withdraw_asked")
    withdrawn = [a for a, _ in steps].index("withdrawn")
    changed = [a for a, _ in steps].index("day_changed")
    assert published < marks[0] < marks[1] < asked < withdrawn <= changed
    assert busy_volunteer.name in entries[marks[0]].actor_name  # "志愿者 王7"
    assert entries[asked].actor_name and busy_volunteer.name not in entries[asked].actor_name
