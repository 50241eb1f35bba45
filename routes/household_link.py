"""Households told: the household's own page, opened by a signed link without an account;
the link for cadres and dispatchers to copy, send and renew; and the delivery slips the
outlet prints and sticks on each household's bag."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from routes.access import role_required
from routes.outlets import OUTLET_ROLES, outlet_in_scope
from supply_match import urls
from supply_match.models import Role
from supply_match.services import scope
from supply_match.services.county import settings as county_settings
from supply_match.services.delivery import household_page
from supply_match.services.documents import household_slips, route_sheets

bp = Blueprint("household_link", __name__)
LINK_ROLES = (Role.CADRE, Role.DISPATCHER, Role.ADMIN)


def _page_url():
    return urls.household_link_builder(urls.site_url())


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


@bp.get("/h/<household_token>")
def page(household_token: str):
    household = household_page.household_for_token(household_token)
    if household is None:
        return render_template("household/invalid.html"), 404
    shown = household_page.page_for(household, county_settings.county_today())
    response = Response(render_template("household/page.html", page=shown))
    # A page about one family's goods and phone numbers: never kept by a shared cache.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/households/<int:household_id>/link")
@role_required(*LINK_ROLES)
def link(household_id: int):
    found = household_page.link_of(
        current_user, household_id, _page_url(), county_settings.county_today()
    )
    return render_template(
        "household/link.html", link=found, qr=route_sheets.qr_svg(found.url, scale=4)
    )


@bp.get("/households/<int:household_id>/link/renew")
@role_required(*LINK_ROLES)
def confirm_renew(household_id: int):
    household = scope.get_household_for(current_user, household_id)
    return render_template("household/renew_confirm.html", household=household)


@bp.post("/households/<int:household_id>/link/renew")
@role_required(*LINK_ROLES)
def renew(household_id: int):
    household = household_page.renew_link(current_user, household_id)
    flash(
        _("%(name)s has a new link; the old one no longer opens. Send the new one.",
          name=household.name),
        "info",
    )  # fmt: skip
    return redirect(url_for("household_link.link", household_id=household.id))


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@bp.get("/outlets/<int:outlet_id>/days/<day>/slips")
@role_required(*OUTLET_ROLES)
def outlet_day_slips(outlet_id: int, day: str):
    outlet, the_day, locale = outlet_in_scope(outlet_id), _day(day), str(get_locale())
    slips = household_slips.slips_for_runs(
        household_slips.outlet_day_runs(outlet, the_day), _page_url(), locale
    )
    title = household_slips.outlet_day_title(outlet, the_day, locale)
    return household_slips.render_html(slips, title=title, locale=locale)


@bp.get("/outlets/<int:outlet_id>/days/<day>/slips.pdf")
@role_required(*OUTLET_ROLES)
def outlet_day_slips_pdf(outlet_id: int, day: str):
    outlet, the_day = outlet_in_scope(outlet_id), _day(day)
    pdf = household_slips.pdf_for_outlet_day(outlet, the_day, _page_url(), str(get_locale()))
    return _pdf(pdf, f"delivery-slips-{outlet.id}-{the_day.isoformat()}.pdf")


def _run_in_scope(run_id: int):
    run = household_slips.published_run(run_id)
    outlet_in_scope(run.outlet_id)
    return run


@bp.get("/outlets/runs/<int:run_id>/slips")
@role_required(*OUTLET_ROLES)
def run_slips(run_id: int):
    run, locale = _run_in_scope(run_id), str(get_locale())
    slips = household_slips.slips_for_runs([run], _page_url(), locale)
    return household_slips.render_html(slips, locale=locale)


@bp.get("/outlets/runs/<int:run_id>/slips.pdf")
@role_required(*OUTLET_ROLES)
def run_slips_pdf(run_id: int):
    run = _run_in_scope(run_id)
    pdf = household_slips.pdf_for_run(run, _page_url(), str(get_locale()))
    return _pdf(pdf, f"delivery-slips-run-{run.id}.pdf")
