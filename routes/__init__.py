"""HTTP routes, one blueprint per area. Views stay thin: parse, call a service, render."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from routes import admin, auth, cadre, dispatch, errors, health, main, orders, plans, volunteer

    app.register_blueprint(health.bp)
    app.register_blueprint(volunteer.bp)
    app.register_blueprint(errors.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(cadre.bp)
    app.register_blueprint(dispatch.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(orders.bp)

    from routes import api, catalogue, imports, intake, moved, supply

    app.register_blueprint(supply.bp)
    app.register_blueprint(catalogue.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(intake.bp)
    app.register_blueprint(moved.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(plans.bp)

    from routes import day_changes

    app.register_blueprint(day_changes.bp)
    from routes import stop_corrections

    app.register_blueprint(stop_corrections.bp)

    from routes import (
        account_import,
        household_setup,
        outlet_import,
        places,
        settings,
        signup,
        tokens,
        volunteers,
    )

    app.register_blueprint(settings.bp)
    app.register_blueprint(places.bp)
    app.register_blueprint(volunteers.bp)
    app.register_blueprint(signup.bp)
    app.register_blueprint(account_import.bp)
    app.register_blueprint(household_setup.bp)
    app.register_blueprint(outlet_import.bp)
    app.register_blueprint(tokens.bp)
    from routes import household_link, outlet_days, outlets

    app.register_blueprint(outlets.bp)
    app.register_blueprint(outlet_days.bp)
    app.register_blueprint(household_link.bp)
    from routes import audit

    app.register_blueprint(audit.bp)
