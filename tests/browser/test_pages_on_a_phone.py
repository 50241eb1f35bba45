"""Every page at 375 px, as each role that may open it sees it in Chromium: nothing scrolls
sideways, every control is a tap target at least 40 px tall, and every table shows each
row whole (a list table becomes cards) or, for a wide table of figures (class `matrix`),
scrolls inside its frame with its first column pinned, so that each row stays named."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE
from tests.browser.pages import open_as_each_role, page_rules, seeded_site, tab_per_role
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
    with tab_per_role(browser, seeded_site, PHONE, "zh-CN") as tabs:
        yield tabs


@pytest.mark.parametrize(("endpoint", "rule"), _rules(), ids=[endpoint for endpoint, _ in _rules()])
def test_page_fits_a_phone(phone_pages, seeded_site, endpoint, rule, backend):
    problems = []
    for who, page in open_as_each_role(phone_pages, seeded_site, rule):
        found = page.evaluate(MEASURE, MIN_TAP_PX)
        if found["scrollWidth"] > found["innerWidth"]:
            problems.append(f"{who}: the page is {found['scrollWidth']} px wide at 375")
        problems += [f"{who}: too short to tap: {item}" for item in found["short"]]
        problems += [f"{who}: row names scroll away: {item}" for item in found["unnamedRows"]]
        problems += [f"{who}: table wider than the screen: {t}" for t in found["overflowingCards"]]
    assert not problems, "\n".join(problems)
