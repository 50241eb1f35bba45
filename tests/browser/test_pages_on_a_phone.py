"""Every page at 375 px, as each role that may open it sees it in Chromium: nothing scrolls
sideways, every control is a tap target at least 40 px tall, and every table shows each
row whole (a list table becomes cards) or, for a wide table of figures (class `matrix`),
scrolls inside its frame with its first column pinned, so that each row stays named."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE
from tests.browser.pages import ROLES, page_rules, page_url, seeded_site, sign_in
from tests.conftest import make_app

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

__all__ = ["seeded_site"]  # the module fixture, imported for pytest

MIN_TAP_PX = 40

# What the page measures: its own width, every control too short to tap (a checkbox or a
# radio button is tapped through its label, so the label is what counts), and every
# table whose rows lose their name when the table is scrolled to its right end.
MEASURE = """
(minTap) => {
  const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const describe = el => el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : '')
    + (el.type ? `[type=${el.type}]` : '') + ` "${(el.innerText || el.value || '').trim().slice(0, 30)}"`;
  const short = [];
  for (const el of document.querySelectorAll('input, select, textarea, button')) {
    if (el.type === 'hidden' || !visible(el)) continue;
    let target = el;
    if (el.type === 'checkbox' || el.type === 'radio') {
      target = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    }
    const height = target.getBoundingClientRect().height;
    if (height < minTap) short.push(`${describe(el)} ${Math.round(height)} px`);
  }
  const unnamedRows = [];
  const overflowingCards = [];
  for (const table of document.querySelectorAll('table')) {
    if (!visible(table)) continue;
    const frame = table.closest('.table-wrap') || table.parentElement;
    if (table.classList.contains('cards')) {
      if (table.getBoundingClientRect().right > innerWidth + 0.5) overflowingCards.push(table.dataset.table || table.className);
      continue;
    }
    if (frame.scrollWidth <= frame.clientWidth) continue;
    if (!table.classList.contains('matrix')) {
      overflowingCards.push(`${table.dataset.table || table.className} scrolls sideways`);
      continue;
    }
    frame.scrollLeft = frame.scrollWidth;
    const box = frame.getBoundingClientRect();
    for (const row of table.rows) {
      const first = row.cells[0];
      if (!first) continue;
      const r = first.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5) {
        unnamedRows.push(`${table.dataset.table || table.className}: "${first.innerText.trim().slice(0, 20)}"`);
        break;
      }
    }
    frame.scrollLeft = 0;
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth,
    short,
    unnamedRows,
    overflowingCards,
  };
}
"""


def _rules():
    return page_rules(make_app("sqlite://"))


@pytest.fixture(scope="module")
def phone_pages(browser, seeded_site):
    """One signed-in phone-sized tab per role (and one signed out)."""
    contexts, pages = [], {}
    for role in (None, *ROLES):
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role:
            sign_in(page, seeded_site.server.url, seeded_site.county.logins[role])
        contexts.append(context)
        pages[role] = page
    yield pages
    for context in contexts:
        context.close()


def measure(page) -> dict:
    page.wait_for_load_state("load")
    if page.locator("[data-loading], .loading").count():
        page.wait_for_timeout(300)  # the volunteer's page fills itself from its JSON
    return page.evaluate(MEASURE, MIN_TAP_PX)


@pytest.mark.parametrize(("endpoint", "rule"), _rules(), ids=[endpoint for endpoint, _ in _rules()])
def test_page_fits_a_phone(phone_pages, seeded_site, endpoint, rule, backend):
    url = page_url(rule, seeded_site.county.url_args)
    assert url is not None, f"{rule}: the seeded county has no value for its arguments"
    opened = []
    problems = []
    for role, page in phone_pages.items():
        response = page.goto(seeded_site.server.url + url)
        if response.status != 200 or ("/login" in page.url and rule != "/login"):
            continue
        opened.append(role)
        found = measure(page)
        who = role or "signed out"
        if found["scrollWidth"] > found["innerWidth"]:
            problems.append(f"{who}: the page is {found['scrollWidth']} px wide at 375")
        problems += [f"{who}: too short to tap: {item}" for item in found["short"]]
        problems += [f"{who}: row names scroll away: {item}" for item in found["unnamedRows"]]
        problems += [f"{who}: table wider than the screen: {t}" for t in found["overflowingCards"]]
    assert opened, f"{url}: no role could open the page"
    assert not problems, "\n".join(problems)
