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
