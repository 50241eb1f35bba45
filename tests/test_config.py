"""Settings: the default needs nothing; production needs a real secret."""

import importlib

import pytest

import config
from supply_match import create_app


@pytest.fixture
def fresh_config(monkeypatch):
    def load(**environment):
        for name in ("DATABASE_URL", "SECRET_KEY", "SUPPLY_MATCH_ENV", "REDIS_URL"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(config)

    yield load
    monkeypatch.undo()
    importlib.reload(config)


def test_the_default_is_an_sqlite_file_under_instance(fresh_config):
    settings = fresh_config()
    uri = settings.Config.SQLALCHEMY_DATABASE_URI
    assert uri.startswith("sqlite:///")
    assert uri.endswith("/instance/supply_match.db")
    assert settings.config_from_environment() is settings.DevelopmentConfig


def test_database_url_switches_to_postgresql_with_the_psycopg_driver(fresh_config):
    settings = fresh_config(DATABASE_URL="postgresql://farm:pw@db.example/supply")
    assert (
        settings.Config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://farm:pw@db.example/supply"
    )


@pytest.mark.parametrize("secret", [None, "dev-only-not-secret", "short"])
def test_production_refuses_to_start_without_a_real_secret_key(fresh_config, secret):
    environment = {"SUPPLY_MATCH_ENV": "production", "DATABASE_URL": "sqlite://"}
    if secret:
        environment["SECRET_KEY"] = secret
    settings = fresh_config(**environment)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(settings.config_from_environment())


def test_production_starts_with_a_real_secret_and_secure_cookies(fresh_config):
    settings = fresh_config(
        SUPPLY_MATCH_ENV="production", DATABASE_URL="sqlite://", SECRET_KEY="k" * 48
    )
    app = create_app(settings.config_from_environment())
    assert app.config["SECRET_KEY"] == "k" * 48
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_an_unknown_environment_name_is_a_clear_error(fresh_config):
    settings = fresh_config(SUPPLY_MATCH_ENV="staging")
    with pytest.raises(RuntimeError, match="staging"):
        settings.config_from_environment()


def test_old_login_attempts_are_forgotten_from_the_command_line(runner):
    from datetime import timedelta

    from supply_match.extensions import db
    from supply_match.models import LoginAttempt
    from supply_match.models._types import utcnow

    db.session.add_all(
        [
            LoginAttempt(key="old", succeeded=False, attempted_at=utcnow() - timedelta(days=40)),
            LoginAttempt(key="new", succeeded=False, attempted_at=utcnow()),
        ]
    )
    db.session.commit()
    result = runner.invoke(args=["forget-login-attempts", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert [a.key for a in db.session.query(LoginAttempt).all()] == ["new"]
