"""A form's errors, as a cadre sees them on a phone: each message sits right under the
field it is about (a missing last date is named under the last date, not the first)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE
from tests.browser.pages import seeded_site, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

__all__ = ["seeded_site"]

# For each error shown, the field it names (data-error is the field's id) and whether the
# message lies just below that field's control and above any other control.
PLACEMENT = """
() => [...document.querySelectorAll('[data-error]')].map(error => {
  const field = document.getElementById(error.dataset.error);
  const box = error.getBoundingClientRect();
  if (!field) return {name: error.dataset.error, text: error.innerText, field: false,
                      in_group: !!error.closest('fieldset, .field')};
  const own = field.getBoundingClientRect();
  const between = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(other => other !== field && other.getClientRects().length)
    .map(other => other.getBoundingClientRect())
    .filter(r => r.top >= own.bottom - 1 && r.bottom <= box.top + 1);
  return {name: error.dataset.error, text: error.innerText, field: true,
          gap: box.top - own.bottom, between: between.length};
})
"""


@pytest.fixture
def cadre_order_form(browser, seeded_site):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, seeded_site.server.url, seeded_site.county.logins["cadre"])
    household = seeded_site.county.url_args["household_id"]
    page.goto(f"{seeded_site.server.url}/intake/orders/new?household={household}")
    yield page
    context.close()


def _errors_after_submit(page) -> dict[str, dict]:
    page.get_by_role("button", name="保存订单").click()
    page.wait_for_selector("[data-form-errors]")
    return {found["name"]: found for found in page.evaluate(PLACEMENT)}


def test_a_missing_last_date_is_named_under_the_last_date(cadre_order_form, backend):
    page = cadre_order_form
    page.select_option("#lines-1-product", index=1)
    page.fill("#lines-1-quantity", "2")
    page.fill("#wanted_from", "2020-03-03")
    page.fill("#wanted_to", "")
    errors = _errors_after_submit(page)
    assert set(errors) == {"wanted_to"}
    assert "最晚送货日期" in errors["wanted_to"]["text"]
    assert 0 <= errors["wanted_to"]["gap"] < 40 and errors["wanted_to"]["between"] == 0


def test_every_error_of_an_order_form_sits_under_its_own_field(cadre_order_form, backend):
    page = cadre_order_form
    page.fill("#wanted_from", "")
    page.fill("#window_end", "10:00")
    errors = _errors_after_submit(page)
    assert {"wanted_from", "wanted_to", "window_start"} <= set(errors)
    _assert_under_own_fields(errors)


@pytest.mark.parametrize(
    ("role", "path", "button"),
    [
        ("cadre", "/intake/households/new", "保存农户"),
        ("dispatcher", "/catalogue/outlets/new", "保存"),
        ("dispatcher", "/catalogue/products/new", "保存"),
        ("admin", "/admin/users/new", "创建账号"),
    ],
)
def test_every_error_of_an_empty_form_sits_under_its_own_field(
    browser, seeded_site, role, path, button, backend
):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, seeded_site.server.url, seeded_site.county.logins[role])
        page.goto(seeded_site.server.url + path)
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_selector("[data-error]")
        errors = {found["name"]: found for found in page.evaluate(PLACEMENT)}
    finally:
        context.close()
    assert errors
    _assert_under_own_fields(errors)


def _assert_under_own_fields(errors: dict[str, dict]) -> None:
    for name, found in errors.items():
        if not found["field"]:
            assert found["in_group"], (name, found)  # about a group: at the group's end
            continue
        assert 0 <= found["gap"] < 40, (name, found)
        assert found["between"] == 0, (name, found)
