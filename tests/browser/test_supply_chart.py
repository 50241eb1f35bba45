"""The supply chart as Chromium draws it: every product name and every figure lies inside
the picture, whole, on a phone and on a desk (the layout's width estimates are checked
against the text's real measured extent)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import seeded_site, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

__all__ = ["seeded_site"]

# Each text's extent in the SVG's own units (getBBox), the picture's box, and each text's
# rendered font size in CSS pixels.
MEASURE = """
() => {
  const svg = document.querySelector('svg.chart');
  const view = svg.viewBox.baseVal;
  const scale = svg.getBoundingClientRect().width / view.width;
  const texts = [...svg.querySelectorAll('text')].map(text => {
    const box = text.getBBox();
    return {
      text: text.textContent.trim(),
      product: text.closest('[data-chart-product]')?.dataset.chartProduct || null,
      kind: text.hasAttribute('data-label') ? 'label' : (text.dataset.figure || 'legend'),
      left: box.x, right: box.x + box.width, top: box.y, bottom: box.y + box.height,
      px: parseFloat(getComputedStyle(text).fontSize) * scale,
    };
  });
  const rect = svg.getBoundingClientRect();
  return {view: {width: view.width, height: view.height}, texts,
          picture: {left: rect.left, right: rect.right}, innerWidth};
}
"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_chart_labels_and_figures_lie_inside_the_picture(browser, seeded_site, viewport, backend):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, seeded_site.server.url, seeded_site.county.logins["dispatcher"])
        page.goto(seeded_site.server.url + "/supply")
        found = page.evaluate(MEASURE)
    finally:
        context.close()
    view, texts = found["view"], found["texts"]
    labels = [t for t in texts if t["kind"] == "label"]
    names = page_products = {t["product"] for t in texts if t["product"]}
    assert len(labels) == len(names) >= 5
    # Names short enough to fit are printed whole (复合肥 never shows as "!合肥").
    assert all(label["text"] == label["product"] for label in labels), labels
    assert any(label["product"].startswith("复合肥") for label in labels)
    for text in texts:
        assert text["left"] >= 0 and text["right"] <= view["width"], text
        assert text["top"] >= 0 and text["bottom"] <= view["height"], text
    figures = [t for t in texts if t["kind"] in ("ordered", "stock")]
    assert len(figures) == 2 * len(page_products)
    # The picture itself fits the screen, and its smallest text stays readable.
    assert found["picture"]["left"] >= 0 and found["picture"]["right"] <= found["innerWidth"]
    assert min(t["px"] for t in texts) >= 10
