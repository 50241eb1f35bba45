"""Every page in English on a 1280 px desk, as each role that may open it sees it: no word
of Chinese outside the county's own data (names, addresses, products as stored), the top
bar on one row with no label broken over two lines, and no table scrolling sideways."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP
from tests.browser.pages import open_as_each_role, page_rules, seeded_site, tab_per_role
from tests.conftest import make_app

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

__all__ = ["seeded_site"]

# Han characters, and the full-width punctuation that only Chinese text uses.
CHINESE = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+"
)

# The page's visible text (and the words a reader meets without reading the page: the
# title, button values, placeholders, image and map labels), without what is marked as
# being in another language (the link to the Chinese pages), and how the top bar sits.
READ = """
() => {
  const skip = el => el.closest('[lang]:not(html)') && !el.closest('[lang]:not(html)').lang.startsWith('en');
  const words = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || skip(parent) || ['SCRIPT', 'STYLE'].includes(parent.tagName)) continue;
    words.push(node.textContent);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], [alt], input[type=submit], input[type=button]')) {
    if (skip(el)) continue;
    for (const name of ['placeholder', 'aria-label', 'title', 'alt', 'value']) {
      if (el.hasAttribute(name) && (name !== 'value' || ['submit', 'button'].includes(el.type))) words.push(el.getAttribute(name));
    }
  }
  const bar = document.querySelector('.topbar');
  let barRows = 0, brokenLabels = [];
  if (bar) {
    barRows = new Set([...bar.querySelectorAll('.nav li')].filter(li => li.getClientRects().length)
      .map(li => { const r = li.getBoundingClientRect(); return Math.round((r.top + r.bottom) / 16); })).size;
    for (const el of bar.querySelectorAll('.brand, .nav a, .link-button')) {
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > 1) brokenLabels.push(el.innerText.trim());
    }
  }
  const scrolling = [...document.querySelectorAll('.table-wrap')]
    .filter(frame => frame.scrollWidth > frame.clientWidth + 1)
    .map(frame => (frame.querySelector('table')?.className || 'table'));
  return {words, barRows, brokenLabels, scrolling,
          wide: document.documentElement.scrollWidth > innerWidth};
}
"""


def _rules():
    return page_rules(make_app("sqlite://"))


@pytest.fixture(scope="module")
def english_pages(browser, seeded_site):
    # The language chosen once stays in the session, through signing in.
    with tab_per_role(browser, seeded_site, DESKTOP, "en-US", "/login?lang=en") as tabs:
        yield tabs


def chinese_outside_data(words: list[str], data: list[str]) -> list[str]:
    """The Chinese left in ``words`` once every stored value (longest first) is taken out."""
    text = "\n".join(words)
    for value in data:
        if CHINESE.search(value):
            text = text.replace(value, " ")
    return sorted(set(CHINESE.findall(text)))


@pytest.mark.parametrize(("endpoint", "rule"), _rules(), ids=[endpoint for endpoint, _ in _rules()])
def test_english_page_reads_in_english(english_pages, seeded_site, endpoint, rule, backend):
    problems = []
    for who, page in open_as_each_role(english_pages, seeded_site, rule):
        found = page.evaluate(READ)
        chinese = chinese_outside_data(found["words"], seeded_site.county.data_strings)
        if chinese:
            problems.append(f"{who}: Chinese outside the data: {chinese}")
        if found["barRows"] > 1 or found["brokenLabels"]:
            problems.append(f"{who}: the top bar wraps: {found['brokenLabels']}")
        if found["scrolling"]:
            problems.append(f"{who}: tables scroll sideways at 1280 px: {found['scrolling']}")
        if found["wide"]:
            problems.append(f"{who}: the page scrolls sideways at 1280 px")
    assert not problems, "\n".join(problems)
