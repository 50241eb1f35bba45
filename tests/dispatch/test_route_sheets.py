"""Route sheets: one A4 page per short run, in Chinese, with the volunteer's name and link."""

import io

from pypdf import PdfReader

from supply_match.extensions import db
from supply_match.services.planning import PlanningSettings, plan_day
from supply_match.services.route_sheets import render_html, render_pdf, sheets_for_plan
from tests.days import DAY, allocated_orders

SETTINGS = PlanningSettings(solution_limit=30)


def link_for(volunteer):
    return f"https://peisong.example/v/{volunteer.id}"


def two_run_plan(county):
    # 600 kg of urea needs both vehicles (500 kg and 400 kg).
    allocated_orders(county, [[(county["urea"], 6)], [(county["urea"], 6)], [(county["seed"], 4)]])
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()
    assert len(plan.runs) == 2
    return plan


def test_the_pdf_has_one_page_per_run_with_each_volunteers_name(app, county):
    plan = two_run_plan(county)
    with app.test_request_context():
        pdf = render_pdf(sheets_for_plan(plan, link_for))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(plan.runs)
    for page, run in zip(reader.pages, plan.runs, strict=True):
        text = page.extract_text()
        assert run.volunteer.name in text
        assert "装货清单" in text and "签收" in text


def test_a_sheet_lists_the_load_the_stops_and_the_link(app, county):
    plan = two_run_plan(county)
    with app.test_request_context():
        sheets = sheets_for_plan(plan, link_for)
        html = render_html(sheets)
    for sheet, run in zip(sheets, plan.runs, strict=True):
        assert sheet.total_weight_kg == sum(stop.weight_kg for stop in run.stops)
        assert [s.number for s in sheet.stops] == list(range(1, len(run.stops) + 1))
        assert sheet.link == link_for(run.volunteer)
        assert "<svg" in sheet.qr_svg and "<polyline" in sheet.map_svg
    assert html.count('class="sheet"') == len(plan.runs)
    assert "农资集中配送单" in html
