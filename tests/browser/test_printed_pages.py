"""The pages people print (route sheets, the outlet's pick and packing lists and bag labels,
the township's sign-up poster, the volunteers' links), printed by Chromium on A4 in both
languages: nothing runs past the printable width or out of its table cell, the site's top
bar stays off the paper,
and a poster or a sheet of eight labels is one page."""

from __future__ import annotations

import io
import math

import pytest
from pypdf import PdfReader

from tests.browser.pages import page_url, seeded_site, tab_per_role

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

__all__ = ["seeded_site"]

PX_PER_MM = 96 / 25.4
# A4 is 210 mm wide; every printed page keeps at least 10 mm margins on each side.
PRINTABLE_PX = math.floor(190 * PX_PER_MM)
A4_POINTS = (595.28, 841.89)  # 210 x 297 mm; Chromium rounds its own A4 up by a point

# (who prints it, the page's rule, how many A4 pages it may take at most; None: any).
PRINTED = [
    ("dispatcher", "/plans/<day>/sheets", None),
    ("dispatcher", "/plans/volunteers", None),
    ("dispatcher", "/volunteers/poster/<int:township_id>", 1),
    ("outlet_staff", "/outlets/<int:outlet_id>/days/<day>/packing", None),
    ("outlet_staff", "/outlets/<int:outlet_id>/days/<day>/labels", 1),  # up to 8 labels
]

# Whatever reaches past the printable width, named; and whether the top bar is printed.
MEASURE = """
(width) => {
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.getClientRects().length) continue;
    const right = el.getBoundingClientRect().right;
    if (right > width + 0.5) wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(right)} px`);
  }
  // A cell whose text runs out of it overlaps its neighbour on paper.
  const overflowing = [...document.querySelectorAll('th, td')]
    .filter(cell => cell.getClientRects().length && cell.scrollWidth > cell.clientWidth + 1)
    .map(cell => cell.innerText.trim().slice(0, 30));
  const bar = document.querySelector('.topbar');
  return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 8), overflowing,
          barPrinted: !!bar && bar.getClientRects().length > 0,
          labels: document.querySelectorAll('.bag-label').length};
}
"""


@pytest.fixture(scope="module", params=["zh-CN", "en"])
def printing_tabs(request, browser, seeded_site):
    first_path = "/login?lang=en" if request.param == "en" else ""
    viewport = {"width": PRINTABLE_PX, "height": 1000}
    with tab_per_role(browser, seeded_site, viewport, request.param, first_path) as tabs:
        for page in tabs.values():
            page.emulate_media(media="print")
        yield tabs


@pytest.mark.parametrize(("who", "rule", "most_pages"), PRINTED, ids=[r for _w, r, _p in PRINTED])
def test_a_printed_page_fits_a4(printing_tabs, seeded_site, who, rule, most_pages, backend):
    page = printing_tabs[who]
    response = page.goto(seeded_site.server.url + page_url(rule, seeded_site.county.url_args))
    assert response.status == 200
    page.wait_for_load_state("load")
    found = page.evaluate(MEASURE, PRINTABLE_PX)
    assert found["scrollWidth"] <= PRINTABLE_PX and not found["wide"], found
    assert not found["overflowing"], f"text runs out of its cell: {found['overflowing']}"
    assert not found["barPrinted"], "the site's top bar is printed"
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    for paper in pdf.pages:
        size = [float(v) for v in paper.mediabox[2:]]
        assert all(abs(a - b) < 1.5 for a, b in zip(size, A4_POINTS, strict=True)), size
    if "labels" in rule:
        most_pages = math.ceil(found["labels"] / 8)
        assert found["labels"] >= 1
    if most_pages is not None:
        assert len(pdf.pages) <= most_pages, f"{len(pdf.pages)} A4 pages"
