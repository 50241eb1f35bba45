"""No route answers 500, whatever odd values come in: every rule of the URL map, every
method, as each role, with hostile path parameters, query strings, form fields and JSON
bodies (numbers past 64 bits, digits that are not ASCII, 1e999999, dates that do not
exist, JSON nested thousands deep, objects where strings are expected, long strings,
NUL bytes)."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from supply_match.extensions import db
from supply_match.models import Role
from supply_match.services.delivery import household_page
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("anonymous", "cadre", "dispatcher", "admin", "volunteer")
# Signing out would end the role's session for the rest of the walk: tried anonymously.
SIGNED_OUT_ONLY = {"auth.logout"}

ODD_TEXT = [
    "",
    "0",
    "-1",
    "1",
    "2",
    "99999999999999999999999",
    str(2**63),
    str(2**31),
    "-" + str(2**64),
    "١٢",
    "１２",
    "²",
    "1e999999",
    "-1e999999",
    "1e20",
    "NaN",
    "inf",
    "0x10",
    "1_000",
    " 7 ",
    "3.5",
    "2020-02-30",
    "2020-13-01",
    "0000-00-00",
    "9999-12-31",
    "2020-03-03",
    "20200303",
    "25:61",
    "a\x00b",
    "\x00",
    "<script>alert(1)</script>",
    "x" * 5000,
    "名" * 300,
    "true",
    "null",
    "[]",
    "{}",
    "../../etc/passwd",
    "\n",
    "/\t/evil.example",
]
ODD_JSON_LEAVES = [
    None,
    True,
    False,
    0,
    -1,
    2**64,
    -(2**70),
    10**30,
    1e308,
    0.5,
    [],
    {},
    {"a": "b"},
    ["x", 1],
    [{"product_id": 1, "quantity": 2}],
]


def _vocabulary() -> list[str]:
    """Every field name the code reads or the templates send: scanned from the source, so
    the names of routes added later are tried too."""
    names: set[str] = set()
    patterns = [
        re.compile(r"""\.get(?:list)?\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""),
        re.compile(r"""\[["']([A-Za-z_][A-Za-z0-9_]*)["']\]"""),
        re.compile(r"""(\w+)\s*=\s*\w*Field\("""),
    ]
    for path in list((ROOT / "routes").rglob("*.py")) + list(
        (ROOT / "supply_match" / "services").rglob("*.py")
    ):
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            names.update(pattern.findall(text))
    for path in (ROOT / "supply_match" / "templates").rglob("*.html"):
        names.update(re.findall(r'name="([A-Za-z_][A-Za-z0-9_]*)"', path.read_text("utf-8")))
    names.discard("csrf_token")
    return sorted(names)


VOCABULARY = _vocabulary()

odd_text = st.sampled_from(ODD_TEXT) | st.text(max_size=20)
ODD_TEXT_VALUES = st.sampled_from(ODD_TEXT)
ODD_JSON_VALUES = st.sampled_from(ODD_JSON_LEAVES + ODD_TEXT)


def _json_values():
    leaf = st.sampled_from(ODD_JSON_LEAVES) | odd_text
    return st.recursive(
        leaf,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.sampled_from(VOCABULARY), children, max_size=3)
        ),
        max_leaves=8,
    )


def _fields(values, one_for_all):
    """A few fields, or every known field at once holding the same odd value (so that a
    view that checks its fields one after another meets an odd value in each). One value
    for all: drawing each of the hundreds of names its own value took four fifths of the
    walk's time."""
    sparse = st.dictionaries(st.sampled_from(VOCABULARY), values, max_size=5)
    every = one_for_all.map(lambda value: dict.fromkeys(VOCABULARY, value))
    return st.one_of(sparse, every)


def _deep_json(depth: int) -> str:
    return '{"changes": ' + "[" * depth + "]" * depth + "}"


# The strategies every draw uses, made once: made again in each draw, Hypothesis's
# strategy cache took a sixth of the walk's time.
ROLE = st.sampled_from(ROLES)
FIELDS = _fields(odd_text, ODD_TEXT_VALUES)
JSON_VALUES = _json_values()
JSON_BODY = _fields(JSON_VALUES, ODD_JSON_VALUES) | JSON_VALUES
BODY_KIND = st.sampled_from(["form", "json", "json", "deep", "raw"])
DEEP_JSON = st.sampled_from([50, 1000, 5000, 100_000]).map(_deep_json)
RAW_BODY = st.sampled_from(["{", "\x00", '{"a": 1e999999}', "[" * 3, "NaN"])
STATIC_PATH = st.sampled_from(["css/app.css", "nope.js", "..%2f..%2fconfig.py"])


@pytest.fixture
def world(county):
    """A published day with two runs, and a client signed in for each role."""
    from flask import current_app

    allocated_orders(county, [[(county["urea"], 6)], [(county["urea"], 6)], [(county["seed"], 4)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    users = {
        "cadre": factories.user(Role.CADRE, villages=[county["village"]], username="cadre"),
        "dispatcher": factories.user(Role.DISPATCHER, username="dispatcher"),
        "admin": factories.user(Role.ADMIN, username="admin"),
    }
    db.session.commit()
    token = volunteer_links.token_for(plan.runs[0].volunteer)
    household_token = household_page.token_for(plan.runs[0].stops[0].household)
    clients = {}
    for role in ROLES:
        client = current_app.test_client()
        if role in users:
            answer = client.post("/login", data={"login": role, "password": factories.PASSWORD})
            assert answer.status_code == 302, role
        clients[role] = client
    real_ids = sorted({plan.runs[0].id, plan.runs[0].stops[0].id, users["admin"].id, 1, plan.id})
    return dict(
        clients=clients,
        tokens=[token, household_token],
        ids=real_ids,
        day=DAY.isoformat(),
    )


def _path_values(world) -> dict[str, st.SearchStrategy]:
    """The odd values of a path parameter, by its converter's class name."""
    ids = st.sampled_from([str(i) for i in world["ids"]] + ODD_TEXT[:20])
    return {
        "IntegerConverter": ids,
        "PathConverter": STATIC_PATH,
        "": st.sampled_from([*world["tokens"], world["day"]]) | odd_text,
    }


def _rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def _build_path(rule, values: dict[str, str]) -> str:
    from urllib.parse import quote

    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:[^:<>]+:)?" + name + ">", quote(value, safe="/"), path)
    return path


def _requests(rule, world):
    path_values = _path_values(world)

    @st.composite
    def requests(draw):
        values = {}
        for name in rule.arguments:
            converter = type(rule._converters[name]).__name__
            values[name] = draw(path_values.get(converter, path_values[""]))
        role = "anonymous" if rule.endpoint in SIGNED_OUT_ONLY else draw(ROLE)
        query = draw(FIELDS)
        body_kind = draw(BODY_KIND)
        if body_kind == "form":
            body = draw(FIELDS)
        elif body_kind == "json":
            body = draw(JSON_BODY)
        elif body_kind == "deep":
            body = draw(DEEP_JSON)
        else:
            body = draw(RAW_BODY)
        return role, _build_path(rule, values), query, body_kind, body

    return requests()


def _walk(rule, method: str, world, failures: list[str], seen: dict[int, int]) -> None:
    """Up to ``max_examples`` odd requests to one rule; each 500 recorded in ``failures``."""

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(_requests(rule, world))
    def check(drawn):
        role, path, query, body_kind, body = drawn
        kwargs: dict = {"query_string": query}
        if method != "GET":
            if body_kind == "form":
                kwargs["data"] = body
            else:
                kwargs["data"] = json.dumps(body) if body_kind == "json" else body
                kwargs["content_type"] = "application/json"
        described = f"{method} {path} as {role}: {body_kind} {str(body)[:300]} {query!r:.200}"
        try:
            response = world["clients"][role].open(path, method=method, **kwargs)
        except Exception as error:  # TESTING propagates what would be a 500
            failures.append(f"{described} raised {error!r:.300}")
            raise AssertionError(failures[-1]) from error
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            failures.append(f"{described} answered {response.status_code}")
        assert response.status_code < 500, described

    with contextlib.suppress(AssertionError):  # recorded: walk every rule before failing
        check()
    db.session.rollback()


# The walk is cut into shards (every SHARDS-th rule) so that the suite's workers share it.
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_route_answers_500_to_odd_input(app, world, shard):
    failures: list[str] = []
    seen: dict[int, int] = {}
    rules = list(_rules(app))
    for rule, method in rules[shard::SHARDS]:
        _walk(rule, method, world, failures, seen)
    assert sum(seen.values()) > 500 // SHARDS, seen  # the walk did reach the views
    assert not failures, f"{len(failures)} requests answered 500:\n" + "\n".join(failures)
