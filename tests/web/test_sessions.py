"""Sessions that end: where a login may lead next, signing out and new passwords ending
sessions on the server, throttling per account, and pages no cache keeps."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from supply_match import password_hashing
from supply_match.extensions import db
from supply_match.models import LoginAttempt, Role
from supply_match.services.county import accounts
from tests import factories
from tests.conftest import make_app


@pytest.fixture
def web(app):
    """A second app on the test's database. The test's own app context stays pushed,
    and requests of its app would share it and the user Flask-Login caches in ``g``;
    this one's requests each push their own, as every request does in production."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def client(web):
    return web.test_client()


@pytest.fixture
def liu(app):
    user = factories.user(Role.DISPATCHER, username="liu", mobile="13900000009")
    db.session.commit()
    return user


def _login(client, login="liu", password=factories.PASSWORD, **kwargs):
    return client.post("/login", data={"login": login, "password": password}, **kwargs)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\\evil.example",
        "/\\/evil.example",
        "\t//evil.example",
        " //evil.example",
        "/%2F/evil.example",
        "/%2f%2fevil.example",
        "/%5Cevil.example",
        "/%09/evil.example",
        "/%0a/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "/orders\r\nSet-Cookie: x=1",
        "/" + "a" * 5000,
    ],
)
def test_next_never_leads_off_the_site(client, liu, target):
    response = _login(client, query_string={"next": target})
    assert response.status_code == 302
    assert response.location == "/dispatch/"


@pytest.mark.parametrize("target", ["/orders", "/orders?status=allocated&page=2", "/plans/"])
def test_next_on_this_site_is_followed(client, liu, target):
    assert _login(client, query_string={"next": target}).location == target


def test_a_session_cookie_copied_before_logout_no_longer_works_after_it(web, client, liu):
    _login(client)
    copied = client.get_cookie("session").value
    assert client.get("/dispatch/").status_code == 200
    client.post("/logout")

    thief = web.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/dispatch/")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_an_admin_resetting_a_password_ends_that_users_sessions(web, client, liu):
    factories.user(Role.ADMIN, username="boss")
    db.session.commit()
    _login(client)
    admin = web.test_client()
    _login(admin, "boss")

    reset = admin.post(f"/admin/users/{liu.id}/password", data={"password": "a-new-one-2020"})
    assert reset.status_code == 302

    assert client.get("/dispatch/").location.startswith("/login")
    # The admin's own session is not the one that ended.
    assert admin.get("/admin/").status_code == 200
    assert _login(web.test_client(), password="a-new-one-2020").location == "/dispatch/"


def test_resetting_ones_own_password_keeps_this_session_and_ends_the_others(web, client):
    boss = factories.user(Role.ADMIN, username="boss")
    db.session.commit()
    other_device = web.test_client()
    _login(other_device, "boss")
    _login(client, "boss")

    client.post(f"/admin/users/{boss.id}/password", data={"password": "a-new-one-2020"})

    assert client.get("/admin/").status_code == 200
    assert other_device.get("/admin/").location.startswith("/login")


def test_a_new_password_set_in_a_service_ends_sessions_too(web, client, liu):
    _login(client)
    accounts.reset_password(liu, "a-new-one-2020")
    db.session.commit()
    assert client.get("/dispatch/").location.startswith("/login")


@pytest.mark.parametrize(("failing", "then"), [("liu", "13900000009"), ("13900000009", "LIU")])
def test_failures_count_per_account_whichever_name_is_typed(web, client, liu, failing, then):
    web.config.update(LOGIN_MAX_FAILURES=3, LOGIN_MAX_FAILURES_PER_IP=0)
    for _ in range(3):
        _login(client, failing, "wrong")
    response = _login(client, then)
    assert response.status_code == 429
    keys = set(db.session.scalars(select(LoginAttempt.key)))
    assert keys == {f"user:{liu.id}"}


def test_an_unknown_name_checks_a_hash_made_like_the_accounts(client, liu, monkeypatch):
    """An unknown name costs what a wrong password does: one hash of the same method
    and cost is checked (timing itself is measured outside the suite)."""
    checked: list[str] = []
    real_check = password_hashing.password_matches

    def recording_check(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return real_check(password_hash, password)

    monkeypatch.setattr(password_hashing, "password_matches", recording_check)
    assert _login(client, "nobody-at-all", "wrong").status_code == 401
    assert _login(client, "liu", "wrong").status_code == 401
    factories.user(Role.DISPATCHER, username="gone", active=False)
    db.session.commit()
    assert _login(client, "gone", "wrong").status_code == 401

    def settings(password_hash: str) -> str:  # "$argon2id$v=19$m=8,t=1,p=1$salt$hash"
        return password_hash.rsplit("$", 2)[0]

    assert len(checked) == 3
    assert {settings(h) for h in checked} == {settings(liu.password_hash)}
    assert checked[0] != liu.password_hash


@pytest.mark.parametrize(
    "old_method", ["scrypt", "pbkdf2:sha256:1000", "argon2id with other settings"]
)
def test_a_hash_of_an_earlier_release_signs_in_and_is_replaced(client, liu, old_method):
    """Accounts made before Argon2id keep signing in; the sign-in stores today's hash,
    and the session it opens stays signed in."""
    if old_method.startswith("argon2id"):
        old_hash = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1).hash(
            factories.PASSWORD
        )
    else:
        old_hash = generate_password_hash(factories.PASSWORD, method=old_method)
    liu.password_hash = old_hash
    db.session.commit()
    assert _login(client, "liu", "wrong").status_code == 401
    db.session.refresh(liu)
    assert liu.password_hash == old_hash  # a wrong password changes nothing
    assert _login(client).status_code == 302
    db.session.refresh(liu)
    assert liu.password_hash != old_hash
    assert not password_hashing.needs_rehash(liu.password_hash)
    assert liu.check_password(factories.PASSWORD)
    assert client.get("/dispatch/").status_code == 200
    client.post("/logout")
    assert _login(client).status_code == 302


def test_an_unreadable_stored_hash_matches_no_password():
    assert not password_hashing.password_matches("$argon2id$v=19$garbage", "anything")
    assert password_hashing.needs_rehash("$argon2id$v=19$garbage")


def test_signed_in_pages_are_not_stored_by_any_cache(client, liu):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    _login(client)
    assert client.get("/dispatch/").headers["Cache-Control"] == "no-store"
    assert client.get("/orders").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_the_user_loader_refuses_a_session_of_an_earlier_generation(app, liu):
    from supply_match.login import load_user

    old_id = liu.get_id()
    assert load_user(old_id) is liu
    liu.end_sessions()
    db.session.commit()
    assert load_user(old_id) is None
    assert load_user(liu.get_id()) is liu
    assert load_user(str(liu.id)) is None  # the id alone, as sessions held before
    assert load_user("1.2.3") is None and load_user("x.1") is None
