"""Village cadres' and outlet staff's accounts in bulk (admins), and the password change a first sign-in
forces on every account whose password someone else chose."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from routes.access import home_url_for, role_required
from routes.helpers import xlsx_response
from routes.uploads import import_page
from supply_match.models import Role
from supply_match.services.county import account_import, passwords

bp = Blueprint("account_import", __name__)

# What a user who must change their password may still open.
OPEN_DURING_FORCED_CHANGE = {"account_import.change_password", "auth.logout", "static"}


@bp.before_app_request
def force_password_change():
    if (
        current_user.is_authenticated
        and getattr(current_user, "must_change_password", False)
        and request.endpoint not in OPEN_DURING_FORCED_CHANGE
        and not (request.blueprint or "").startswith(("api", "health"))
    ):
        return redirect(url_for("account_import.change_password"))
    return None


@bp.route("/admin/accounts/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_accounts():
    return import_page(
        account_import.import_accounts,
        title=_("Import accounts of village cadres and outlet staff"),
        intro=_(
            "One row per account: a village cadre with the codes of their villages, or an "
            "outlet's staff with the name of their outlet. Each account gets a first "
            "password, shown once below, which must be changed at the first sign-in."
        ),
        back=(url_for("admin.users"), _("Users")),
        template_endpoint="account_import.template",
        columns=account_import.CADRE_COLUMNS,
        figures=lambda r: [("created", _("Accounts created"), r.created)],
        result_template="accounts/import.html",
    )


@bp.get("/admin/accounts/template.xlsx")
@role_required(Role.ADMIN)
def template():
    return xlsx_response(account_import.template_xlsx(), "账号导入模板.xlsx")


@bp.route("/password", methods=["GET", "POST"])
@role_required()
def change_password():
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            passwords.change_own_password(
                current_user,
                request.form.get("current", ""),
                request.form.get("new", ""),
                request.form.get("repeated", ""),
            )
        except passwords.PasswordChangeError as error:
            errors = error.errors
        else:
            # A new password ends every session, this one too: sign in again at once.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(home_url_for(current_user))
    return render_template(
        "accounts/password.html", errors=errors, forced=current_user.must_change_password
    ), 422 if errors else 200
