"""API tokens: issued once in clear, stored hashed, scoped to a role and villages,
revoked at once, last use recorded."""

import hashlib

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import ApiToken
from supply_match.services.county import tokens
from tests import factories


@pytest.fixture
def issuer(app):
    admin = factories.user("admin", username="admin1")
    db.session.commit()
    return admin


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_only_the_hash_of_a_token_is_stored(issuer):
    token, secret = tokens.issue_token("县农业局系统", "dispatcher", [], issuer)
    stored = db.session.get(ApiToken, token.id)
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.secret_hash, stored.prefix)


def test_a_dispatchers_token_reads_the_county(app, client, issuer):
    village = factories.village()
    factories.household(village, name="冉光明")
    db.session.commit()
    _token, secret = tokens.issue_token("县农业局系统", "dispatcher", [], issuer)
    response = client.get("/api/v1/households", headers=bearer(secret))
    assert response.status_code == 200
    assert [h["name"] for h in response.get_json()["items"]] == ["冉光明"]


def test_a_cadre_token_sees_only_its_villages(app, client, issuer):
    mine, other = factories.village(), factories.village()
    factories.household(mine, name="冉光明")
    factories.household(other, name="向大山")
    db.session.commit()
    _token, secret = tokens.issue_token("石嘴村系统", "cadre", [mine.id], issuer)
    names = [
        h["name"]
        for h in client.get("/api/v1/households", headers=bearer(secret)).get_json()["items"]
    ]
    assert names == ["冉光明"]


def test_a_cadre_token_is_refused_a_dispatchers_operation(app, client, issuer):
    village = factories.village()
    _token, secret = tokens.issue_token("石嘴村系统", "cadre", [village.id], issuer)
    assert client.get("/api/v1/outlets", headers=bearer(secret)).status_code in (200, 403)
    assert client.get("/api/v1/supply", headers=bearer(secret)).status_code == 403


def test_a_revoked_token_is_refused_at_once(app, client, issuer):
    token, secret = tokens.issue_token("县农业局系统", "dispatcher", [], issuer)
    assert client.get("/api/v1/households", headers=bearer(secret)).status_code == 200
    tokens.revoke_token(token.id)
    assert client.get("/api/v1/households", headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize("header", ["Bearer sm_not-a-token", "Bearer ", "Basic abc", "sm_x"])
def test_an_unknown_token_is_refused(app, client, header):
    assert client.get("/api/v1/households", headers={"Authorization": header}).status_code == 401


def test_a_token_opens_no_page(app, client, issuer):
    _token, secret = tokens.issue_token("县农业局系统", "admin", [], issuer)
    response = client.get("/admin/", headers=bearer(secret))
    assert response.status_code == 302  # to the login page


def test_the_last_use_is_recorded(app, client, issuer):
    token, secret = tokens.issue_token("县农业局系统", "dispatcher", [], issuer)
    assert token.last_used_at is None
    client.get("/api/v1/households", headers=bearer(secret))
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_a_cadre_token_needs_villages(issuer):
    with pytest.raises(tokens.TokenError) as refused:
        tokens.issue_token("石嘴村系统", "cadre", [], issuer)
    assert "villages" in refused.value.errors


def test_the_token_page_shows_the_secret_once_and_the_accounts_stay_out_of_the_user_list(
    app, client, auth, issuer
):
    auth.login("admin1")
    page = client.post("/admin/tokens/", data={"name": "县农业局系统", "role": "dispatcher"})
    assert page.status_code == 200
    assert "data-secret" in page.get_data(as_text=True)
    assert "data-secret" not in client.get("/admin/tokens/").get_data(as_text=True)
    token = db.session.scalar(select(ApiToken))
    assert f'data-user="{token.user.username}"' not in client.get("/admin/users").get_data(
        as_text=True
    )
    confirm = client.post(f"/admin/tokens/{token.id}/revoke")
    assert "不能撤销" in confirm.get_data(as_text=True) or confirm.status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None
    client.post(f"/admin/tokens/{token.id}/revoke", data={"confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None
