"""Migrations take an empty database to head, and head matches the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from supply_match.extensions import db
from tests.conftest import make_app


def _head_revision(app) -> str:
    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def test_migrations_build_every_table_from_an_empty_database(new_database_url):
    app = make_app(new_database_url())
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        head = _head_revision(app)
        db.engine.dispose()
    assert set(db.metadata.tables) <= tables
    assert current == head


def test_the_migrated_schema_matches_the_models(new_database_url):
    """A model change without its migration fails here."""
    app = make_app(new_database_url())
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def test_migrations_go_down_to_empty_and_up_again(new_database_url):
    app = make_app(new_database_url())
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "orders" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_rebuilding_a_table_keeps_the_rows_that_refer_to_it(new_database_url):
    """SQLite rebuilds a table to change its constraints; the old table's drop must not
    cascade into the rows that refer to it (delivery stops, when runs gain trips)."""
    from datetime import date

    from supply_match.models import DeliveryPlan, DeliveryRun, DeliveryStop
    from tests import factories

    app = make_app(new_database_url())
    with app.app_context():
        upgrade()
        village = factories.village()
        plan = DeliveryPlan(delivery_date=date(2020, 3, 3))
        volunteer = factories.volunteer()
        run = DeliveryRun(volunteer=volunteer, outlet=factories.outlet())
        run.stops.append(
            DeliveryStop(
                position=0, delivery_point="home", village=village, label="x", lat=29.3, lon=108.2
            )
        )
        plan.runs.append(run)
        db.session.add(plan)
        db.session.commit()
        db.session.close()

        downgrade(revision="91e1d3dac115")  # before trips: delivery_run is rebuilt
        upgrade()  # and rebuilt again

        assert db.session.query(DeliveryStop).count() == 1
        assert db.session.query(DeliveryRun).one().trip == 1
        db.session.close()
        db.engine.dispose()
