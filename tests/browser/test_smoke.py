"""The served app answers a real browser."""

import json

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_chromium_reads_the_health_report(live_server, desktop_page, backend):
    response = desktop_page.goto(live_server.url + "/healthz")
    assert response.status == 200
    assert response.headers["x-frame-options"] == "DENY"
    body = json.loads(desktop_page.inner_text("body"))
    assert body["database"]["ok"] is True


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_chromium_shows_the_site_icon(live_server, desktop_page, backend):
    """The icon a page links, and the /favicon.ico browsers ask for on their own, both
    answer with a real image."""
    desktop_page.goto(live_server.url + "/login")
    linked = desktop_page.get_attribute('link[rel="icon"]', "href")
    for path in (linked, "/favicon.ico"):
        response = desktop_page.request.get(live_server.url + path)
        assert response.status == 200, path
        assert response.headers["content-type"].startswith("image/"), path
        assert len(response.body()) > 100
    size = desktop_page.evaluate(
        """async () => { const img = new Image(); img.src = '/favicon.ico';
           await img.decode(); return [img.naturalWidth, img.naturalHeight]; }"""
    )
    assert size[0] >= 16 and size[0] == size[1]
