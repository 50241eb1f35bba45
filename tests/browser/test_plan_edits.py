"""A dispatcher moves and locks stops on the plan page, in real Chromium: each run has one
move form, its stop chosen by a radio button in the run's table, and every lock button
posts one shared form to its own address."""

import pytest

from supply_match.extensions import db
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def test_choosing_a_stop_moves_it_last_and_a_lock_button_locks_its_stop(
    live_server, desktop_page, county, backend
):
    allocated_orders(
        county,
        [[(county["urea"], 2)], [(county["urea"], 2)], [(county["seed"], 2)]],
    )
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    factories.user(role="dispatcher", username="diaodu-m")
    db.session.commit()
    run = max(plan.runs, key=lambda r: len(r.stops))
    assert len(run.stops) >= 2, "the day needs a run of two stops to reorder"
    first, last_before = run.stops[0], run.stops[-1]

    page = desktop_page
    page.goto(f"{live_server.url}/login")
    page.fill('input[name="login"]', "diaodu-m")
    page.fill('input[name="password"]', factories.PASSWORD)
    page.click('button[type="submit"]')
    page.goto(f"{live_server.url}/plans/{DAY.isoformat()}")
    section = page.locator(f"#run-{run.id}")
    section.locator("summary").click()

    # No position typed: the chosen stop goes to the end of the run chosen (its own here).
    section.locator("tbody tr").first.get_by_label("移动此站").check()
    section.locator("form.move").get_by_role("button", name="移动").click()
    assert "站点已移动" in page.inner_text(".flashes")
    db.session.expire_all()
    assert [s.id for s in run.stops][-1] == first.id
    assert run.stops[0].id != first.id

    section = page.locator(f"#run-{run.id}")
    section.locator("summary").click()
    row = section.locator("tbody tr").filter(has_text=last_before.label)
    row.get_by_role("button", name="锁定").click()
    db.session.expire_all()
    assert last_before.locked and not first.locked
    # A locked stop cannot be chosen to move.
    section = page.locator(f"#run-{run.id}")
    section.locator("summary").click()
    row = section.locator("tbody tr").filter(has_text=last_before.label)
    assert row.locator('input[type="radio"]').count() == 0
