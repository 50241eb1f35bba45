"""HTTP routes, one blueprint per area. Views stay thin: parse, call a service, render."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from routes import health, volunteer

    app.register_blueprint(health.bp)
    app.register_blueprint(volunteer.bp)
