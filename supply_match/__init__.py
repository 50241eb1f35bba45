"""supply_match: getting seed, fertilizer and pesticide to a county's farmers."""

from __future__ import annotations

from typing import Any

from flask import Flask

from config import INSTANCE_DIR, Config, config_from_environment
from supply_match import instance


def _configure_login(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from supply_match.extensions import login_manager

    # Anonymous visitors of a protected page go to the login page and come back after.
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to open this page.")
    login_manager.login_message_category = "info"


def _register_template_filters(app: Flask) -> None:
    from supply_match import labels, urls

    app.jinja_env.filters["label"] = labels.label_filter
    app.jinja_env.globals["id_url"] = urls.id_url


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    """Build the application. ``config`` is a settings class, or a dict of overrides on
    top of the environment's settings (what tests pass)."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)

    if isinstance(config, type):
        settings = config
        overrides: dict[str, Any] = {}
    else:
        settings = config_from_environment()
        overrides = dict(config or {})
    settings.validate()
    app.config.from_object(settings)
    app.config.update(overrides)
    instance.prepare(app)

    from supply_match import cli, database, door, i18n, login, models, queue, security, tasks  # noqa: F401
    from supply_match.extensions import csrf, db, migrate

    door.init_app(app)
    db.init_app(app)
    database.enable_sqlite_foreign_keys(app)
    migrate.init_app(app, db, directory=str(INSTANCE_DIR.parent / "supply_match" / "migrations"))
    csrf.init_app(app)
    login.init_app(app)
    _configure_login(app)
    i18n.init_app(app)
    _register_template_filters(app)
    security.init_app(app)
    cli.init_app(app)
    queue.create_queue(app)
    tasks.register_tasks(app)
    app.cli.add_command(tasks.worker_command)

    # Behind a reverse proxy the client address (login throttling counts by it) comes
    # from X-Forwarded-For; trust exactly as many proxies as the deployment has.
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    # The factory is the one place that knows the blueprints: it composes the app.
    import routes

    routes.register_blueprints(app)
    return app
