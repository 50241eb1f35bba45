"""Signing in by username or mobile, wrong passwords, signing out, throttling."""

from datetime import timedelta

from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import LoginAttempt, Role
from tests import factories


def test_login_by_username_lands_on_the_role_home(client, auth):
    factories.user(Role.DISPATCHER, username="liu")
    db.session.commit()
    response = auth.login("liu")
    assert response.status_code == 302
    assert response.location == "/dispatch/"
    assert client.get("/").location == "/dispatch/"


def test_login_by_mobile_number(client, auth, county_people):
    response = auth.login("13800000001")
    assert response.location == "/cadre/"
    assert "张甲户" in client.get("/orders").get_data(as_text=True)


def test_username_is_not_case_sensitive(auth):
    factories.user(Role.ADMIN, username="Chen")
    db.session.commit()
    assert auth.login("chen").location == "/admin/"


def test_wrong_password_is_refused_in_chinese(client, auth):
    factories.user(Role.ADMIN, username="chen")
    db.session.commit()
    response = auth.login("chen", "not-the-password")
    assert response.status_code == 401
    assert "用户名、手机号或密码不正确" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_unknown_login_is_refused_like_a_wrong_password(auth):
    response = auth.login("nobody")
    assert response.status_code == 401
    assert "用户名、手机号或密码不正确" in response.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(auth):
    factories.user(Role.ADMIN, username="gone", active=False)
    db.session.commit()
    assert auth.login("gone").status_code == 401


def test_account_deactivated_while_signed_in_loses_its_session(client, auth):
    user = factories.user(Role.DISPATCHER, username="liu")
    db.session.commit()
    auth.login("liu")
    user.active = False
    db.session.commit()
    assert client.get("/dispatch/").location.startswith("/login")


def test_logout_ends_the_session(client, auth):
    factories.user(Role.DISPATCHER, username="liu")
    db.session.commit()
    auth.login("liu")
    assert client.get("/dispatch/").status_code == 200
    response = auth.logout()
    assert response.location == "/login"
    assert client.get("/dispatch/").status_code == 302


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(client, auth):
    factories.user(Role.DISPATCHER, username="liu")
    db.session.commit()
    response = client.post(
        "/login?next=/orders", data={"login": "liu", "password": factories.PASSWORD}
    )
    assert response.location == "/orders"
    auth.logout()
    response = client.post(
        "/login?next=//evil.example/x", data={"login": "liu", "password": factories.PASSWORD}
    )
    assert response.location == "/dispatch/"


def test_repeated_failures_lock_even_the_right_password_until_the_window_passes(app, client, auth):
    app.config.update(LOGIN_MAX_FAILURES=3, LOGIN_FAILURE_WINDOW_S=600)
    factories.user(Role.ADMIN, username="chen")
    db.session.commit()
    for _ in range(2):
        assert auth.login("chen", "wrong").status_code == 401
    third = auth.login("chen", "wrong")
    assert third.status_code == 429
    assert "登录失败次数过多" in third.get_data(as_text=True)

    locked = auth.login("chen")
    assert locked.status_code == 429
    assert "请于" in locked.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302

    # The window passes: move the recorded failures back beyond it.
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.attempted_at -= timedelta(seconds=601)
    db.session.commit()
    assert auth.login("chen").location == "/admin/"


def test_throttle_window_is_read_from_config(app, auth):
    app.config.update(LOGIN_MAX_FAILURES=2, LOGIN_FAILURE_WINDOW_S=600)
    factories.user(Role.ADMIN, username="chen")
    db.session.commit()
    auth.login("chen", "wrong")
    auth.login("chen", "wrong")
    assert auth.login("chen").status_code == 429
    app.config["LOGIN_FAILURE_WINDOW_S"] = 0
    assert auth.login("chen").location == "/admin/"


def test_lock_on_one_account_is_by_login_name_and_by_address(app, auth):
    app.config.update(LOGIN_MAX_FAILURES=2, LOGIN_MAX_FAILURES_PER_IP=3)
    factories.user(Role.ADMIN, username="chen")
    factories.user(Role.ADMIN, username="wang")
    factories.user(Role.ADMIN, username="zhao")
    db.session.commit()
    auth.login("chen", "wrong")
    auth.login("chen", "wrong")
    # Another account from the same address is still fine ...
    assert auth.login("wang").location == "/admin/"
    auth.logout()
    # ... until the address itself has failed too often: wang's success did not
    # forgive the address its failures.
    auth.login("wang", "wrong")
    assert auth.login("zhao").status_code == 429
    keys = set(db.session.scalars(select(LoginAttempt.key).group_by(LoginAttempt.key)))
    assert {"chen", "wang", "ip:127.0.0.1"} & keys == {"ip:127.0.0.1"}  # accounts count by id
    assert len({key for key in keys if key.startswith("user:")}) == 2


def test_attempts_while_locked_are_not_recorded(app, auth):
    app.config.update(LOGIN_MAX_FAILURES=2)
    factories.user(Role.ADMIN, username="chen")
    db.session.commit()
    auth.login("chen", "wrong")
    auth.login("chen", "wrong")
    before = db.session.scalar(select(func.count()).select_from(LoginAttempt))
    auth.login("chen", "wrong")
    auth.login("chen")
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == before


def test_session_cookie_is_http_only_and_same_site_lax(client, auth):
    factories.user(Role.ADMIN, username="chen")
    db.session.commit()
    response = auth.login("chen")
    cookies = [value for key, value in response.headers if key == "Set-Cookie"]
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    # A lasting session that ends some hours after the last visit, not a browser-lifetime one.
    assert "Expires=" in session_cookie


def test_address_limit_can_be_turned_off(app, auth):
    app.config.update(LOGIN_MAX_FAILURES=2, LOGIN_MAX_FAILURES_PER_IP=0)
    factories.user(Role.ADMIN, username="chen")
    db.session.commit()
    auth.login("chen", "wrong")
    assert auth.login("chen").location == "/admin/"
    keys = set(db.session.scalars(select(LoginAttempt.key)))
    assert len(keys) == 1 and next(iter(keys)).startswith("user:")


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(app):
    from tests.conftest import make_app

    proxied = make_app(app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXY_COUNT=1)
    client = proxied.test_client()
    client.post(
        "/login",
        data={"login": "nobody", "password": "x"},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    keys = set(db.session.scalars(select(LoginAttempt.key)))
    assert "ip:203.0.113.7" in keys
    with proxied.app_context():
        db.engine.dispose()


def test_a_json_body_posted_to_the_sign_in_page_is_an_empty_form(client, county_people):
    """Pages read form fields only: an object where the name goes is not handed on."""
    response = client.post("/login", json={"login": {"name": "cadre_a"}, "password": [1]})
    assert response.status_code == 200
    assert "请输入用户名或手机号" in response.get_data(as_text=True)
    assert client.get("/orders").location.startswith("/login")  # nobody signed in
