"""The same seed builds the same demo, row for row; another seed builds another one; and a
database that already holds a county is never seeded over."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from supply_match.demo import DemoError, build_demo
from supply_match.extensions import db
from supply_match.models import Household
from tests import factories
from tests.conftest import make_app
from tests.demo.conftest import SEED

DEMO_TABLES = [
    "township",
    "village",
    "household",
    "product",
    "user",
    "user_village",
    "orders",
    "order_line",
    "outlet",
    "stock",
    "stock_change",
    "volunteer",
    "volunteer_township",
]
# Each password hash carries a fresh random salt, so hashes differ between builds.
SALTED = {("user", "password_hash")}


def dump() -> dict[str, list[tuple]]:
    """Every row of the demo's tables, ids included, in id order."""
    tables = {table.name: table for table in db.metadata.sorted_tables}
    result = {}
    for name in DEMO_TABLES:
        table = tables[name]
        columns = [c for c in table.columns if (name, c.name) not in SALTED]
        rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns))
        result[name] = [tuple(row) for row in rows]
    return result


def test_the_same_seed_builds_identical_rows_in_two_fresh_databases(seeded, new_database_url):
    with seeded.app_context():
        first = dump()

    other = make_app(new_database_url())
    with other.app_context():
        upgrade()
        build_demo(SEED)
        db.session.commit()
        second = dump()
        db.session.remove()
        db.engine.dispose()

    assert {name: len(rows) for name, rows in first.items()} == {
        name: len(rows) for name, rows in second.items()
    }
    for name in DEMO_TABLES:
        assert first[name] == second[name], f"table {name} differs"


def test_another_seed_builds_other_households(app, seeded):
    def households() -> list[tuple]:
        query = select(Household.name, Household.mobile, Household.lat, Household.lon)
        return db.session.execute(query.order_by(Household.id)).all()

    with seeded.app_context():
        first = households()
    build_demo(SEED + 1)
    db.session.flush()
    second = households()

    assert len(first) == len(second) == 2000
    assert sum(a == b for a, b in zip(first, second, strict=True)) < 20


def test_a_database_that_holds_townships_is_not_seeded_again(app):
    factories.township()
    with pytest.raises(DemoError, match="已有乡镇"):
        build_demo(1)
