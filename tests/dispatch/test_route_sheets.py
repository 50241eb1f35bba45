"""Route sheets: one A4 page per short run, in Chinese, with the volunteer's name and link;
a long run goes on over more pages with the table header repeated."""

import io
import re
import sys
from collections import Counter
from decimal import Decimal

import segno
from pypdf import PdfReader
from sqlalchemy import event, select

from supply_match.extensions import db
from supply_match.models import DeliveryPlan, DeliveryRun, DeliveryStop, StopItem
from supply_match.services.documents import route_sheets, svg_map
from supply_match.services.documents.route_sheets import (
    QR_PNG_SCALE,
    render_html,
    render_pdf,
    sheets_for_plan,
)
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders, household

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


def stored_plan(county, stops_per_run, volunteers=None):
    """A plan stored as the planner would, without solving: one run per volunteer (trips
    counted when one comes again) with the given number of stops, each handing over seed
    to one household."""
    plan = DeliveryPlan(delivery_date=DAY)
    trips = Counter()
    for position, (volunteer, count) in enumerate(
        zip(volunteers or county["volunteers"], stops_per_run, strict=False)
    ):
        trips[volunteer.id] += 1
        run = DeliveryRun(
            volunteer=volunteer,
            trip=trips[volunteer.id],
            outlet=county["outlet"],
            position=position,
            start_s=8 * 3600,
            end_s=8 * 3600 + count * 900,
            distance_m=1000 * count,
        )
        for n in range(count):
            home = household(county, 100 * position + n)
            order = factories.order(
                household=home, lines=[(county["seed"], 2)], wanted_from=DAY, wanted_to=DAY
            )
            stop = DeliveryStop(
                position=n,
                delivery_point="home",
                household=home,
                village=county["village"],
                label=home.name,
                lat=home.lat,
                lon=home.lon,
                arrival_s=8 * 3600 + n * 900,
                weight_kg=Decimal(2),
            )
            stop.items.append(StopItem(order=order, order_line=order.lines[0], quantity=2))
            run.stops.append(stop)
        plan.runs.append(run)
    db.session.add(plan)
    db.session.commit()
    return plan


def pdf_of(app, plan):
    with app.test_request_context():
        return PdfReader(io.BytesIO(render_pdf(sheets_for_plan(plan, link_for))))


def test_the_pdf_has_one_page_per_run_with_each_volunteers_name(app, county):
    plan = two_run_plan(county)
    reader = pdf_of(app, plan)
    assert len(reader.pages) == len(plan.runs)
    for page, run in zip(reader.pages, plan.runs, strict=True):
        text = page.extract_text()
        assert run.volunteer.name in text
        assert "装货清单" in text and "签收" in text


def test_a_long_run_goes_on_over_pages_with_the_header_repeated_and_the_next_starts_anew(
    app, county
):
    plan = stored_plan(county, [40, 2])
    long_run, short_run = plan.runs
    pages = [page.extract_text() for page in pdf_of(app, plan).pages]

    starts = [i for i, text in enumerate(pages) if "农资集中配送单" in text]
    assert len(starts) == 2 and starts[0] == 0  # each run starts a page of its own
    long_pages, short_pages = pages[: starts[1]], pages[starts[1] :]
    assert len(long_pages) >= 2 and len(short_pages) == 1
    for text in long_pages:
        # the stops table's header on every page
        assert all(head in text for head in ("农户", "手机", "村组", "货物", "签收"))
    assert long_run.volunteer.name in long_pages[0]
    assert short_run.volunteer.name in short_pages[0]
    assert long_run.volunteer.name not in short_pages[0]
    # Every household of the long run is on its pages, and the last ones past the first.
    households = [stop.label for stop in long_run.stops]
    assert all(any(name in text for text in long_pages) for name in households)
    assert households[-1] not in long_pages[0] and households[-1] in "".join(long_pages[1:])


def test_the_pdf_carries_each_volunteers_qr_code_as_an_image_of_the_link(app, county):
    plan = stored_plan(county, [3, 2])
    reader = pdf_of(app, plan)
    for page, run in zip(reader.pages, plan.runs, strict=True):
        # The pages share one list of resources: take the image this page draws.
        drawn = {
            name.decode() for name in re.findall(rb"/(\w+) Do", page.get_contents().get_data())
        }
        (image,) = [i for i in page.images if i.name.rsplit(".", 1)[0] in drawn]
        picture = image.image.convert("L")
        # Sample the middle of every module and compare with the code of the link.
        expected = segno.make(link_for(run.volunteer), error="m").matrix
        size = len(expected) + 2  # one module of quiet zone each side
        assert picture.width == picture.height == size * QR_PNG_SCALE
        seen = [
            [
                picture.getpixel(((col + 1.5) * QR_PNG_SCALE, (row + 1.5) * QR_PNG_SCALE)) < 128
                for col in range(len(expected))
            ]
            for row in range(len(expected))
        ]
        assert seen == [[bool(module) for module in line] for line in expected]


def test_a_sheet_lists_the_load_the_stops_and_the_link(app, county):
    plan = two_run_plan(county)
    with app.test_request_context():
        sheets = sheets_for_plan(plan, link_for)
        html = render_html(sheets)
        pdf_html = render_html(sheets, for_pdf=True)
    for sheet, run in zip(sheets, plan.runs, strict=True):
        assert sheet.total_weight_kg == sum(stop.weight_kg for stop in run.stops)
        assert [s.number for s in sheet.stops] == list(range(1, len(run.stops) + 1))
        assert sheet.link == link_for(run.volunteer)
        assert "<svg" in sheet.qr_svg and "<polyline" in sheet.map_svg
        assert sheet.qr_png.startswith("data:image/png;base64,")
        assert sheet.qr_svg in html and sheet.qr_png in pdf_html
    assert html.count('class="sheet"') == len(plan.runs)
    assert "农资集中配送单" in html


def test_sheets_load_a_day_in_a_few_queries_however_many_stops(app, county):
    def queries_for(plan):
        db.session.expire_all()
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            with app.test_request_context():
                sheets = sheets_for_plan(db.session.get(DeliveryPlan, plan.id), link_for)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements), sheets

    plan = stored_plan(county, [12, 9])
    few, sheets = queries_for(plan)
    assert [len(sheet.stops) for sheet in sheets] == [12, 9]
    # One asks whether a road network is loaded; one reads the prices of every run at once.
    assert few <= 17
    for run in plan.runs:  # as many stops again: the count stays the same
        for stop in list(run.stops):
            run.stops.append(
                DeliveryStop(
                    position=stop.position + 20,
                    delivery_point="home",
                    household=stop.household,
                    village=stop.village,
                    label=stop.label,
                    lat=stop.lat,
                    lon=stop.lon,
                    weight_kg=stop.weight_kg,
                    items=[
                        StopItem(order=i.order, order_line=i.order_line, quantity=i.quantity)
                        for i in stop.items
                    ],
                )
            )
    db.session.commit()
    again, sheets = queries_for(plan)
    assert [len(sheet.stops) for sheet in sheets] == [24, 18]
    assert again == few


def test_the_sheet_map_leaves_out_the_hover_titles_the_plan_map_keeps():
    layer = svg_map.MapLayer(
        runs=[svg_map.MapRun("#1f77b4", [(29.29, 108.17), (29.32, 108.2)], ["张三"])],
        outlets=[(29.29, 108.17, "汉葭网点")],
    )
    on_screen = svg_map.render(layer)
    on_paper = svg_map.render(layer, tooltips=False)
    assert "<title>1. 张三</title>" in on_screen and "<title>" not in on_paper
    for svg in (on_screen, on_paper):
        assert svg.count("<circle") == 1 and "<polyline" in svg and "汉葭网点" in svg


def test_an_outlet_name_at_the_right_edge_of_the_map_is_written_to_its_left():
    layer = svg_map.MapLayer(
        runs=[svg_map.MapRun("#1f77b4", [(29.30, 108.30), (29.29, 108.10)], ["张三"])],
        outlets=[(29.30, 108.30, "郁山镇中心供销网点"), (29.29, 108.10, "汉葭网点")],
    )
    svg = svg_map.render(layer, width=640)
    texts = dict(
        (name, attrs)
        for attrs, name in re.findall(r"<text ([^>]*)>([^<]*)</text>", svg)
        if "网点" in name
    )
    east, west = texts["郁山镇中心供销网点"], texts["汉葭网点"]
    assert 'text-anchor="end"' in east and "text-anchor" not in west
    east_x = float(re.search(r'x="([\d.]+)"', east).group(1))
    assert east_x <= 640 - 24  # right of the text ends left of the square, inside the map


def test_a_changed_plan_never_prints_an_old_pdf_and_an_unchanged_one_is_not_made_again(
    app, county, monkeypatch
):
    import weasyprint

    made = []
    write_pdf = weasyprint.HTML.write_pdf
    monkeypatch.setattr(
        weasyprint.HTML, "write_pdf", lambda self, **kw: made.append(1) or write_pdf(self, **kw)
    )
    plan = stored_plan(county, [3, 2])
    first = pdf_of(app, plan)
    assert pdf_of(app, plan).pages[0].extract_text() == first.pages[0].extract_text()
    assert len(made) == 1  # the same day again: the PDF made a moment ago

    stop = plan.runs[0].stops[1]
    old_name = stop.household.name
    stop.household.name = "改名户"
    db.session.commit()
    changed = pdf_of(app, plan).pages[0].extract_text()
    assert len(made) == 2
    assert "改名户" in changed and old_name not in changed

    plan.runs[0].stops.remove(stop)  # a stop taken off the run
    db.session.commit()
    shorter = pdf_of(app, plan).pages[0].extract_text()
    assert len(made) == 3 and "改名户" not in shorter


def test_a_second_trip_has_a_sheet_of_its_own_that_says_so(app, county):
    volunteer = county["volunteers"][0]
    plan = stored_plan(county, [2, 2], volunteers=[volunteer, volunteer])
    first, second = [page.extract_text() for page in pdf_of(app, plan).pages]
    assert volunteer.name in first and volunteer.name in second
    assert "第 2 趟" in second and "趟" not in first


def test_only_the_newest_documents_are_kept(app, county, monkeypatch):
    from supply_match.models import RenderedDocument

    monkeypatch.setattr(route_sheets, "KEEP_DOCUMENTS", 1)
    plan = stored_plan(county, [2])
    pdf_of(app, plan)
    plan.runs[0].stops[0].household.name = "又一户"
    db.session.commit()
    newest = pdf_of(app, plan)
    db.session.commit()
    kept = db.session.scalars(select(RenderedDocument)).all()
    assert len(kept) == 1
    assert "又一户" in PdfReader(io.BytesIO(kept[0].content)).pages[0].extract_text()
    assert "又一户" in newest.pages[0].extract_text()


def test_every_page_of_a_long_run_is_headed_with_its_volunteer_date_and_run(app, county):
    plan = stored_plan(county, [40, 2])
    long_run, _short = plan.runs
    pages = [page.extract_text() for page in pdf_of(app, plan).pages]
    long_pages = pages[:-1]
    assert len(long_pages) >= 2
    for text in long_pages:
        assert long_run.volunteer.name in text
        assert "2020年3月3日" in text and "08:00–18:00" in text  # the run's day and hours
    # The map sits beside the load list on the first page: no page holds only a map, and
    # every further page goes on with the stops table.
    for text in long_pages[1:]:
        assert "签收" in text and long_run.stops[-1].label in "".join(long_pages[1:])


def test_sheets_of_a_dozen_stops_fit_on_one_page_each(app, county):
    # The map beside the load list and a compact stops table: 15 stops of short names fit
    # (the 40-stop run above goes on over pages).
    plan = stored_plan(county, [12, 8])
    pages = [p.extract_text() for p in pdf_of(app, plan).pages]
    assert len(pages) == 2, pages


def test_a_household_visited_twice_is_marked_part_one_and_two_of_two(app, county):
    plan = stored_plan(county, [2, 2])
    first, second = plan.runs
    again = second.stops[0]
    again.household, again.label = first.stops[1].household, first.stops[1].label
    db.session.commit()
    with app.test_request_context():
        sheets = sheets_for_plan(plan, link_for)
        html = render_html(sheets)
    assert [s.part for s in sheets[0].stops] == [None, (1, 2)]
    assert [s.part for s in sheets[1].stops] == [(2, 2), None]
    assert "第1部分，共2部分" in html and "第2部分，共2部分" in html


def test_a_kept_pdf_comes_back_without_its_html_being_made_and_the_title_and_language_count(
    app, county, monkeypatch
):
    """The kept PDF is found by a digest of what the sheets show, before any HTML: the
    same day again makes no HTML; the service title (from the county's settings, not the
    sheets' data) and the language each make a PDF of their own."""
    plan = stored_plan(county, [2])
    first = pdf_of(app, plan).pages[0].extract_text()
    made_html = []
    render_html = route_sheets.render_html
    monkeypatch.setattr(
        route_sheets, "render_html", lambda *a, **kw: made_html.append(1) or render_html(*a, **kw)
    )
    assert pdf_of(app, plan).pages[0].extract_text() == first
    assert made_html == []
    # Nor is WeasyPrint imported (half a second of each web process's first PDF request).
    with monkeypatch.context() as without_weasyprint:
        without_weasyprint.setitem(sys.modules, "weasyprint", None)
        assert pdf_of(app, plan).pages[0].extract_text() == first

    factories.save_county_settings(service_title="彭水农资配送")
    retitled = pdf_of(app, plan).pages[0].extract_text()
    assert made_html == [1]
    assert "彭水农资配送" in retitled and "彭水农资配送" not in first

    with app.test_request_context():
        english = PdfReader(io.BytesIO(render_pdf(sheets_for_plan(plan, link_for), locale="en")))
    assert made_html == [1, 1]
    assert "Load list" in english.pages[0].extract_text()
