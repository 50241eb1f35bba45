"""Irreversible actions ask first, naming what will happen, and act only once confirmed:
cancelling an order, renewing a volunteer's link, deactivating a volunteer or an account.
Each confirmation is a page with a form, so it works without JavaScript."""

from datetime import date, datetime

from supply_match.extensions import db
from supply_match.models import (
    AuditEntry,
    DeliveryPlan,
    DeliveryRun,
    Order,
    OrderStatus,
    User,
    Volunteer,
)
from supply_match.services.delivery import links
from tests import factories


def _actions(kind: str) -> list[str]:
    db.session.expire_all()
    return [e.action for e in db.session.query(AuditEntry).filter_by(kind=kind)]


def test_the_order_page_links_to_a_cancel_page_that_names_the_goods(client, auth, county_people):
    order = county_people.order_a
    auth.login("cadre_a")
    detail = client.get(f"/orders/{order.id}?lang=en").get_data(as_text=True)
    assert f'href="/orders/{order.id}/cancel"' in detail
    assert f'action="/orders/{order.id}/cancel"' not in detail  # no one-tap form
    asked = client.get(f"/orders/{order.id}/cancel?lang=en").get_data(as_text=True)
    assert "张甲户" in asked and "This cannot be undone" in asked
    assert order.lines[0].product.name in asked


def test_an_unconfirmed_cancel_only_asks(client, auth, county_people):
    order_id = county_people.order_a.id
    auth.login("cadre_a")
    answer = client.post(f"/orders/{order_id}/cancel")
    assert answer.status_code == 200
    assert 'name="confirm" value="1"' in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.SUBMITTED
    assert _actions("order") == []
    client.post(f"/orders/{order_id}/cancel", data={"confirm": "1"})
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.CANCELLED
    assert _actions("order") == ["cancelled"]


def _published_run_today(app, volunteer: Volunteer) -> None:
    app.config["CLOCK_NOW"] = datetime(2020, 3, 16, 1, 0)  # 09:00 in the county
    outlet = factories.outlet(volunteer.township)
    plan = DeliveryPlan(delivery_date=date(2020, 3, 16), status="published", version=1)
    plan.runs.append(DeliveryRun(volunteer_id=volunteer.id, outlet_id=outlet.id, trip=2))
    db.session.add(plan)
    db.session.commit()


def test_renewing_a_link_asks_first_and_names_todays_published_runs(
    app, client, auth, county_people
):
    volunteer = factories.volunteer(name="冉志愿")
    db.session.commit()
    _published_run_today(app, volunteer)
    old_token = links.token_for(volunteer)
    auth.login("dispatcher")
    links_page = client.get("/plans/volunteers").get_data(as_text=True)
    assert f'href="/plans/volunteers/{volunteer.id}/renew"' in links_page
    asked = client.get(f"/plans/volunteers/{volunteer.id}/renew?lang=en").get_data(as_text=True)
    assert "冉志愿 has published runs that the old link opens" in asked
    assert "(today)" in asked and "trip 2" in asked
    assert client.post(f"/plans/volunteers/{volunteer.id}/renew").status_code == 200
    assert links.volunteer_for_token(old_token) is not None  # not renewed yet
    answer = client.post(f"/plans/volunteers/{volunteer.id}/renew", data={"confirmed": "1"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert links.volunteer_for_token(old_token) is None
    assert _actions("volunteer") == ["link_renewed"]


def test_renewing_the_link_of_a_volunteer_without_runs_says_what_happens(
    client, auth, county_people
):
    volunteer = factories.volunteer(name="向志愿")
    db.session.commit()
    auth.login("dispatcher")
    asked = client.get(f"/plans/volunteers/{volunteer.id}/renew").get_data(as_text=True)
    assert "立即失效" in asked and "data-runs-ahead" not in asked


def test_deactivating_a_volunteer_asks_first(app, client, auth, county_people):
    volunteer = factories.volunteer(name="田志愿")
    db.session.commit()
    auth.login("dispatcher")
    asked = client.post(f"/volunteers/{volunteer.id}/active", data={"active": "0"})
    assert asked.status_code == 200
    html = asked.get_data(as_text=True)
    assert "田志愿 的配送链接将立即失效" in html and 'name="confirmed" value="1"' in html
    db.session.expire_all()
    assert db.session.get(Volunteer, volunteer.id).active
    client.post(f"/volunteers/{volunteer.id}/active", data={"active": "0", "confirmed": "1"})
    db.session.expire_all()
    assert not db.session.get(Volunteer, volunteer.id).active
    assert _actions("volunteer") == ["deactivated"]
    # Reactivating is not irreversible: one tap.
    client.post(f"/volunteers/{volunteer.id}/active", data={"active": "1"})
    db.session.expire_all()
    assert db.session.get(Volunteer, volunteer.id).active


def test_deactivating_a_volunteer_with_runs_today_names_them(app, client, auth, county_people):
    volunteer = factories.volunteer(name="彭志愿")
    db.session.commit()
    _published_run_today(app, volunteer)
    auth.login("dispatcher")
    html = client.post(f"/volunteers/{volunteer.id}/active", data={"active": "0"}).get_data(
        as_text=True
    )
    assert "data-runs-ahead" in html and "/plans/2020-03-16" in html


def test_deactivating_an_account_asks_first(client, auth, county_people):
    user_id = county_people.cadre_b.id
    auth.login("admin")
    asked = client.post(f"/admin/users/{user_id}/active", data={"active": "0"})
    assert asked.status_code == 200
    assert "cadre_b" in asked.get_data(as_text=True) and "无法再登录" in asked.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(User, user_id).active
    client.post(f"/admin/users/{user_id}/active", data={"active": "0", "confirmed": "1"})
    db.session.expire_all()
    assert not db.session.get(User, user_id).active
    assert _actions("account") == ["deactivated"]


def test_declining_a_sign_up_application_asks_first(client, auth, county_people):
    from supply_match.models import VolunteerApplication
    from supply_match.services.county import signup

    village = county_people.village_a
    application = signup.apply(
        village.township,
        dict(name="冉建国", mobile="13983512345", party_branch="甲村党支部", village=village.id,
             vehicle_type="electric_tricycle", payload_kg="300", duty_days=["0", "2"]),
    )  # fmt: skip
    auth.login("dispatcher")
    url = f"/volunteers/applications/{application.id}"
    asked = client.post(url, data={"decision": "decline", "reason": "车辆不符合要求"})
    assert asked.status_code == 200
    html = asked.get_data(as_text=True)
    assert "冉建国" in html and "13983512345" in html and "不能恢复" in html
    assert "车辆不符合要求" in html and 'name="confirmed" value="1"' in html
    assert 'href="/volunteers/applications"' in html  # the way back
    db.session.expire_all()
    assert db.session.get(VolunteerApplication, application.id).status == "pending"
    assert _actions("volunteer") == ["applied"]
    client.post(url, data={"decision": "decline", "reason": "车辆不符合要求", "confirmed": "1"})
    db.session.expire_all()
    declined = db.session.get(VolunteerApplication, application.id)
    assert declined.status == "declined" and declined.decline_reason == "车辆不符合要求"
    assert _actions("volunteer") == ["applied", "declined"]
    # Approving is not irreversible (the volunteer can be deactivated): one tap.
    other = signup.apply(
        village.township,
        dict(name="向红", mobile="13983512346", party_branch="甲村党支部", village=village.id,
             vehicle_type="electric_tricycle", payload_kg="300", duty_days=["1"]),
    )  # fmt: skip
    client.post(f"/volunteers/applications/{other.id}", data={"decision": "approve"})
    db.session.expire_all()
    assert db.session.get(VolunteerApplication, other.id).status == "approved"
