"""The phone endpoint checks each change: field types and lengths, a plan version named;
it answers an unknown stop and another volunteer's stop alike, and limits how often a
link may post."""

import pytest
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import LinkPostCount, StopUpdate
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests.days import DAY, allocated_orders
from tests.delivery.test_volunteer_routes import change


@pytest.fixture
def day(county):
    allocated_orders(county, [[(county["urea"], 6)], [(county["urea"], 6)], [(county["seed"], 4)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    assert len(plan.runs) == 2
    return plan


def _post(client, run, *changes):
    token = volunteer_links.token_for(run.volunteer)
    return client.post(f"/v/{token}/updates", json={"changes": list(changes)})


@pytest.mark.parametrize(
    "odd",
    [
        {"note": "备注" * 50_000},
        {"note": {"text": "x"}},
        {"received_by": ["本人"]},
        {"received_by": "张" * 33},
        {"change_id": "c" * 65},
        {"change_id": {"id": 1}},
        {"stop_id": "1"},
        {"stop_id": 2**64},
        {"plan_version": None},
        {"plan_version": "1"},
        {"plan_version": True},
        {"action": "teleported"},
    ],
)
def test_a_change_with_an_odd_field_is_invalid_and_changes_nothing(client, day, odd):
    run = day.runs[0]
    body = change(run.stops[0], "odd-1", received_by="本人")
    body.update(odd)
    answer = _post(client, run, body)
    assert answer.status_code == 200
    assert answer.get_json()["results"][0]["outcome"] == "invalid"
    db.session.expire_all()
    assert run.stops[0].status == "pending"
    assert db.session.scalar(select(func.count()).select_from(StopUpdate)) == 0


def test_a_change_naming_no_plan_version_is_refused(client, day):
    run = day.runs[0]
    body = change(run.stops[0], "no-version")
    del body["plan_version"]
    assert _post(client, run, body).get_json()["results"][0]["outcome"] == "invalid"
    db.session.expire_all()
    assert run.stops[0].status == "pending"


def test_an_unknown_stop_and_another_volunteers_stop_get_the_same_answer(client, day):
    mine, theirs = day.runs
    other = change(theirs.stops[0], "theirs-1")
    unknown = dict(change(mine.stops[0], "unknown-1"), stop_id=theirs.stops[0].id + 10_000)
    other_answer, unknown_answer = _post(client, mine, other, unknown).get_json()["results"]
    del other_answer["change_id"], unknown_answer["change_id"]
    assert other_answer == unknown_answer
    assert other_answer["outcome"] == "conflict"
    db.session.expire_all()
    assert theirs.stops[0].status == "pending"


# SQLite lets one writer in at a time: its first UPDATE holds the other tab back until
# it commits, so the race is PostgreSQL's (and any server database's).
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_post_is_counted_when_another_opens_the_minute_between_its_two_reads(
    app, day, monkeypatch, backend
):
    """Two tabs post as a minute begins: this one finds no row to count on, the other
    then opens the minute's row, and this one must count on it, not be refused as if
    the minute were full (the two-tab test met that 429)."""
    from sqlalchemy.orm import Session

    volunteer = day.runs[0].volunteer
    count_in_window = volunteer_links._count_in_window
    calls = []

    def the_other_tab_opens_the_minute(volunteer_id, window, limit):
        calls.append(window)
        if len(calls) == 1:
            counted = count_in_window(volunteer_id, window, limit)
            with Session(db.engine) as other:  # the other tab, committed in between
                other.add(LinkPostCount(volunteer_id=volunteer_id, window_start=window, posts=1))
                other.commit()
            return counted
        return count_in_window(volunteer_id, window, limit)

    monkeypatch.setattr(volunteer_links, "_count_in_window", the_other_tab_opens_the_minute)
    assert volunteer_links.count_post(volunteer, limit=30) is True
    assert db.session.scalar(select(LinkPostCount.posts)) == 2  # both posts counted


def test_a_link_posting_too_often_is_answered_429_by_a_counter_in_the_database(app, client, day):
    app.config["VOLUNTEER_POSTS_PER_MINUTE"] = 3
    run = day.runs[0]
    answers = [_post(client, run, change(run.stops[0], f"often-{n}")).status_code for n in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert db.session.scalar(select(LinkPostCount.posts)) == 3
    # The other volunteer's link has its own count.
    other = day.runs[1]
    assert _post(client, other, change(other.stops[0], "other-1")).status_code == 200
