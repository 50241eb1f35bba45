"""API tokens (admins): issue one (its secret shown once), list them, revoke one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from routes.access import role_required
from routes.forms import ROLE_LABELS
from supply_match.extensions import db
from supply_match.models import ApiToken, Role
from supply_match.services.county import places, tokens
from supply_match.services.errors import NotFoundError

bp = Blueprint("tokens", __name__, url_prefix="/admin/tokens")


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def index():
    errors: dict[str, str] = {}
    issued = secret = None
    values = {"role": ""}
    if request.method == "POST":
        values = {"name": request.form.get("name", ""), "role": request.form.get("role", "")}
        village_ids = [int(v) for v in request.form.getlist("villages") if v.isdigit()]
        try:
            issued, secret = tokens.issue_token(
                values["name"], values["role"], village_ids, current_user
            )
        except tokens.TokenError as error:
            errors = error.errors
    return render_template(
        "tokens/index.html",
        tokens=tokens.tokens(),
        issued=issued,
        secret=secret,
        errors=errors,
        values=values,
        # A staff account needs its outlet, which a token has no field for.
        role_labels={r: label for r, label in ROLE_LABELS.items() if r != Role.OUTLET_STAFF},
        villages=list(db.session.scalars(places.villages_query(active="1"))),
    ), 422 if errors else 200


@bp.post("/<int:token_id>/revoke")
@role_required(Role.ADMIN)
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if request.form.get("confirmed") != "1":
        return render_template("tokens/confirm_revoke.html", token=token)
    try:
        tokens.revoke_token(token_id)
    except NotFoundError:
        abort(404)
    flash(_("The token %(name)s is revoked.", name=token.name), "success")
    return redirect(url_for("tokens.index"))
