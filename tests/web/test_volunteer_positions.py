"""Volunteers' positions, shared with consent: checked on the way in, at most one kept per
half minute, one row per volunteer, shown on the board, deleted after the day."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import VolunteerPosition
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.delivery import positions
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders

# 09:00 in the county (UTC+8) on the delivery day.
NINE_AM_UTC = datetime.combine(DAY, datetime.min.time()) + timedelta(hours=1)


@pytest.fixture
def plan(app, county):
    app.config["CLOCK_NOW"] = NINE_AM_UTC
    allocated_orders(county, [[(county["urea"], 2)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    return plan


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(VolunteerPosition))


@pytest.mark.parametrize(
    "odd",
    [
        None,
        "29.3,108.2",
        {"lat": "29.3", "lon": 108.2},
        {"lat": True, "lon": 108.2},
        {"lat": 91, "lon": 108.2},
        {"lat": 29.3, "lon": -181},
        {"lat": float("nan"), "lon": 108.2},
        {"lat": 29.3},
        {"lat": 29.3, "lon": 108.2, "accuracy_m": -1},
        {"lat": 29.3, "lon": 108.2, "accuracy_m": "10"},
    ],
)
def test_an_odd_position_is_refused(plan, odd):
    assert positions.record_from_phone(plan.runs[0].volunteer, odd) == "invalid"
    assert rows() == 0


def test_one_position_per_half_minute_and_one_row_per_volunteer(app, plan):
    volunteer = plan.runs[0].volunteer
    assert positions.record_from_phone(volunteer, {"lat": 29.3, "lon": 108.2}) == "kept"
    assert positions.record_from_phone(volunteer, {"lat": 29.4, "lon": 108.2}) == "too_soon"
    app.config["CLOCK_NOW"] = NINE_AM_UTC + timedelta(seconds=positions.MIN_INTERVAL_S)
    moved = {"lat": 29.31, "lon": 108.21, "accuracy_m": 12.4}
    assert positions.record_from_phone(volunteer, moved) == "kept"
    assert rows() == 1
    seen = positions.positions_for_plan(plan)[volunteer.id]
    assert (seen.lat, seen.lon, seen.accuracy_m) == (29.31, 108.21, 12)


def test_yesterdays_positions_are_deleted(app, plan):
    volunteer = plan.runs[0].volunteer
    other = factories.volunteer(township=plan.runs[0].volunteer.township)
    db.session.commit()
    positions.record_from_phone(volunteer, {"lat": 29.3, "lon": 108.2})
    positions.record_from_phone(other, {"lat": 29.3, "lon": 108.2})
    # 23:59 the same county day: still kept.
    app.config["CLOCK_NOW"] = NINE_AM_UTC + timedelta(hours=14, minutes=59)
    assert positions.forget_old_positions() == 0 and rows() == 2
    # 00:01 the next county day (16:01 UTC): gone, and the board shows none.
    app.config["CLOCK_NOW"] = NINE_AM_UTC + timedelta(hours=15, minutes=1)
    assert positions.positions_for_plan(plan) == {}
    assert positions.forget_old_positions() == 2 and rows() == 0


def test_the_phone_posts_its_position_alone_or_with_marks(app, client, plan):
    token = volunteer_links.token_for(plan.runs[0].volunteer)
    answer = client.post(
        f"/v/{token}/updates", json={"changes": [], "position": {"lat": 29.3, "lon": 108.2}}
    )
    assert answer.status_code == 200 and answer.get_json()["position"] == "kept"
    odd = client.post(f"/v/{token}/updates", json={"changes": [], "position": {"lat": "x"}})
    assert odd.get_json()["position"] == "invalid"
    assert client.post(f"/v/{token}/updates", json={"changes": []}).status_code == 422


def test_the_board_shows_where_each_volunteer_was_seen(app, client, auth, plan):
    volunteer = plan.runs[0].volunteer
    positions.record_from_phone(volunteer, {"lat": 29.305, "lon": 108.185, "accuracy_m": 8})
    factories.user(role="dispatcher", username="diaodu-map")
    db.session.commit()
    auth.login("diaodu-map")
    board = client.get(f"/plans/{DAY.isoformat()}/board").get_data(as_text=True)
    assert "29.30500, 108.18500" in board and "(±8 m)" in board
    # The map is fetched after the page (board-map.js): the page names where to ask.
    map_url = f"/plans/{DAY.isoformat()}/board/map.json"
    assert f'data-board-map="{map_url}"' in board and 'class="person"' not in board
    drawn = client.get(map_url)
    assert drawn.headers["Cache-Control"] == "no-store"
    assert drawn.get_json()["svg"].count('class="person"') == 1
