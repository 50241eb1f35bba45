"""The admin's users page: list, create with checks, deactivate."""

import re

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Role, User
from tests import factories


def _new_user_form(**fields):
    data = {
        "username": "wang_cadre",
        "display_name": "王村干部",
        "mobile": "13912345678",
        "password": "long-enough-1",
        "role": "cadre",
    }
    data.update(fields)
    return data


def test_users_page_lists_roles_and_villages(client, auth, county_people):
    auth.login("admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert 'data-user="cadre_a"' in page and 'data-user="dispatcher"' in page
    assert "保家镇甲村" in page
    assert "村干部" in page and "调度员" in page and "管理员" in page


def test_admin_creates_a_cadre_with_villages_who_can_then_sign_in(client, auth, county_people):
    auth.login("admin")
    data = _new_user_form(villages=[str(county_people.village_b.id)])
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "wang_cadre"))
    assert user.role == Role.CADRE
    assert user.village_ids == {county_people.village_b.id}
    assert user.check_password("long-enough-1")
    auth.logout()
    assert auth.login("13912345678", "long-enough-1").location == "/cadre/"
    assert "李乙户" in client.get("/orders").get_data(as_text=True)


def test_create_user_refuses_bad_details_with_clear_chinese_errors(client, auth, county_people):
    auth.login("admin")
    response = client.post(
        "/admin/users/new",
        data=_new_user_form(username="cadre_a", mobile="12345678901", password="short"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "该用户名已被使用" in page
    assert "手机号应为 11 位数字" in page
    assert "密码至少 8 位" in page
    assert "村干部至少要负责一个村" in page
    assert db.session.scalar(select(User).where(User.mobile == "12345678901")) is None


def test_mobile_numbers_are_unique(client, auth, county_people):
    auth.login("admin")
    response = client.post(
        "/admin/users/new",
        data=_new_user_form(username="another", mobile="13800000001", role="dispatcher"),
    )
    assert response.status_code == 422
    assert "该手机号已被其他账号使用" in response.get_data(as_text=True)


def test_admin_deactivates_and_reactivates_a_user(client, auth, county_people):
    auth.login("admin")
    user_id = county_people.cadre_b.id
    deactivate = {"active": "0", "confirmed": "1"}
    assert client.post(f"/admin/users/{user_id}/active", data=deactivate).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user_id).active is False
    auth.logout()
    assert auth.login("cadre_b").status_code == 401
    auth.login("admin")
    client.post(f"/admin/users/{user_id}/active", data={"active": "1"})
    db.session.expire_all()
    assert db.session.get(User, user_id).active is True


def test_admin_cannot_deactivate_themselves(client, auth, county_people):
    auth.login("admin")
    response = client.post(
        f"/admin/users/{county_people.admin.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "不能停用自己的账号" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, county_people.admin.id).active is True


def test_new_user_form_groups_villages_by_township(client, auth, county_people):
    auth.login("admin")
    page = client.get("/admin/users/new").get_data(as_text=True)
    group = page[page.index('<details data-township="保家镇">') :]
    group = group[: group.index("</details>")]
    assert "甲村" in group and "乙村" in group


def test_admin_resets_a_password(client, auth, county_people):
    auth.login("admin")
    user_id = county_people.cadre_b.id
    response = client.post(
        f"/admin/users/{user_id}/password", data={"password": "short"}, follow_redirects=True
    )
    assert "密码至少 8 位" in response.get_data(as_text=True)
    response = client.post(
        f"/admin/users/{user_id}/password",
        data={"password": "brand-new-pass"},
        follow_redirects=True,
    )
    assert "cadre_b 的密码已重置" in response.get_data(as_text=True)
    auth.logout()
    assert auth.login("cadre_b").status_code == 401
    assert auth.login("cadre_b", "brand-new-pass").location == "/cadre/"


def test_new_account_form_offers_a_cadre_by_default_and_villages_as_tick_boxes(
    client, auth, county_people
):
    """A phone has no Ctrl key: villages are tick boxes, and an untouched role is the
    least powerful one, never an administrator."""
    auth.login("admin")
    page = client.get("/admin/users/new").get_data(as_text=True)
    selected = re.findall(r'<option selected value="(\w+)"|<option value="(\w+)" selected', page)
    assert [a or b for a, b in selected] == ["cadre"]
    assert "Ctrl" not in page and "multiple" not in page
    boxes = re.findall(r'<input type="checkbox" name="villages" value="(\d+)"', page)
    assert sorted(map(int, boxes)) == sorted(
        [county_people.village_a.id, county_people.village_b.id]
    )
    villages = [str(county_people.village_a.id), str(county_people.village_b.id)]
    data = _new_user_form(villages=villages)
    assert client.post("/admin/users/new", data=data).status_code == 302
    user = db.session.scalar(select(User).where(User.username == "wang_cadre"))
    assert user.role == Role.CADRE
    assert user.village_ids == {county_people.village_a.id, county_people.village_b.id}


def test_admin_makes_an_outlet_staff_account_that_sees_only_its_outlet(client, auth, county_people):
    township = county_people.village_a.township
    shop = factories.outlet(township=township, name="保家农资店")
    other = factories.outlet(name="别处农资店")
    closed = factories.outlet(name="已停农资店", active=False)
    db.session.commit()
    auth.login("admin")
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert '<option value="outlet_staff">网点店员</option>' in form
    group = form[form.index('<optgroup label="保家镇">') :]
    assert f'<option value="{shop.id}">保家农资店</option>' in group[: group.index("</optgroup>")]
    assert f'value="{closed.id}"' not in form

    data = _new_user_form(username="dianyuan", mobile="", role="outlet_staff", outlet_id=shop.id)
    assert client.post("/admin/users/new", data=data).status_code == 302
    staff = db.session.scalar(select(User).where(User.username == "dianyuan"))
    assert (staff.role, staff.outlet_id) == (Role.OUTLET_STAFF, shop.id)
    listed = client.get("/admin/users?role=outlet_staff").get_data(as_text=True)
    row = listed[listed.index('data-user="dianyuan"') :]
    assert f'data-outlet="{shop.id}">保家农资店<' in row[: row.index("</tr>")]

    auth.logout()
    assert auth.login("dianyuan", "long-enough-1").location == "/outlets/"
    home = client.get("/outlets/", follow_redirects=True)
    assert home.request.path == f"/outlets/{shop.id}" and "保家农资店" in home.get_data(
        as_text=True
    )
    assert client.get(f"/outlets/{other.id}").status_code == 403
    assert "李乙户" not in client.get("/orders").get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "outlet", "message"),
    [
        ("outlet_staff", "", "网点店员账号需要选择所在的网点。"),
        ("outlet_staff", "abc", "网点店员账号需要选择所在的网点。"),
        ("outlet_staff", "99999999999999", "网点店员账号需要选择所在的网点。"),
        ("outlet_staff", "unknown", "所选的网点不存在。"),
        ("dispatcher", "shop", "只有网点店员属于网点"),
    ],
)
def test_the_outlet_is_checked_under_its_field(client, auth, county_people, role, outlet, message):
    shop = factories.outlet()
    db.session.commit()
    outlet_id = {"shop": shop.id, "unknown": shop.id + 100}.get(outlet, outlet)
    auth.login("admin")
    data = _new_user_form(username="dianyuan", mobile="", role=role, outlet_id=outlet_id)
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page[page.index('data-error="outlet_id"') :]
    assert message in error[: error.index("</p>")]
    assert db.session.scalar(select(User).where(User.username == "dianyuan")) is None
