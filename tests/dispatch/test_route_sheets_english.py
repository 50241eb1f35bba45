"""Route sheets for a dispatcher who reads English: the PDF and the page carry no Chinese
but the county's own data (names, places, products), and the Chinese sheets stay the
default."""

import io
import re

from pypdf import PdfReader

from supply_match.services.documents.route_sheets import render_html, render_pdf, sheets_for_plan
from tests.dispatch.test_route_sheets import link_for, two_run_plan

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+")


def _data_of(plan) -> list[str]:
    """What a sheet may show in Chinese in any language: stored names, places, goods."""
    values = set()
    for run in plan.runs:
        values.update((run.volunteer.name, run.outlet.name, run.outlet.address))
        values.add(run.volunteer.party_branch or "")
        for stop in run.stops:
            values.update((stop.label, stop.village.name, stop.village.township.name))
            if stop.household is not None:
                values.add(stop.household.name)
            for item in stop.items:
                values.update((item.order_line.product.name, item.order_line.product.unit))
    return sorted((v for v in values if v), key=len, reverse=True)


def _chinese_left(text: str, data: list[str]) -> list[str]:
    # Without white space: a PDF's narrow cells break a place name over two lines.
    text = re.sub(r"\s+", "", text)
    for value in sorted((re.sub(r"\s+", "", v) for v in data), key=len, reverse=True):
        text = text.replace(value, "|")
    return sorted(set(HAN.findall(text)))


def test_english_sheets_have_no_chinese_outside_the_data(app, county):
    plan = two_run_plan(county)
    with app.test_request_context("/?lang=en"):
        sheets = sheets_for_plan(plan, link_for, "en")
        html = render_html(sheets, for_pdf=True, locale="en")
        pdf = render_pdf(sheets, cache=False, locale="en")
    text = re.sub(r"<[^>]+>", " ", html)
    assert "Load list" in text and "Stops in order" in text
    assert _chinese_left(text, _data_of(plan)) == []
    pages = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Farm supplies delivery sheet" in pages
    assert _chinese_left(pages, _data_of(plan)) == []


def test_sheets_stay_chinese_by_default(app, county):
    plan = two_run_plan(county)
    with app.test_request_context("/?lang=en"):
        html = render_html(sheets_for_plan(plan, link_for), for_pdf=True)
    assert "农资集中配送单" in html and "Load list" not in html
