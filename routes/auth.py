"""Signing in with a username or mobile number, and signing out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from routes.access import home_url_for
from routes.forms import LoginForm
from supply_match.services.county import accounts

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, so the login page cannot be used
    to send people elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.before_app_request
def drop_deactivated_sessions():
    # An account deactivated while signed in loses its session on the next request.
    if current_user.is_authenticated and not current_user.is_active:
        logout_user()


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = accounts.authenticate(form.login.data, form.password.data, request.remote_addr)
        if result.ok:
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(result.user)
            # Expires PERMANENT_SESSION_LIFETIME after the last request, not at login.
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")) or home_url_for(result.user))
        if result.locked_until is not None:
            flash(
                _(
                    "Too many failed sign-in attempts. Please try again after %(time)s.",
                    time=format_datetime(result.locked_until, "short"),
                ),
                "error",
            )
            status = 429
        else:
            flash(_("Wrong username, mobile number or password."), "error")
            status = 401
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))
