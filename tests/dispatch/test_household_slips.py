"""Households' delivery slips: one A6 slip per household and stop, four to an A4 page,
naming the household, village and group, goods, day and volunteer, with the QR code of
the household's own page; for an outlet's day and for one run, as HTML and a PDF the
worker makes after publishing."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from supply_match import urls
from supply_match.extensions import db
from supply_match.models import PlanStatus, RenderedDocument, Role
from supply_match.queue import work_one
from supply_match.services.delivery import household_page
from supply_match.services.documents import household_slips
from supply_match.services.errors import NotFoundError
from supply_match.services.planning.publishing import publish
from tests import factories
from tests.dispatch.test_route_sheets import stored_plan, two_run_plan
from tests.web.conftest import auth, fast_password_hashing  # noqa: F401  (fixtures)

SITE = "https://peisong.example/"
A4_PT = (595, 842)
A6_MM = (105, 148)


def page_url(token: str) -> str:
    return f"{SITE}h/{token}"


def published(plan):
    plan.status = PlanStatus.PUBLISHED
    db.session.commit()
    return plan


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def test_four_slips_fill_one_a4_page_and_a_fifth_starts_the_next(app, county):
    plan = published(stored_plan(county, [4, 5]))
    run = plan.runs[0]
    with app.test_request_context():
        four = pdf_reader(household_slips.pdf_for_run(run, page_url))
    assert len(four.pages) == 1
    width, height = (float(v) for v in four.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == A4_PT
    text = four.pages[0].extract_text()
    for stop in run.stops:
        assert stop.household.name in text
    long_run = plan.runs[1]
    with app.test_request_context():
        five = pdf_reader(household_slips.pdf_for_run(long_run, page_url))
        html = household_slips.render_html(
            household_slips.slips_for_runs([long_run], page_url), for_pdf=True
        )
    # Each slip carries its QR code as an image.
    assert html.count('<img src="data:image/png;base64,') == 5
    assert len(five.pages) == 2
    # In loading order, the first stop's bag is packed last: alone on the second page.
    names = [stop.household.name for stop in long_run.stops]
    second = five.pages[1].extract_text()
    assert names[0] in second and not any(name in second for name in names[1:])


def test_a_slip_names_household_place_goods_day_and_volunteer(app, county):
    plan = published(stored_plan(county, [2]))
    run = plan.runs[0]
    with app.test_request_context():
        slips = household_slips.slips_for_runs([run], page_url)
        text = pdf_reader(household_slips.render_pdf(slips, cache=False)).pages[0].extract_text()
    # In loading order: the last stop's bag first.
    assert [slip.household for slip in slips] == [s.household.name for s in reversed(run.stops)]
    home = run.stops[0].household
    slip = slips[1]
    assert slip.link == page_url(household_page.token_for(home))
    assert slip.stop_number == 1
    assert slip.place == f"{home.village.township.name}{home.village.name}{home.group_no}组"
    compact = text.replace(" ", "").replace("\n", "")
    for expected in (
        home.name,
        slip.place,
        "玉米种子2",
        "2020-03-03",
        run.volunteer.name,
        run.volunteer.mobile,
        "送货单",
        "扫码查看",
    ):
        assert expected.replace(" ", "") in compact, expected


def test_the_slips_page_is_a6_on_a4_for_print(app, county):
    plan = published(stored_plan(county, [1]))
    with app.test_request_context():
        html = household_slips.render_html(
            household_slips.slips_for_runs(plan.runs, page_url), for_pdf=False
        )
    assert "household_slips.css" in html and "<svg" in html
    rules = (Path(app.static_folder) / "css" / "household_slips.css").read_text(encoding="utf-8")
    assert "size: A4" in rules
    assert f"width: {A6_MM[0]}mm" in rules and "height: 148.5mm" in rules


def test_no_slip_for_a_draft_day(app, county):
    plan = stored_plan(county, [2])
    assert plan.status == PlanStatus.DRAFT
    with pytest.raises(NotFoundError):
        household_slips.outlet_day_runs(county["outlet"], plan.delivery_date)
    with pytest.raises(NotFoundError):
        household_slips.published_run(plan.runs[0].id)


def test_outlet_staff_print_their_own_outlets_slips(client, auth, county):  # noqa: F811
    plan = published(stored_plan(county, [2, 1]))
    other = factories.outlet(township=county["township"], name="别的网点")
    factories.user(Role.OUTLET_STAFF, username="shop", outlet_id=county["outlet"].id)
    factories.user(Role.OUTLET_STAFF, username="elsewhere", outlet_id=other.id)
    db.session.commit()
    outlet_id, run = county["outlet"].id, plan.runs[0]
    auth.login("elsewhere")
    assert client.get(f"/outlets/{outlet_id}/days/2020-03-03/slips").status_code == 403
    assert client.get(f"/outlets/runs/{run.id}/slips.pdf").status_code == 403
    assert client.get(f"/api/v1/runs/{run.id}/slips").status_code == 404
    auth.logout()
    auth.login("shop")
    html = client.get(f"/outlets/{outlet_id}/days/2020-03-03/slips").get_data(as_text=True)
    assert html.count('class="slip"') == 3
    assert client.get(f"/outlets/{outlet_id}/days/2020-03-04/slips").status_code == 404
    response = client.get(f"/outlets/{outlet_id}/days/2020-03-03/slips.pdf")
    assert response.mimetype == "application/pdf" and len(pdf_reader(response.data).pages) == 1
    response = client.get(f"/outlets/runs/{run.id}/slips")
    assert response.get_data(as_text=True).count('class="slip"') == 2
    api = client.get("/api/v1/plans/2020-03-03/slips")  # their own outlet by default
    assert api.mimetype == "application/pdf"
    assert run.volunteer.name in pdf_reader(api.data).pages[0].extract_text()
    assert client.get(f"/api/v1/runs/{run.id}/slips").mimetype == "application/pdf"


def test_the_worker_makes_the_slips_after_publishing(app, client, auth, county):  # noqa: F811
    app.config["SITE_URL"] = SITE
    plan = two_run_plan(county)
    publish(plan, site_url=SITE)
    while work_one(app.extensions["queue"]):
        pass
    kept = db.session.scalars(
        select(RenderedDocument).where(RenderedDocument.kind == household_slips.DOCUMENT_KIND)
    ).all()
    assert len(kept) == 1  # one outlet loads the day
    factories.user(Role.DISPATCHER, username="disp")
    db.session.commit()
    auth.login("disp")
    response = client.get(f"/outlets/{county['outlet'].id}/days/2020-03-03/slips.pdf")
    assert response.data == kept[0].content  # the worker's PDF, not laid out again
    # Its QR codes hold the households' pages under the site's address.
    with app.test_request_context():
        slips = household_slips.slips_for_runs(plan.runs, urls.household_link_builder(SITE))
    assert {slip.link for slip in slips} == {
        f"{SITE}h/{household_page.token_for(stop.household)}"
        for run in plan.runs
        for stop in run.stops
    }
