"""Every "today" and every clock time is the county's: with the server's clock at
2020-03-19 20:30 UTC it is already 04:30 on the 20th in Pengshui."""

from datetime import datetime

import pytest

from supply_match.extensions import db
from supply_match.services.county import settings as county_settings
from supply_match.services.delivery import phone_updates as delivery
from supply_match.services.planning.day import PlanningSettings, plan_day
from supply_match.services.planning.publishing import publish
from tests import factories
from tests.county.conftest import settings_values
from tests.days import DAY, allocated_orders

SERVER_CLOCK = datetime(2020, 3, 19, 20, 30)  # UTC: 04:30 on 2020-03-20 in Asia/Shanghai


@pytest.fixture
def late_evening_utc(app, pengshui):
    app.config["CLOCK_NOW"] = SERVER_CLOCK


def test_the_order_form_proposes_the_countys_date(app, client, auth, late_evening_utc):
    village = factories.village()
    factories.user("cadre", username="cadre1", villages=[village])
    db.session.commit()
    auth.login("cadre1")
    page = client.get("/intake/orders/new").get_data(as_text=True)
    assert 'value="2020-03-20"' in page
    assert 'value="2020-03-19"' not in page


def test_the_board_shows_the_countys_clock_time(app, client, auth, county, late_evening_utc):
    allocated_orders(county, [[(county["urea"], 2)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    run = plan.runs[0]
    delivery.apply_stop_update(
        run.volunteer, change_id="tz-1", stop_id=run.stops[0].id, action="delivered",
        plan_version=plan.version,
    )  # fmt: skip
    db.session.commit()
    factories.user("dispatcher", username="disp1")
    db.session.commit()
    auth.login("disp1")
    board = client.get(f"/plans/{DAY.isoformat()}/board").get_data(as_text=True)
    assert "04:30" in board
    assert "20:30" not in board


def test_another_time_zone_moves_both(app, client, auth, late_evening_utc):
    county_settings.save_settings(**settings_values(time_zone="Europe/London"))
    village = factories.village()
    factories.user("cadre", username="cadre1", villages=[village])
    db.session.commit()
    auth.login("cadre1")
    page = client.get("/intake/orders/new").get_data(as_text=True)
    assert 'value="2020-03-19"' in page


def test_the_delivery_days_list_starts_on_the_countys_today(app, client, auth, late_evening_utc):
    factories.user("dispatcher", username="disp1")
    db.session.commit()
    auth.login("disp1")
    page = client.get("/plans/").get_data(as_text=True)
    assert "2020-03-20" in page
