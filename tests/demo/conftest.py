"""A demo seeded once per backend into a database of its own, for the tests that only
read it; tests that write use the ordinary ``app`` fixture (other, empty databases)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade

from supply_match.demo import build_demo
from supply_match.extensions import db
from tests.conftest import _new_database_url, make_app

SEED = 2020


@pytest.fixture(scope="package")
def seeded(request: pytest.FixtureRequest, backend: str) -> Iterator[Flask]:
    url = _new_database_url(request, backend, "supply_match_demo_seeded")
    app = make_app(url)
    with app.app_context():
        upgrade()
        build_demo(SEED)
        db.session.commit()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()
