"""The dispatcher's correction page: reached from the board, one small form per stop, a
note required; nothing changes on a refused form; other roles cannot open it."""

import pytest

from supply_match.extensions import db
from supply_match.models import DeliveryStop, Order, OrderStatus, StopStatus
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders


@pytest.fixture
def published(county):
    allocated_orders(county, [[(county["urea"], 2)], [(county["seed"], 3)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    return plan


@pytest.fixture
def dispatcher(auth):
    user = factories.user(role="dispatcher", username="diaodu-fix")
    db.session.commit()
    auth.login("diaodu-fix")
    return user


def test_the_board_leads_to_each_runs_stops_and_shows_progress(client, dispatcher, published):
    board = client.get(f"/plans/{DAY.isoformat()}/board").get_data(as_text=True)
    run = published.runs[0]
    assert f"/plans/{DAY.isoformat()}/runs/{run.id}/stops" in board
    assert board.count('data-figure="progress"') == len(published.runs)
    plan_page = client.get(f"/plans/{DAY.isoformat()}").get_data(as_text=True)
    assert f"/plans/{DAY.isoformat()}/runs/{run.id}/stops" in plan_page
    page = client.get(f"/plans/{DAY.isoformat()}/runs/{run.id}/stops")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('class="correct-form"') == len(run.stops)


def test_a_correction_without_a_note_changes_nothing(client, dispatcher, published):
    stop = published.runs[0].stops[0]
    response = client.post(
        f"/plans/{DAY.isoformat()}/stops/{stop.id}/correct",
        data={"status": "failed", "reason": "refused", "note": ""},
        follow_redirects=True,
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(DeliveryStop, stop.id).status == StopStatus.PENDING
    assert "请" in response.get_data(as_text=True)  # the refusal is said, in Chinese


def test_a_correction_through_the_page_applies_its_reason(client, dispatcher, published):
    stop = published.runs[0].stops[0]
    order_ids = {item.order_id for item in stop.items}
    response = client.post(
        f"/plans/{DAY.isoformat()}/stops/{stop.id}/correct",
        data={"status": "failed", "reason": "refused", "note": "农户来电拒收"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    corrected = db.session.get(DeliveryStop, stop.id)
    assert corrected.status == StopStatus.FAILED and corrected.correction_note == "农户来电拒收"
    assert {db.session.get(Order, i).status for i in order_ids} == {OrderStatus.CANCELLED}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "农户来电拒收" in page


def test_a_stop_of_another_day_is_not_found(client, dispatcher, published):
    stop = published.runs[0].stops[0]
    response = client.post(
        f"/plans/2020-03-04/stops/{stop.id}/correct",
        data={"status": "delivered", "note": "x"},
    )
    assert response.status_code == 404
    assert client.get("/plans/2020-03-04/runs/999999/stops").status_code == 404


def test_a_cadre_cannot_correct(client, auth, published):
    factories.user(role="cadre", username="cun-fix")
    db.session.commit()
    auth.login("cun-fix")
    stop = published.runs[0].stops[0]
    response = client.post(
        f"/plans/{DAY.isoformat()}/stops/{stop.id}/correct",
        data={"status": "delivered", "note": "x"},
    )
    assert response.status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(DeliveryStop, stop.id).status == StopStatus.PENDING


def test_the_cadre_is_told_of_a_refusal_and_only_their_own(client, auth, county, published):
    from supply_match.services.delivery import corrections

    stop = published.runs[0].stops[0]
    order_id = stop.items[0].order_id
    corrections.correct_stop(factories.user(), stop.id, "failed", "refused", "农户来电拒收")
    factories.user(role="cadre", username="cun-told", villages=[county["village"]])
    other = factories.village(township=county["township"], lat=29.4, lon=108.3)
    factories.user(role="cadre", username="cun-other", villages=[other])
    db.session.commit()
    auth.login("cun-told")
    home = client.get("/cadre/").get_data(as_text=True)
    assert 'data-failed-deliveries="1"' in home and f'data-order="{order_id}"' in home
    assert "农户拒收" in home and "已取消" in home
    auth.logout()
    auth.login("cun-other")
    assert "data-failed-deliveries" not in client.get("/cadre/").get_data(as_text=True)
