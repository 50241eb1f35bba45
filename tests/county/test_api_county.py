"""The county set-up API: townships, villages, volunteers, outlets and accounts, with
roles, 422 bodies and tokens."""

import pytest

from supply_match.extensions import db
from supply_match.services.county import tokens
from tests import factories


@pytest.fixture
def admin_token(app, pengshui):
    admin = factories.user("admin", username="admin1")
    db.session.commit()
    _token, secret = tokens.issue_token("县政务系统", "admin", [], admin)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def dispatcher_token(app, pengshui):
    admin = factories.user("admin")
    db.session.commit()
    _token, secret = tokens.issue_token("调度系统", "dispatcher", [], admin)
    return {"Authorization": f"Bearer {secret}"}


TOWNSHIP = {"code": "500243104", "name": "鹿鸣乡", "lat": 29.35, "lon": 108.29}
VILLAGE = {"code": "500243104201", "name": "鹿鸣村", "lat": 29.36, "lon": 108.30,
           "collection_contact": "冉德福", "collection_mobile": "13896412345"}  # fmt: skip


def test_townships_and_villages_are_created_read_listed_and_updated(client, admin_token):
    created = client.post("/api/v1/townships", json=TOWNSHIP, headers=admin_token)
    assert created.status_code == 201
    township_id = created.get_json()["id"]
    village = client.post("/api/v1/villages", json=VILLAGE, headers=admin_token).get_json()
    assert village["township_id"] == township_id
    listed = client.get(f"/api/v1/villages?township={township_id}", headers=admin_token)
    assert [v["code"] for v in listed.get_json()["items"]] == ["500243104201"]
    changed = client.patch(
        f"/api/v1/villages/{village['id']}", json={"group_count": 7, "active": False},
        headers=admin_token,
    )  # fmt: skip
    assert changed.status_code == 200
    assert changed.get_json()["group_count"] == 7 and changed.get_json()["active"] is False
    assert client.get("/api/v1/townships/99999", headers=admin_token).status_code == 404


def test_a_village_outside_the_county_is_a_422_by_field(client, admin_token):
    client.post("/api/v1/townships", json=TOWNSHIP, headers=admin_token)
    response = client.post(
        "/api/v1/villages", json={**VILLAGE, "code": "500242104201"}, headers=admin_token
    )
    assert response.status_code == 422
    assert "500243" in response.get_json()["errors"]["code"]


def test_an_unknown_field_is_refused(client, admin_token):
    response = client.post(
        "/api/v1/townships", json={**TOWNSHIP, "mayor": "x"}, headers=admin_token
    )
    assert response.status_code == 422
    assert "mayor" in response.get_json()["errors"]


def test_a_dispatcher_may_not_create_places_but_may_create_volunteers(client, dispatcher_token):
    assert (
        client.post("/api/v1/townships", json=TOWNSHIP, headers=dispatcher_token).status_code == 403
    )
    township = factories.township(code="500243104", name="鹿鸣乡", kind="乡")
    village = factories.village(township, code="500243104201")
    db.session.commit()
    body = {"name": "冉建国", "mobile": "13983512345", "party_branch": "鹿鸣村党支部",
            "village_id": village.id, "vehicle_type": "minivan", "payload_kg": 600,
            "duty_days": [0, 1, 2, 3, 4]}  # fmt: skip
    created = client.post("/api/v1/volunteers", json=body, headers=dispatcher_token)
    assert created.status_code == 201, created.get_json()
    again = client.post("/api/v1/volunteers", json=body, headers=dispatcher_token)
    assert again.status_code == 422
    assert "冉建国" in again.get_json()["errors"]["mobile"]
    volunteer_id = created.get_json()["id"]
    patched = client.patch(
        f"/api/v1/volunteers/{volunteer_id}", json={"payload_kg": 650}, headers=dispatcher_token
    )
    assert patched.get_json()["payload_kg"] == 650


def test_outlets_are_created_and_updated(client, dispatcher_token):
    township = factories.township(code="500243104", name="鹿鸣乡", kind="乡")
    db.session.commit()
    body = {"name": "鹿鸣乡农资店", "township_id": township.id, "address": "场镇街 12 号",
            "lat": 29.35, "lon": 108.29, "contact_name": "冉光明",
            "contact_mobile": "13896012345"}  # fmt: skip
    created = client.post("/api/v1/outlets", json=body, headers=dispatcher_token)
    assert created.status_code == 201, created.get_json()
    outlet_id = created.get_json()["id"]
    bad = client.patch(f"/api/v1/outlets/{outlet_id}", json={"contact_mobile": "1"},
                       headers=dispatcher_token)  # fmt: skip
    assert bad.status_code == 422 and "contact_mobile" in bad.get_json()["errors"]
    good = client.patch(f"/api/v1/outlets/{outlet_id}", json={"closes_at": "19:00"},
                        headers=dispatcher_token)  # fmt: skip
    assert good.get_json()["closes_at"] == "19:00"


def test_accounts_are_for_admins_and_a_new_one_changes_its_password_first(
    client, admin_token, dispatcher_token
):
    body = {"username": "diaodu2", "display_name": "向明", "password": "Pengshui-2020",
            "role": "dispatcher"}  # fmt: skip
    assert client.post("/api/v1/accounts", json=body, headers=dispatcher_token).status_code == 403
    created = client.post("/api/v1/accounts", json=body, headers=admin_token)
    assert created.status_code == 201
    from supply_match.models import User

    assert db.session.get(User, created.get_json()["id"]).must_change_password
    taken = client.post("/api/v1/accounts", json=body, headers=admin_token)
    assert taken.status_code == 422 and "username" in taken.get_json()["errors"]
    listed = client.get("/api/v1/accounts?q=diaodu", headers=admin_token).get_json()
    assert [a["username"] for a in listed["items"]] == ["diaodu2"]


def test_a_session_without_csrf_token_is_refused_when_csrf_is_on(app, client, pengshui):
    factories.user("admin", username="admin1")
    db.session.commit()
    client.post("/login", data={"login": "admin1", "password": factories.PASSWORD})
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/townships", json=TOWNSHIP)
    assert response.status_code == 400


def test_anonymous_is_401(client, app):
    assert client.get("/api/v1/townships").status_code == 401


STAFF = {"username": "dianyuan", "display_name": "店员丙", "password": "Pengshui-2020",
         "role": "outlet_staff"}  # fmt: skip


def test_an_outlet_staff_account_is_made_with_its_outlet(client, admin_token):
    from supply_match.models import AuditEntry, Role, User

    outlet = factories.outlet(name="鹿鸣农资店")
    db.session.commit()
    created = client.post(
        "/api/v1/accounts", json={**STAFF, "outlet_id": outlet.id}, headers=admin_token
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["role"], body["outlet_id"], body["village_ids"]) == ("outlet_staff", outlet.id, [])
    user = db.session.get(User, body["id"])
    assert (user.role, user.outlet_id) == (Role.OUTLET_STAFF, outlet.id)
    assert client.get(f"/api/v1/accounts/{user.id}", headers=admin_token).get_json() == body
    listed = client.get("/api/v1/accounts?role=outlet_staff", headers=admin_token).get_json()
    assert [a["outlet_id"] for a in listed["items"]] == [outlet.id]
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.kind == "account", AuditEntry.record_id == user.id)
    )
    assert entry.action == "created" and "鹿鸣农资店" in entry.summary


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, "网点店员账号需要选择所在的网点。"),
        ({"outlet_id": None}, "网点店员账号需要选择所在的网点。"),
        ({"outlet_id": "unknown"}, "所选的网点不存在。"),
        ({"outlet_id": 2**40}, "所选的网点不存在。"),
        ({"outlet_id": "closed"}, "该网点已停用，请选择其他网点。"),
        ({"outlet_id": "1"}, "网点编号（整数）或 null。"),
        ({"outlet_id": True}, "网点编号（整数）或 null。"),
        (
            {"role": "dispatcher", "outlet_id": "open"},
            "只有网点店员属于网点，请不要为其他角色选择网点。",
        ),
    ],
    ids=["absent", "null", "unknown", "huge", "closed", "text", "boolean", "dispatcher"],
)
def test_a_missing_unknown_or_misplaced_outlet_is_422(client, admin_token, change, message):
    from supply_match.models import User

    open_outlet = factories.outlet()
    closed = factories.outlet(active=False)
    db.session.commit()
    ids = {"unknown": closed.id + 100, "closed": closed.id, "open": open_outlet.id}
    body = {**STAFF, **change}
    if body.get("outlet_id") in ids:
        body["outlet_id"] = ids[body["outlet_id"]]
    refused = client.post("/api/v1/accounts", json=body, headers=admin_token)
    assert refused.status_code == 422
    assert refused.get_json() == {"errors": {"outlet_id": message}}
    assert db.session.scalar(db.select(User).where(User.username == "dianyuan")) is None


def test_a_token_cannot_be_issued_as_an_outlets_staff(app, pengshui):
    from supply_match.models import ApiToken

    admin = factories.user("admin", username="admin1")
    db.session.commit()
    with pytest.raises(tokens.TokenError) as refused:
        tokens.issue_token("网点系统", "outlet_staff", [], admin)
    assert "role" in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0
