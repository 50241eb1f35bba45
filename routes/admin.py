"""Administrators: county figures and user accounts."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy.orm import contains_eager, selectinload
from wtforms.fields.choices import SelectChoice

from routes.access import role_required
from routes.forms import ROLE_LABELS, UserForm
from routes.helpers import page_arg
from supply_match.extensions import db
from supply_match.models import Outlet, Role, Township, User, Village
from supply_match.services.county import accounts, dashboards, setup

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@role_required(Role.ADMIN)
def home():
    return render_template(
        "admin/home.html",
        figures=dashboards.admin_figures(),
        role_labels=ROLE_LABELS,
        steps=setup.checklist(),
    )


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    search = request.args.get("q", "")
    role = request.args.get("role", "")
    page = db.paginate(
        accounts.users_query(search=search, role=role).options(
            selectinload(User.villages).selectinload(Village.township),
            selectinload(User.outlet),
        ),
        page=page_arg(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "admin/users.html", page=page, users=page.items, role_labels=ROLE_LABELS,
        search=search, role=role,
    )  # fmt: skip


def _village_choices() -> list[SelectChoice]:
    """Villages grouped by township, so that a cadre's villages are quick to find."""
    villages = db.session.scalars(
        db.select(Village).options(selectinload(Village.township)).order_by(Village.code)
    ).all()
    return [
        SelectChoice(village.id, village.name, optgroup=village.township.name)
        for village in villages
    ]


def _outlet_choices() -> list[SelectChoice]:
    """The outlets in use, grouped by township like the villages, after a blank choice
    (the form's default role, a cadre, works for no outlet)."""
    outlets = db.session.scalars(
        db.select(Outlet)
        .join(Outlet.township)
        .where(Outlet.active.is_(True))
        .options(contains_eager(Outlet.township))
        .order_by(Township.code, Outlet.name)
    ).all()
    return [SelectChoice("", _("No outlet"))] + [
        SelectChoice(outlet.id, outlet.name, optgroup=outlet.township.name) for outlet in outlets
    ]


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    form = UserForm()
    form.villages.choices = _village_choices()
    form.outlet_id.choices = _outlet_choices()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                username=form.username.data or "",
                display_name=form.display_name.data or "",
                password=form.password.data or "",
                role=form.role.data,
                mobile=form.mobile.data,
                village_ids=form.villages.data or [],
                outlet_id=form.outlet_id.data,
            )
        except accounts.AccountError as error:
            for field, message in error.errors.items():
                getattr(form, field).errors = [_(message)]
            status = 422
        else:
            flash(_("Account %(username)s has been created.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    elif request.method == "POST":
        status = 422
    return render_template("admin/user_new.html", form=form), status


@bp.post("/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    asked = request.form.get("confirmed") == "1"
    if not active and not asked and user.id != current_user.id:
        return render_template("admin/confirm_deactivate.html", user=user)
    try:
        accounts.set_active(user, active, current_user)
    except accounts.AccountError as error:
        flash(_(error.errors["active"]), "error")
    else:
        if active:
            flash(_("Account %(username)s is active again.", username=user.username), "success")
        else:
            flash(
                _("Account %(username)s has been deactivated.", username=user.username), "success"
            )
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
@role_required(Role.ADMIN)
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        accounts.reset_password(user, request.form.get("password", ""))
    except accounts.AccountError as error:
        flash(_(error.errors["password"]), "error")
    else:
        if user.id == current_user.id:  # a new password ends the other sessions, not this one
            login_user(user)
        flash(_("The password of %(username)s has been reset.", username=user.username), "success")
    return redirect(url_for("admin.users"))
