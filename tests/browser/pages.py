"""Every page of the app, opened in real Chromium by each role that may open it, on one
small seeded county: the harness behind the phone-size and English-page tests.

The list of pages is read from the app's URL map (every GET rule that answers HTML), so a
page added later is measured without anyone remembering to list it; a page whose URL
arguments this module cannot fill in fails the coverage test instead of being skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import time, timedelta

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import String, select

from supply_match.extensions import db
from supply_match.models import Household, JobStatus, PlanningJob, Role
from supply_match.services.delivery import household_page
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.planning.day import PlanningSettings, plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.supply.matching import run_matching
from tests import factories
from tests.browser.conftest import LiveServer
from tests.conftest import _new_database_url, make_app
from tests.days import DAY

# Rules that are not pages a person reads: files, machine answers, the API.
NOT_PAGES = re.compile(r"^/(api/|static/|healthz)|\.(xlsx|csv|pdf|json|js)$")
ROLES = ("admin", "dispatcher", "cadre", "outlet_staff")


@dataclass
class County:
    """What was seeded, and the logins and URL arguments the pages need."""

    url_args: dict[str, object]
    logins: dict[str, str]
    data_strings: list[str] = field(default_factory=list)


def page_rules(app: Flask) -> list[tuple[str, str]]:
    """(endpoint, rule) of every GET page, in URL order."""
    rules = [
        (rule.endpoint, rule.rule)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not NOT_PAGES.search(rule.rule)
        and not rule.endpoint.startswith("moved.")  # old addresses, redirected
    ]
    return sorted(rules, key=lambda pair: pair[1])


def page_url(rule: str, url_args: dict[str, object]) -> str | None:
    """The rule with its arguments filled in from the seeded county, or None when one is
    unknown."""
    missing = False

    def fill(match: re.Match) -> str:
        nonlocal missing
        name = match.group(1).split(":")[-1]
        if name not in url_args:
            missing = True
            return ""
        return str(url_args[name])

    url = re.sub(r"<([^>]+)>", fill, rule)
    return None if missing else url


def _seed() -> County:
    township = factories.township(name="汉葭街道", lat=29.29, lon=108.17)
    village = factories.village(township=township, name="黄桷村", lat=29.32, lon=108.20)
    outlet = factories.outlet(
        township=township, name="彭水县农资公司城区门市", address="汉葭街道滨江大道12号"
    )
    products = [
        factories.product(name="尿素（46%）", unit="袋", unit_weight_kg=50),
        factories.product(name="复合肥（15-15-15）50kg/袋", unit="袋", unit_weight_kg=50),
        factories.product(
            name="地膜 0.01mm×100cm（卷）", category="film", unit="卷", unit_weight_kg=5
        ),
        factories.product(name="玉米种子 渝单8号", category="seed", unit="袋", unit_weight_kg=1),
        factories.product(
            name="吡虫啉 10%可湿性粉剂（100g/袋）",
            category="pesticide",
            unit="袋",
            unit_weight_kg=1,
            hazard_class="low_toxicity",
        ),
    ]
    # Little stock of the film, so that its chart row and its table row are a shortage.
    for product, quantity in zip(products, (500, 500, 2, 500, 500), strict=True):
        factories.stock(outlet, product, quantity)
    for name, payload in (("冉光明", 500), ("任小红", 400)):
        factories.volunteer(
            township=township,
            name=name,
            payload_kg=payload,
            shift_start=time(8),
            shift_end=time(17),
        )
    households = [
        factories.household(
            village=village, name=name, lat=29.32 + i * 0.004, lon=108.20 + i * 0.003
        )
        for i, name in enumerate(("张德华", "冉启明", "王秀英", "任建国", "杨春花", "刘大勇"))
    ]
    for i, household in enumerate(households):
        factories.order(
            household=household,
            lines=[(products[(0, 1, 3)[i % 3]], 2 + i), (products[2], 3)]
            if i < 5
            else [(products[4], 1)],
            wanted_from=DAY,
            wanted_to=DAY + timedelta(days=2 if i == 5 else 0),
        )
    users = {
        "admin": factories.user(role=Role.ADMIN, username="guanli", display_name="管理员甲"),
        "dispatcher": factories.user(
            role=Role.DISPATCHER, username="diaodu", display_name="调度员乙"
        ),
        "cadre": factories.user(
            role=Role.CADRE, username="cunganbu", display_name="村干部丙", villages=[village]
        ),
        "outlet_staff": factories.user(
            role=Role.OUTLET_STAFF, username="wangdian", display_name="店员丁", outlet=outlet
        ),
    }
    db.session.commit()
    run_matching()
    db.session.commit()
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    run = plan.runs[0]
    job = PlanningJob(
        delivery_date=DAY,
        status=JobStatus.SUCCEEDED,
        progress=100,
        message="完成",
        requested_by=users["dispatcher"],
    )
    db.session.add(job)
    db.session.commit()
    order_id = households[0].orders[0].id
    return County(
        url_args={
            "day": DAY.isoformat(),
            "order_id": order_id,
            "household_id": households[0].id,
            "outlet_id": outlet.id,
            "township_id": township.id,
            "village_id": village.id,
            "code": township.code,
            "stop_id": run.stops[0].id,
            "product_id": products[2].id,
            "user_id": users["cadre"].id,
            "job_id": job.id,
            "run_id": run.id,
            "volunteer_id": run.volunteer.id,
            "token": volunteer_links.token_for(run.volunteer),
            "household_token": household_page.token_for(households[0]),
        },
        logins={role: user.username for role, user in users.items()},
        data_strings=_data_strings(),
    )


def _data_strings() -> list[str]:
    """Every string stored in the database (names, addresses, units...), longest first:
    what a page may show in Chinese whatever the reader's language."""
    values: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, String)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            values.update(value for value in row if isinstance(value, str) and value.strip())
    # Postal addresses, written the Chinese way whatever the page's language.
    values.update(household.address for household in db.session.scalars(select(Household)))
    return sorted(values, key=len, reverse=True)


@dataclass
class SeededSite:
    app: Flask
    server: LiveServer
    county: County


@pytest.fixture(scope="module")
def seeded_site(request: pytest.FixtureRequest, backend: str) -> Iterator[SeededSite]:
    """A small county in a database of its own, served with CSRF on, for a whole module of
    read-only page tests."""
    url = _new_database_url(request, backend, f"supply_match_pages_{request.module.__name__[-12:]}")
    seeding_app = make_app(url)
    with seeding_app.app_context():
        upgrade()
        county = _seed()
        db.session.remove()
        db.engine.dispose()
    served = make_app(url, WTF_CSRF_ENABLED=True)
    server = LiveServer(served)
    server.start()
    try:
        yield SeededSite(app=served, server=server, county=county)
    finally:
        server.stop()
        with served.app_context():
            db.engine.dispose()


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill('input[name="login"]', username)
    page.fill('input[name="password"]', factories.PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{username} could not sign in"


@contextmanager
def tab_per_role(browser, site: SeededSite, viewport: dict, locale: str, first_path: str = ""):
    """One tab per role, signed in (and one signed out, under None), in ``viewport``;
    ``first_path`` is opened before signing in (e.g. to choose the language)."""
    contexts, tabs = [], {}
    try:
        for role in (None, *ROLES):
            context = browser.new_context(viewport=viewport, locale=locale)
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15_000)
            if first_path:
                page.goto(site.server.url + first_path)
            if role:
                sign_in(page, site.server.url, site.county.logins[role])
            tabs[role] = page
        yield tabs
    finally:
        for context in contexts:
            context.close()


def open_as_each_role(tabs: dict, site: SeededSite, rule: str) -> Iterator[tuple[str, object]]:
    """Open the page of ``rule`` in each role's tab that may open it, once it has loaded
    (the volunteer's page fills itself from its JSON): (who, page) each time. Fails when
    no role could open it."""
    url = page_url(rule, site.county.url_args)
    assert url is not None, f"{rule}: the seeded county has no value for its arguments"
    opened = False
    for role, page in tabs.items():
        response = page.goto(site.server.url + url)
        if response.status != 200 or ("/login" in page.url and rule != "/login"):
            continue
        opened = True
        page.wait_for_load_state("load")
        if page.locator(".loading").count():
            page.wait_for_timeout(300)
        yield role or "signed out", page
    assert opened, f"{url}: no role could open the page"
