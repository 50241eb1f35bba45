"""Every template is rendered at least once, so an error in one (a link to an endpoint
that does not exist, a misspelt filter, a macro called wrongly) cannot hide until someone
opens that page: the delivery days page once answered 500 as soon as an order was past
its last wanted date, because no test rendered that branch.

The walk asks for every GET rule of the URL map as each role (path parameters filled
with real ids of a published day), then the few pages that only a POST or an odd state
shows; Jinja's loader records each template it loads, pages, layouts, macros and
includes alike. The test fails naming every template file the walk never loaded, and
every page that answered 500.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from jinja2 import BaseLoader
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import PlanningJob, Role
from supply_match.services.county import signup, tokens
from supply_match.services.delivery import household_page
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders

TEMPLATES = Path(__file__).resolve().parents[2] / "supply_match" / "templates"
ROLES = ("anonymous", "cadre", "township_cadre", "dispatcher", "admin", "outlet_staff")
# Rules whose GET does something a walk must not (signing out ends the role's session).
NOT_WALKED = {"auth.logout", "static"}


class RecordingLoader(BaseLoader):
    """The app's loader, noting the name of every template it is asked for."""

    def __init__(self, inner: BaseLoader):
        self.inner = inner
        self.loaded: set[str] = set()

    def get_source(self, environment, template):
        self.loaded.add(template)
        return self.inner.get_source(environment, template)

    def list_templates(self):
        return self.inner.list_templates()


@pytest.fixture
def recording(app):
    loader = RecordingLoader(app.jinja_env.loader)
    app.jinja_env.loader = loader
    app.jinja_env.cache = {}  # nothing loaded before the walk hides from it
    return loader


@pytest.fixture
def world(county):
    """A published day, one of its orders past its last wanted date on another plan, and
    a signed-in client for each role; the county's clock the day before the plan's."""
    current_app.config["CLOCK_NOW"] = "2020-03-02T02:00:00"
    orders = allocated_orders(
        county, [[(county["urea"], 6)], [(county["urea"], 6)], [(county["seed"], 4)]]
    )
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    overdue = factories.order(
        household=orders[0].household,
        lines=[(county["seed"], 1)],
        wanted_from=DAY - timedelta(days=30),
        wanted_to=DAY - timedelta(days=20),
    )
    village = county["village"]
    users = {
        "cadre": factories.user(Role.CADRE, villages=[village], username="cadre"),
        "township_cadre": factories.user(
            Role.CADRE,
            villages=[village, factories.village(county["township"])],
            username="zhen",
        ),
        "dispatcher": factories.user(Role.DISPATCHER, username="dispatcher"),
        "admin": factories.user(Role.ADMIN, username="admin"),
        "outlet_staff": factories.user(
            Role.OUTLET_STAFF, username="dianyuan", outlet_id=county["outlet"].id
        ),
    }
    job = PlanningJob(delivery_date=DAY + timedelta(days=7), requested_by=users["dispatcher"])
    db.session.add(job)
    db.session.commit()
    token, _secret = tokens.issue_token("县财政局", "dispatcher", [], users["admin"])
    signup.apply(
        county["township"],
        dict(name="冉建国", mobile="13983512345", party_branch="党支部", village=village.id,
             vehicle_type="electric_tricycle", payload_kg="300", duty_days=["0", "2"]),
    )  # fmt: skip
    clients = {}
    for role in ROLES:
        client = current_app.test_client()
        if role in users:
            login = users[role].username
            answer = client.post("/login", data={"login": login, "password": factories.PASSWORD})
            assert answer.status_code == 302, role
        clients[role] = client
    run = plan.runs[0]
    ids = {
        "day": DAY.isoformat(),
        "code": county["township"].code,
        "token": volunteer_links.token_for(run.volunteer),
        "household_id": orders[0].household_id,
        "order_id": orders[0].id,
        "outlet_id": county["outlet"].id,
        "product_id": county["urea"].id,
        "stop_id": run.stops[0].id,
        "run_id": run.id,
        "household_token": household_page.token_for(orders[0].household),
        "township_id": county["township"].id,
        "village_id": village.id,
        "volunteer_id": run.volunteer_id,
        "user_id": users["cadre"].id,
        "job_id": job.id,
        "token_id": token.id,
    }
    return dict(clients=clients, ids=ids, plan=plan, overdue=overdue)


def _get_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" in (rule.methods or ()) and rule.endpoint not in NOT_WALKED:
            yield rule


def _path(rule, ids) -> str | None:
    path = rule.rule
    for name in rule.arguments:
        if name not in ids:
            return None
        path = re.sub(r"<(?:[^:<>]+:)?" + name + ">", str(ids[name]), path)
    return path


def _walk(world, failures):
    for rule in _get_rules(current_app):
        path = _path(rule, world["ids"])
        assert path is not None, f"{rule.rule}: the walk has no value for its parameters"
        for role in ROLES:
            response = world["clients"][role].get(path)
            if response.status_code >= 500:
                failures.append(f"GET {path} as {role}: {response.status_code}")
            db.session.rollback()


def _pages_only_a_post_or_an_odd_state_shows(world, failures):
    """Confirmations, refusals and error pages."""
    clients, ids, plan = world["clients"], world["ids"], world["plan"]
    day = ids["day"]
    # The heaviest stop onto another run overloads it: the page asks before moving it.
    stop = max((s for run in plan.runs for s in run.stops), key=lambda s: s.weight_kg)
    other_run = next(run for run in plan.runs if run.id != stop.run_id)
    current_app.config["IMPORT_MAX_BYTES"] = 1024
    too_big = {"file": (io.BytesIO(b"x" * 100_000), "orders.xlsx")}
    asks = [
        ("dispatcher", "post", f"/plans/{day}/stops/{stop.id}/move",
         {"run": other_run.id, "position": 1}),
        ("cadre", "get", f"/orders/{world['overdue'].id}/cancel", None),
        ("admin", "post", f"/admin/tokens/{ids['token_id']}/revoke", {}),
        ("dispatcher", "post", f"/volunteers/{ids['volunteer_id']}/active", {"active": "0"}),
        ("cadre", "post", "/imports/orders", too_big),
        ("cadre", "get", f"/intake/orders/{ids['order_id']}/edit", None),  # on a published run
        ("anonymous", "get", "/v/not-a-token", None),
        ("dispatcher", "get", "/no/such/page", None),
        ("dispatcher", "get", f"/plans/{(DAY + timedelta(days=400)).isoformat()}", None),
        ("anonymous", "get", f"/signup/{ids['code']}/thanks", None),
        ("cadre", "get", "/account/password", None),
        ("admin", "post", f"/admin/users/{ids['user_id']}/active", {"active": "0"}),
        ("anonymous", "get", "/h/not-a-token", None),
    ]  # fmt: skip
    for role, method, path, data in asks:
        response = getattr(clients[role], method)(path, data=data)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {path} as {role}: {response.status_code}")
        db.session.rollback()
    _outlet_and_application_questions(world, failures)
    _a_proposal_shown(world, failures)


def _outlet_and_application_questions(world, failures):
    """A hand-over with a shortage, goods back from a failed stop and declining a sign-up
    each ask on a page of their own, which a GET alone never shows."""
    from supply_match.models import VolunteerApplication
    from supply_match.services.delivery import phone_updates

    clients, ids, plan = world["clients"], world["ids"], world["plan"]
    run = plan.runs[0]
    stop = run.stops[0]
    product_id = stop.items[0].order_line.product_id
    change = {"change_id": "walk-failed", "stop_id": stop.id, "action": "failed",
              "reason": "nobody_home", "plan_version": plan.version}  # fmt: skip
    assert phone_updates.apply_from_phone(run.volunteer, change)["outcome"] == "applied"
    db.session.commit()
    application = db.session.scalar(select(VolunteerApplication.id))
    outlet = f"/outlets/{ids['outlet_id']}"
    asks = [
        ("outlet_staff", "post", f"{outlet}/runs/{run.id}/handover",
         {"day": ids["day"], "checked": "1", f"short-{product_id}": "1"}),
        ("outlet_staff", "get", f"{outlet}/stops/{stop.id}/return?day={ids['day']}", None),
        ("dispatcher", "post", f"/volunteers/applications/{application}",
         {"decision": "decline"}),
    ]  # fmt: skip
    for role, method, path, data in asks:
        response = getattr(clients[role], method)(path, data=data)
        if response.status_code != 200:
            failures.append(f"{method.upper()} {path} as {role}: {response.status_code}")
        db.session.rollback()


def _a_proposal_shown(world, failures):
    """Withdrawing a volunteer from the published day ends in a proposal page."""
    from supply_match.queue import work_one

    dispatcher, ids = world["clients"]["dispatcher"], world["ids"]
    asked = dispatcher.post(
        f"/plans/{ids['day']}/volunteers/{ids['volunteer_id']}/withdraw", data={"confirmed": "1"}
    )
    assert asked.status_code == 302, asked.status_code
    assert work_one(current_app.extensions["queue"])
    job_id = asked.location.rsplit("/", 1)[-1]
    response = dispatcher.get(f"/plans/jobs/{job_id}")
    if response.status_code != 200:
        failures.append(f"GET /plans/jobs/{job_id} (a proposal): {response.status_code}")
    db.session.rollback()


def _template_files() -> set[str]:
    return {
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*")
        if path.is_file() and path.suffix in {".html", ".js", ".txt", ".xml", ".svg"}
    }


def test_every_template_is_rendered_by_a_walk_of_the_pages(app, recording, world):
    failures: list[str] = []
    _walk(world, failures)
    _pages_only_a_post_or_an_odd_state_shows(world, failures)
    assert not failures, "\n".join(failures)
    assert "plans/index.html" in recording.loaded
    never = sorted(_template_files() - recording.loaded)
    assert not never, f"templates no page rendered: {never}"
