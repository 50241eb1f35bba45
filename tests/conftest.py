"""Fixtures: every database test runs on SQLite and on a real PostgreSQL server.

Set ``SUPPLY_MATCH_TEST_BACKENDS=sqlite`` to run on SQLite alone while editing; CI and
``make test`` always run both, and a missing PostgreSQL fails the run instead of
skipping tests.
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from supply_match import create_app
from supply_match.extensions import db
from tests import audit_guard, servers

# Every SQLite database and task queue file the suite makes lives under one folder,
# removed when the run ends.
TEMP_ROOT = Path(tempfile.mkdtemp(prefix="supply_match_tests_"))
atexit.register(shutil.rmtree, TEMP_ROOT, ignore_errors=True)

BACKENDS = [
    name.strip()
    for name in os.environ.get("SUPPLY_MATCH_TEST_BACKENDS", "sqlite,postgresql").split(",")
    if name.strip()
]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[servers.PostgresServer | str]:
    external = os.environ.get("TEST_POSTGRES_URL")
    if external:
        yield external
        return
    server = servers.start_postgres()
    try:
        yield server
    finally:
        server.stop()


def _new_database_url(request: pytest.FixtureRequest, backend: str, name: str) -> str:
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="sqlite_", dir=TEMP_ROOT))
        return f"sqlite:///{folder / (name + '.db')}"
    server = request.getfixturevalue("postgres_server")
    if isinstance(server, str):
        admin_url, url_for = server, (lambda db_name: server.rsplit("/", 1)[0] + "/" + db_name)
    else:
        admin_url, url_for = server.admin_url, server.url_for
    servers.create_database(admin_url, name)
    return url_for(name)


def make_app(database_url: str, **overrides) -> Flask:
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "PLANNING_SOLUTION_LIMIT": 30,
        "QUEUE_SQLITE_PATH": os.path.join(
            tempfile.mkdtemp(prefix="queue_", dir=TEMP_ROOT), "queue.db"
        ),
    }
    settings.update(overrides)
    return create_app(settings)


# Collect the young generation after this many allocations (Python's default is 700), and
# the old ones rarely: the suite's processes are short-lived and their memory is cheap.
TEST_GC_THRESHOLDS = (50_000, 20, 50)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what every test shares (modules, the collected items) out of the collector's
    way: each test builds an app and its URL map, and a full collection over everything
    still alive cost about 0.25 s every few tests (a fifth of the suite's time)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*TEST_GC_THRESHOLDS)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """`make translations` compiles the message catalogs; do it here too when they are
    missing or older than their .po, so that a bare `pytest` sees the Chinese pages."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    translations = Path(__file__).resolve().parent.parent / "supply_match" / "translations"
    for po_path in translations.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=True)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def migrated_database_url(request: pytest.FixtureRequest, backend: str) -> str:
    """One database per backend, migrated from empty to head once per session."""
    from flask_migrate import upgrade

    url = _new_database_url(request, backend, "supply_match_test")
    app = make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


_EMPTY_POSTGRESQL: dict[str, str] = {}


def _empty_all_tables() -> None:
    """Every table emptied and every id counting from 1 again, for the next test."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        # DELETE and a sequence restart, in one round trip: a TRUNCATE of all 43 tables
        # took 0.2 s a test (new files for each table), this takes 0.04 s.
        url = str(db.engine.url)
        if url not in _EMPTY_POSTGRESQL:
            sequences = db.session.scalars(
                text(
                    "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name)"
                    " FROM information_schema.sequences"
                )
            ).all()
            _EMPTY_POSTGRESQL[url] = "; ".join(
                [f'DELETE FROM "{table.name}"' for table in tables]
                + [f"ALTER SEQUENCE {name} RESTART" for name in sequences]
            )
        db.session.connection().exec_driver_sql(_EMPTY_POSTGRESQL[url])
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(migrated_database_url: str) -> Iterator[Flask]:
    """The app on a migrated, empty database; CSRF off (a dedicated test turns it on).
    Every use case the test runs must write an audit entry with its change
    (tests/audit_guard.py)."""
    app = make_app(migrated_database_url)
    with app.app_context(), audit_guard.watching() as guard:
        try:
            yield app
        finally:
            db.session.rollback()
            _empty_all_tables()
            db.session.remove()
            db.engine.dispose()  # its connections closed now, not when it is collected
            db.engine.dispose()
    if guard.failure():
        pytest.fail(
            f"Nothing changes without an audit entry (tests/audit_guard.py):\n{guard.failure()}"
        )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def new_database_url(request: pytest.FixtureRequest, backend: str):
    """A fresh, empty database (no tables) on the current backend, for migration tests."""
    counter = {"n": 0}

    def make() -> str:
        counter["n"] += 1
        return _new_database_url(
            request, backend, f"supply_match_fresh_{os.getpid()}_{counter['n']}"
        )

    return make


from tests.days import county  # noqa: E402, F401  (a fixture shared across test folders)
