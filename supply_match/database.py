"""Engine-level settings that the ORM cannot express."""

from flask import Flask
from sqlalchemy import event

from supply_match.extensions import db


def enable_sqlite_foreign_keys(app: Flask) -> None:
    """SQLite checks foreign keys only when asked to, per connection; WAL and a busy
    timeout let the web process and the worker share the file."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def database_state() -> dict[str, object]:
    """What /healthz reports: whether the database answers and whether it is migrated."""
    from alembic.migration import MigrationContext

    try:
        with db.engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
    except Exception as error:  # noqa: BLE001 - any failure means "not ok" to a health check
        return {"ok": False, "dialect": db.engine.dialect.name, "error": type(error).__name__}
    return {"ok": True, "dialect": db.engine.dialect.name, "revision": revision}
