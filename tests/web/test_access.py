"""Who may open which page: roles get 403 elsewhere, anonymous visitors go to login."""

import pytest

from supply_match.extensions import db
from supply_match.models import Role
from tests import factories

FORBIDDEN = [
    (Role.CADRE, "GET", "/admin/"),
    (Role.CADRE, "GET", "/admin/users"),
    (Role.CADRE, "GET", "/admin/users/new"),
    (Role.CADRE, "POST", "/admin/users/new"),
    (Role.CADRE, "POST", "/admin/users/1/active"),
    (Role.CADRE, "POST", "/admin/users/1/password"),
    (Role.DISPATCHER, "POST", "/admin/users/1/password"),
    (Role.CADRE, "GET", "/dispatch/"),
    (Role.DISPATCHER, "GET", "/admin/"),
    (Role.DISPATCHER, "GET", "/admin/users"),
    (Role.DISPATCHER, "POST", "/admin/users/new"),
    (Role.DISPATCHER, "GET", "/cadre/"),
    (Role.ADMIN, "GET", "/cadre/"),
]

PROTECTED = [
    "/admin/",
    "/admin/users",
    "/admin/users/new",
    "/dispatch/",
    "/cadre/",
    "/orders",
    "/orders/1",
    "/households",
]


@pytest.mark.parametrize(("role", "method", "url"), FORBIDDEN)
def test_role_is_forbidden(client, auth, role, method, url):
    village = factories.village()
    factories.user(role, username="someone", villages=[village] if role == Role.CADRE else [])
    db.session.commit()
    auth.login("someone")
    response = client.open(url, method=method)
    assert response.status_code == 403
    assert "无权访问" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", PROTECTED)
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_login_page_asks_to_sign_in_in_chinese(client):
    page = client.get("/orders", follow_redirects=True).get_data(as_text=True)
    assert "请先登录再打开此页面" in page


def test_anonymous_post_is_sent_to_login(client):
    assert client.post("/orders/1/cancel").location.startswith("/login")


def test_front_door_sends_anonymous_visitors_to_login(client):
    assert client.get("/").location == "/login"


@pytest.mark.parametrize(
    ("role", "home"),
    [(Role.ADMIN, "/admin/"), (Role.DISPATCHER, "/dispatch/"), (Role.CADRE, "/cadre/")],
)
def test_each_role_lands_on_its_own_home(client, auth, role, home):
    factories.user(role, username="someone")
    db.session.commit()
    auth.login("someone")
    assert client.get("/").location == home
    assert client.get(home).status_code == 200
    # Signed in, the login page sends them home too.
    assert client.get("/login").location == home
