"""Signing in with a username or mobile number, and signing out."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from routes.access import home_url_for
from routes.forms import LoginForm
from supply_match.login import load_user
from supply_match.services.county import accounts

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, so the login page cannot be used
    to send people elsewhere. Browsers drop tabs and newlines from a URL and read a
    backslash as a slash, so a tab or backslash after the first slash would lead to
    another host: the text may hold no control character, space or backslash at all,
    and neither it nor its percent-decoded form may start with two slashes."""
    if not target or len(target) > 2000:
        return None
    if any(ord(char) < 0x21 or char in "\\\x7f" for char in target):
        return None
    # The character after the first slash, percent-decoded ("%2F" and "%5C" as well).
    second = unquote(target[:12])[1:2]
    if not target.startswith("/") or second in ("/", "\\") or (second and ord(second) < 0x21):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.before_app_request
def drop_ended_sessions():
    # An account deactivated, signed out elsewhere or given a new password while signed
    # in loses this session on the next request. (The user loader refuses an ended
    # session already; this also holds where the user was loaded earlier in the context.)
    # A machine's bearer token (no session id) is checked by its own loader instead.
    session_id = session.get("_user_id")
    if current_user.is_authenticated and (
        not current_user.is_active
        or (
            session_id is not None
            and load_user(session_id) is not current_user._get_current_object()
        )
    ):
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
    if current_user.is_authenticated:
        accounts.sign_out(current_user._get_current_object())
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))
