"""CSRF, security headers, error pages."""

import pytest

from supply_match.extensions import db
from supply_match.models import Order, OrderStatus, Role
from tests import factories
from tests.conftest import make_app


@pytest.fixture
def csrf_app(app):
    """The same database with CSRF protection on, as in production."""
    protected = make_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    yield protected
    with protected.app_context():
        db.engine.dispose()


def test_post_without_csrf_token_is_rejected(csrf_app, county_people):
    order_id = county_people.order_a.id
    client = csrf_app.test_client()
    response = client.post("/login", data={"login": "cadre_a", "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "表单未能提交" in response.get_data(as_text=True)
    # Signed in properly (token taken from the form), a cancel without token is refused.
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"login": "cadre_a", "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert client.post(f"/orders/{order_id}/cancel").status_code == 400
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.SUBMITTED
    # With the token it goes through.
    detail = client.get(f"/orders/{order_id}").get_data(as_text=True)
    token = detail.split('name="csrf_token" value="')[1].split('"')[0]
    confirmed = {"csrf_token": token, "confirm": "1"}
    assert client.post(f"/orders/{order_id}/cancel", data=confirmed).status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == OrderStatus.CANCELLED


def test_security_headers_on_pages(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_styles_or_cdn(client, auth, county_people):
    auth.login("admin")
    for url in ["/login", "/admin/", "/admin/users", "/dispatch/", "/orders", "/households"]:
        page = client.get(url).get_data(as_text=True)
        assert "<style" not in page, url
        assert " style=" not in page, url
        assert "<script>" not in page and "<script " not in page.replace('<script src="/', ""), url
        assert "//cdn" not in page and "https://" not in page, url


def test_not_found_page_is_chinese_in_the_layout(client, auth):
    factories.user(Role.ADMIN, username="chen")
    db.session.commit()
    auth.login("chen")
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "页面不存在" in page
    assert "农资配送" in page  # the layout's header


def test_server_error_page_is_chinese(app):
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    assert "服务器出现问题" in response.get_data(as_text=True)


def test_api_style_paths_get_json_errors(client):
    response = client.get("/v/not-a-token/day.json")
    assert response.status_code == 404
    assert response.is_json
