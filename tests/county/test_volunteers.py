"""Volunteers: the form rules, the import, deactivation with runs ahead, the sign-up."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import (
    ApplicationStatus,
    DeliveryPlan,
    DeliveryRun,
    Volunteer,
    VolunteerApplication,
)
from supply_match.services.county import signup, volunteer_import, volunteers
from supply_match.services.documents.spreadsheets import SheetError
from tests import factories
from tests.county.conftest import xlsx

HEADER = ["姓名", "手机号", "党支部", "村代码", "车辆类型", "车牌", "载重kg", "值班日"]


@pytest.fixture
def luming(pengshui):
    township = factories.township(code="500243104", name="鹿鸣乡", kind="乡")
    village = factories.village(township, code="500243104201", name="鹿鸣村")
    db.session.commit()
    return village


def _values(village, **changes) -> dict:
    values = dict(
        name="冉建国", mobile="13983512345", party_branch="鹿鸣村党支部", village=village.id,
        vehicle_type="electric_tricycle", payload_kg="300", duty_days=["0", "2", "4"],
    )  # fmt: skip
    values.update(changes)
    return values


def test_a_volunteer_gets_the_village_home_and_the_county_default_shift(luming):
    volunteer = volunteers.save_volunteer(_values(luming))
    assert volunteer.township_id == luming.township_id
    assert (volunteer.home_lat, volunteer.home_lon) == (luming.lat, luming.lon)
    assert volunteer.shift_start.strftime("%H:%M") == "08:00"
    assert volunteer.duty_days == 0b10101


@pytest.mark.parametrize(
    "text, mask",
    [("每天", 127), ("一三五", 0b10101), ("周一至周五", 0b11111), ("1,7", 0b1000001), ("六日", 96)],
)
def test_duty_days_read_as_a_cadre_writes_them(text, mask):
    assert volunteers.parse_duty_days(text) == mask


@pytest.mark.parametrize("text", ["", "八", "周五至周一", "sometimes"])
def test_unreadable_duty_days_are_refused(text):
    assert volunteers.parse_duty_days(text) is None


def test_a_mobile_already_a_volunteers_is_refused_with_their_name(luming):
    volunteers.save_volunteer(_values(luming))
    with pytest.raises(volunteers.VolunteerError) as refused:
        volunteers.save_volunteer(_values(luming, name="向小琴"))
    assert "冉建国" in refused.value.errors["mobile"]


def test_the_import_adds_then_updates_by_mobile(luming):
    rows = [
        ["冉建国", "13983512345", "鹿鸣村党支部", "500243104201", "电动三轮车", "", 300, "每天"],
        ["向小琴", "13983512346", "鹿鸣村党支部", "500243104201", "微型面包车", "渝H12345", 600, "一三五"],
    ]  # fmt: skip
    result = volunteer_import.import_volunteers("v.xlsx", xlsx(HEADER, rows))
    assert (result.added, result.updated) == (2, 0)
    rows[1][6] = 650
    result = volunteer_import.import_volunteers("v.xlsx", xlsx(HEADER, rows))
    assert (result.added, result.updated) == (0, 2)
    xiang = db.session.scalar(select(Volunteer).where(Volunteer.mobile == "13983512346"))
    assert (xiang.payload_kg, xiang.vehicle_type) == (650, "minivan")


def test_an_exported_sheet_imports_again(luming):
    volunteers.save_volunteer(_values(luming))
    result = volunteer_import.import_volunteers("e.xlsx", volunteer_import.export_xlsx())
    assert result.updated == 1


@pytest.mark.parametrize(
    ("cell", "value", "column"),
    [
        (1, "1398351234", "手机号"),
        (3, "500243104299", "村代码"),
        (3, "500242104201", "村代码"),
        (4, "拖拉机", "车辆类型"),
        (6, "0", "载重kg"),
        (6, "三百", "载重kg"),
        (7, "八", "值班日"),
    ],
)
def test_a_bad_volunteer_row_is_named_and_nothing_is_written(luming, cell, value, column):
    good = ["冉建国", "13983512345", "鹿鸣村党支部", "500243104201", "电动三轮车", "", 300, "每天"]
    bad = ["向小琴", "13983512346", "鹿鸣村党支部", "500243104201", "电动三轮车", "", 300, "每天"]
    bad[cell] = value
    with pytest.raises(SheetError) as refused:
        volunteer_import.import_volunteers("v.xlsx", xlsx(HEADER, [good, bad]))
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, column)]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Volunteer.id))) == 0


def test_a_mobile_twice_in_the_sheet_names_the_first_row(luming):
    row = ["冉建国", "13983512345", "鹿鸣村党支部", "500243104201", "电动三轮车", "", 300, "每天"]
    with pytest.raises(SheetError) as refused:
        volunteer_import.import_volunteers("v.xlsx", xlsx(HEADER, [row, row]))
    (error,) = refused.value.errors
    assert (error.row, error.column) == (3, "手机号")
    assert "2" in error.message


def test_deactivating_with_published_runs_ahead_lists_them_until_confirmed(app, luming):
    app.config["CLOCK_NOW"] = datetime(2020, 3, 19, 2, 0)
    volunteer = volunteers.save_volunteer(_values(luming))
    outlet = factories.outlet(luming.township)
    for day, status in ((date(2020, 3, 18), "published"), (date(2020, 3, 20), "published"),
                        (date(2020, 3, 21), "draft")):  # fmt: skip
        plan = DeliveryPlan(delivery_date=day, status=status)
        plan.runs.append(DeliveryRun(volunteer_id=volunteer.id, outlet_id=outlet.id))
        db.session.add(plan)
    db.session.commit()
    with pytest.raises(volunteers.RunsAhead) as ahead:
        volunteers.set_volunteer_active(volunteer.id, False)
    assert [run.plan.delivery_date for run in ahead.value.runs] == [date(2020, 3, 20)]
    assert volunteer.active
    volunteers.set_volunteer_active(volunteer.id, False, confirmed=True)
    assert not db.session.get(Volunteer, volunteer.id).active


def test_a_sign_up_is_not_a_volunteer_until_approved(luming):
    application = signup.apply(luming.township, _values(luming))
    assert application.status == ApplicationStatus.PENDING
    assert db.session.scalar(select(func.count(Volunteer.id))) == 0
    admin = factories.user("dispatcher")
    volunteer = signup.approve(application.id, admin)
    assert volunteer.mobile == "13983512345"
    assert application.status == ApplicationStatus.APPROVED
    assert application.volunteer_id == volunteer.id


def test_a_sign_up_with_a_volunteers_mobile_is_refused(luming):
    volunteers.save_volunteer(_values(luming))
    with pytest.raises(volunteers.VolunteerError) as refused:
        signup.apply(luming.township, _values(luming, name="向小琴"))
    assert "冉建国" in refused.value.errors["mobile"]


def test_a_second_sign_up_with_a_waiting_mobile_is_refused(luming):
    signup.apply(luming.township, _values(luming))
    with pytest.raises(volunteers.VolunteerError) as refused:
        signup.apply(luming.township, _values(luming))
    assert "等待审核" in refused.value.errors["mobile"]


def test_a_sign_up_for_a_village_of_another_township_is_refused(luming):
    other = factories.village(factories.township(code="500243105", name="平安镇"))
    with pytest.raises(volunteers.VolunteerError) as refused:
        signup.apply(luming.township, _values(other))
    assert "village" in refused.value.errors


def test_approval_is_refused_when_the_mobile_was_entered_meanwhile(luming):
    application = signup.apply(luming.township, _values(luming))
    volunteers.save_volunteer(_values(luming, name="冉建军"))
    with pytest.raises(volunteers.VolunteerError):
        signup.approve(application.id, factories.user("dispatcher"))
    assert db.session.get(VolunteerApplication, application.id).status == "pending"


def test_a_declined_application_cannot_be_approved_after(luming):
    application = signup.apply(luming.township, _values(luming))
    user = factories.user("dispatcher")
    signup.decline(application.id, user, "车辆不符合要求")
    with pytest.raises(volunteers.VolunteerError):
        signup.approve(application.id, user)


def test_the_public_sign_up_page_shows_errors_and_thanks(app, client, luming):
    assert client.get("/signup/500243104").status_code == 200
    assert client.get("/signup/500243999").status_code == 404
    data = _values(luming, mobile="12345")
    response = client.post("/signup/500243104", data=data)
    assert response.status_code == 422
    assert "11 位" in response.get_data(as_text=True)
    response = client.post("/signup/500243104", data=_values(luming))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(VolunteerApplication.id))) == 1


def test_sign_ups_from_one_address_are_throttled_refused_ones_too(app, client, luming):
    app.config.update(SIGNUP_MAX_PER_IP=3, CLOCK_NOW="2020-03-02T02:00:00")
    # Two refused (a bad mobile) and one accepted use up the address's three.
    for mobile in ("12345", "123456"):
        assert (
            client.post("/signup/500243104", data=_values(luming, mobile=mobile)).status_code == 422
        )
    assert client.post("/signup/500243104", data=_values(luming)).status_code == 302
    refused = client.post("/signup/500243104", data=_values(luming, mobile="13983512399"))
    assert refused.status_code == 429
    assert "报名过多" in refused.get_data(as_text=True)
    assert "11:00" in refused.get_data(as_text=True)  # an hour after the first, county time
    assert db.session.scalar(select(func.count(VolunteerApplication.id))) == 1
    assert signup.signups_counted("127.0.0.1") == 3  # a refused send is not counted
    # Another address is not held up; this one may send again once the hour has passed.
    other = client.post(
        "/signup/500243104",
        data=_values(luming, mobile="13983512398"),
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 302
    app.config["CLOCK_NOW"] = "2020-03-02T03:00:01"
    again = client.post("/signup/500243104", data=_values(luming, mobile="13983512399"))
    assert again.status_code == 302


def test_the_volunteer_pages_filter_and_the_poster_carries_the_link(app, client, auth, luming):
    volunteers.save_volunteer(_values(luming))
    volunteers.save_volunteer(_values(luming, name="向小琴", mobile="13983512346",
                                      vehicle_type="minivan", duty_days=["5"]))  # fmt: skip
    factories.user("dispatcher", username="disp1")
    db.session.commit()
    auth.login("disp1")
    page = client.get("/volunteers/?vehicle=minivan").get_data(as_text=True)
    assert "向小琴" in page and "冉建国" not in page
    page = client.get("/volunteers/?day=0").get_data(as_text=True)
    assert "冉建国" in page and "向小琴" not in page
    poster = client.get(f"/volunteers/poster/{luming.township_id}").get_data(as_text=True)
    assert "/signup/500243104" in poster
    assert "<svg" in poster
