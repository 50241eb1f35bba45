"""The dispatcher's delivery-day pages: prepare, plan in the background, review, move,
publish, print, follow; and who may open them."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import DeliveryPlan, Order, OrderStatus, PlanningJob
from supply_match.queue import work_one
from tests import factories
from tests.days import DAY, allocated_orders


@pytest.fixture
def dispatcher(app, auth):
    user = factories.user(role="dispatcher", username="diaodu-test")
    db.session.commit()
    auth.login("diaodu-test")
    return user


@pytest.fixture
def day_orders(county):
    return allocated_orders(
        county, [[(county["urea"], 6)], [(county["urea"], 6)], [(county["seed"], 4)]]
    )


def plan_through_the_pages(app, client, county, orders):
    page = client.get(f"/plans/{DAY.isoformat()}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-figure="orders">3<' in text
    form = {
        "order": [o.id for o in orders],
        "volunteer": [v.id for v in county["volunteers"]],
        "time_limit": "10",
        "separate_pesticide": "1",
    }
    response = client.post(f"/plans/{DAY.isoformat()}/start", data=form)
    assert response.status_code == 302
    job = db.session.scalar(select(PlanningJob))
    assert response.headers["Location"].endswith(f"/plans/jobs/{job.id}")
    progress = client.get(f"/plans/jobs/{job.id}").get_data(as_text=True)
    assert "<progress" in progress and 'http-equiv="refresh"' in progress
    work_one(app.extensions["queue"])  # the worker takes the job
    db.session.expire_all()
    done = client.get(f"/plans/jobs/{job.id}")
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"/plans/{DAY.isoformat()}"
    )
    return db.session.scalar(select(DeliveryPlan))


def test_plan_review_publish_and_print_a_day(app, client, dispatcher, county, day_orders):
    plan = plan_through_the_pages(app, client, county, day_orders)
    page = client.get(f"/plans/{DAY.isoformat()}").get_data(as_text=True)
    assert "<svg" in page and "<polyline" in page
    for run in plan.runs:
        assert run.volunteer.name in page
        # The overview table links each run to its section.
        assert f'href="#run-{run.id}"' in page and f'id="run-{run.id}"' in page
    assert "装载率" in page
    # The change log speaks words, not codes.
    assert "已规划" in page and "planned" not in page.split('class="changes"')[1]
    assert all(o.status == OrderStatus.ALLOCATED for o in db.session.scalars(select(Order)))

    assert client.post(f"/plans/{DAY.isoformat()}/publish").status_code == 302
    db.session.expire_all()
    on_runs = {i.order_id for r in plan.runs for s in r.stops for i in s.items}
    assert {
        o.id for o in db.session.scalars(select(Order).where(Order.status == OrderStatus.SCHEDULED))
    } == on_runs

    sheets = client.get(f"/plans/{DAY.isoformat()}/sheets")
    assert sheets.status_code == 200 and "农资集中配送单" in sheets.get_data(as_text=True)
    pdf = client.get(f"/plans/{DAY.isoformat()}/sheets.pdf")
    assert pdf.mimetype == "application/pdf"
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) == len(plan.runs)

    board = client.get(f"/plans/{DAY.isoformat()}/board").get_data(as_text=True)
    assert board.count('data-figure="remaining"') == len(plan.runs)
    # The map comes after the page, every run's line in it; no plan, no map.
    drawn = client.get(f"/plans/{DAY.isoformat()}/board/map.json").get_json()["svg"]
    assert drawn.startswith("<svg") and drawn.count('class="map-run"') == len(plan.runs)
    assert client.get("/plans/2001-01-01/board/map.json").status_code == 404
    assert client.get("/plans/not-a-day/board/map.json").status_code == 404


def test_moving_a_stop_through_the_page_warns_when_a_run_overflows(
    app, client, dispatcher, county, day_orders
):
    plan = plan_through_the_pages(app, client, county, day_orders)
    small, big = sorted(plan.runs, key=lambda r: r.volunteer.payload_kg)
    heaviest = max(big.stops, key=lambda s: s.weight_kg)
    response = client.post(
        f"/plans/{DAY.isoformat()}/stops/{heaviest.id}/move",
        data={"run": small.id, "position": 1},
    )
    page = response.get_data(as_text=True)
    assert "超过车辆载重" in page and "仍然移动" in page
    db.session.expire_all()
    assert heaviest.run_id == big.id  # nothing saved before the dispatcher confirms
    client.post(
        f"/plans/{DAY.isoformat()}/stops/{heaviest.id}/move",
        data={"run": small.id, "position": 1, "confirmed": "1"},
    )
    db.session.expire_all()
    assert heaviest.run_id == small.id


def test_each_run_has_one_move_form_and_its_chosen_stop_goes_last_by_default(
    app, client, dispatcher, county, day_orders
):
    """One move form a run, its stop chosen by a radio button in the run's table (one form a
    stop, with its list of runs, was half of a busy day's page)."""
    plan = plan_through_the_pages(app, client, county, day_orders)
    small, big = sorted(plan.runs, key=lambda r: r.volunteer.payload_kg)
    page = client.get(f"/plans/{DAY.isoformat()}").get_data(as_text=True)
    for run in plan.runs:
        assert page.count(f'id="move-run-{run.id}"') == 1
        for stop in run.stops:
            assert f'name="stop" value="{stop.id}" form="move-run-{run.id}"' in page
    assert page.count('<select name="run">') == len(plan.runs)

    move_url = f"/plans/{DAY.isoformat()}/runs/{small.id}/move"
    unchosen = client.post(move_url, data={"run": big.id, "position": ""}, follow_redirects=True)
    assert "请先在该行程的表格里选中要移动的站点" in unchosen.get_data(as_text=True)

    moving = small.stops[0]
    client.post(move_url, data={"stop": moving.id, "run": big.id, "position": "", "confirmed": "1"})
    db.session.expire_all()
    assert moving.run_id == big.id
    assert moving.position == len(big.stops) - 1  # no position given: the end of the run


def test_cancelling_a_queued_planning_leaves_every_order_as_it_was(
    app, client, dispatcher, county, day_orders
):
    form = {
        "order": [o.id for o in day_orders],
        "volunteer": [v.id for v in county["volunteers"]],
        "time_limit": "10",
    }
    client.post(f"/plans/{DAY.isoformat()}/start", data=form)
    job = db.session.scalar(select(PlanningJob))
    client.post(f"/plans/jobs/{job.id}/cancel")
    work_one(app.extensions["queue"])
    db.session.expire_all()
    assert job.status == "cancelled"
    assert db.session.scalars(select(DeliveryPlan)).all() == []
    assert all(o.status == OrderStatus.ALLOCATED for o in db.session.scalars(select(Order)))


def test_volunteer_links_page_shows_each_link_and_renewal_kills_the_old_one(
    app, client, dispatcher, county
):
    volunteer = county["volunteers"][0]
    page = client.get("/plans/volunteers").get_data(as_text=True)
    old_link = next(line for line in page.split('"') if "/v/" in line and line.startswith("http"))
    assert client.get(old_link).status_code == 200
    client.post(f"/plans/volunteers/{volunteer.id}/renew")  # only asks
    assert client.get(old_link).status_code == 200
    client.post(f"/plans/volunteers/{volunteer.id}/renew", data={"confirmed": "1"})
    assert client.get(old_link).status_code == 404


def test_volunteer_links_use_the_configured_site_url(app, client, dispatcher, county):
    from supply_match.services.delivery.links import token_for

    app.config["SITE_URL"] = "https://peng.example.cn/songshu/"
    page = client.get("/plans/volunteers").get_data(as_text=True)
    token = token_for(county["volunteers"][0])
    assert f"https://peng.example.cn/songshu/v/{token}" in page
    assert "http://localhost/v/" not in page


def test_a_link_built_without_a_request_is_the_one_the_request_makes(app, county):
    from flask import url_for

    from supply_match import urls
    from supply_match.services.delivery.links import link_for, token_for

    volunteer = county["volunteers"][0]
    built = link_for(volunteer, urls.volunteer_link_builder("https://peng.example.cn/"))
    with app.test_request_context("/", base_url="https://peng.example.cn/"):
        made = url_for("volunteer.day_page", token=token_for(volunteer), _external=True)
    assert built == made


@pytest.mark.parametrize("url", ["/plans/", f"/plans/{DAY.isoformat()}", "/plans/volunteers"])
def test_cadres_may_not_open_dispatch_pages(app, client, auth, url):
    village = factories.village()
    factories.user(role="cadre", villages=[village], username="cun-x")
    db.session.commit()
    auth.login("cun-x")
    assert client.get(url).status_code == 403


def test_cadres_follow_their_villages_orders_and_see_failure_reasons(
    app, client, auth, county, day_orders
):
    from supply_match.services.delivery import phone_updates as delivery
    from supply_match.services.planning.day import plan_day
    from supply_match.services.planning.publishing import publish
    from supply_match.services.planning.settings import PlanningSettings

    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    stop = plan.runs[0].stops[0]
    delivery.apply_stop_update(
        stop.run.volunteer, change_id="p1", stop_id=stop.id, action="failed", reason="nobody_home"
    )
    other_village = factories.village()
    factories.user(role="cadre", villages=[county["village"]], username="cun-mine")
    factories.user(role="cadre", villages=[other_village], username="cun-other")
    db.session.commit()

    auth.login("cun-mine")
    page = client.get("/plans/progress").get_data(as_text=True)
    on_runs = {i.order_id for r in plan.runs for s in r.stops for i in s.items}
    assert all(f"#{order_id}<" in page for order_id in on_runs)
    assert "家中无人" in page
    auth.logout()
    auth.login("cun-other")
    page = client.get("/plans/progress").get_data(as_text=True)
    assert not any(f"#{order_id}<" in page for order_id in on_runs)


def test_lock_a_run_and_reoptimize_through_the_page(app, client, dispatcher, county, day_orders):
    plan = plan_through_the_pages(app, client, county, day_orders)
    run = plan.runs[0]
    client.post(f"/plans/{DAY.isoformat()}/runs/{run.id}/lock")
    kept = [(s.id, s.position) for s in run.stops]
    # Re-optimizing is a job in the worker that ends in a proposal: accepted here.
    response = client.post(f"/plans/{DAY.isoformat()}/reoptimize")
    job_url = response.headers["Location"]
    while work_one(app.extensions["queue"]):  # route sheets queued before, then the job
        pass
    page = client.get(job_url).get_data(as_text=True)
    assert 'data-figure="stops"' in page
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[1])
    response = client.post(f"/plans/jobs/{job_id}/accept", follow_redirects=True)
    assert "重新优化" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [(s.id, s.position) for s in run.stops] == kept
    assert plan.changes[-1].action == "reoptimized"


def test_the_days_list_shows_days_with_goods_and_defaults_the_picker(
    client, dispatcher, day_orders
):
    page = client.get("/plans/").get_data(as_text=True)
    assert "待配送的日期" in page
    assert f'value="{DAY.isoformat()}"' in page
    assert f'href="/plans/{DAY.isoformat()}"' in page
    assert "规划这一天" in page


def test_publishing_has_the_worker_render_the_sheets_before_anyone_asks(
    app, client, dispatcher, county, day_orders, monkeypatch
):
    import weasyprint

    from supply_match.models import RenderedDocument
    from supply_match.services.documents import route_sheets

    plan = plan_through_the_pages(app, client, county, day_orders)
    assert db.session.scalars(select(RenderedDocument)).all() == []
    assert work_one(app.extensions["queue"])  # after planning, the draft's sheets
    db.session.expire_all()
    assert len(db.session.scalars(select(RenderedDocument)).all()) == 1

    # A move changes a sheet: its PDF is made again after the change.
    first, second = plan.runs
    move = {"run": second.id, "position": 1, "confirmed": "1"}
    client.post(f"/plans/{DAY.isoformat()}/stops/{first.stops[-1].id}/move", data=move)
    assert client.post(f"/plans/{DAY.isoformat()}/publish").status_code == 302
    while work_one(app.extensions["queue"]):
        pass
    db.session.expire_all()
    # The worker also lays out the outlets' delivery slips: the route sheets' PDF is asked.
    sheets = select(RenderedDocument).where(RenderedDocument.kind == route_sheets.DOCUMENT_KIND)
    kept = max(db.session.scalars(sheets), key=lambda d: d.created_at)

    def no_rendering(*_args, **_kwargs):
        raise AssertionError("the PDF should have been ready")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", no_rendering)
    pdf = client.get(f"/plans/{DAY.isoformat()}/sheets.pdf")
    assert pdf.status_code == 200 and pdf.data == kept.content


def test_the_days_list_counts_each_plans_runs_stops_and_orders_left_off(
    app, client, dispatcher, county, day_orders
):
    import re

    plan = plan_through_the_pages(app, client, county, day_orders)
    runs, stops = len(plan.runs), sum(len(run.stops) for run in plan.runs)
    assert runs >= 1 and stops >= 1
    page = client.get("/plans/").get_data(as_text=True)
    # The planned days' table, after the table of days to come.
    row = re.search(
        rf'<tr>\s*<td><a href="/plans/{DAY.isoformat()}">{DAY.isoformat()}</a>.*?</tr>', page, re.S
    )
    counts = re.findall(r'<td class="num">(\d+)</td>', row.group(0))
    assert counts == [str(runs), str(stops), str(len(plan.unassigned))]
