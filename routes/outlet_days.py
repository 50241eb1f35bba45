"""An outlet's delivery day: pick and packing lists, bag labels, each run's hand-over,
goods back, and the day's accounts with closing, corrections and the .xlsx export."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from routes.access import role_required
from routes.outlets import COUNTY_ROLES, OUTLET_ROLES, outlet_in_scope
from supply_match import urls
from supply_match.services.documents.route_sheets import quantity_text
from supply_match.services.errors import NotFoundError
from supply_match.services.outlets import accounts, closing, handover, packing
from supply_match.services.outlets.accounts_sheet import accounts_xlsx

bp = Blueprint("outlet_days", __name__, url_prefix="/outlets")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


def _day_url(outlet_id: int, day: date) -> str:
    return url_for("outlet_days.day", outlet_id=outlet_id, day=day.isoformat())


@bp.get("/<int:outlet_id>/days/<day>")
@role_required(*OUTLET_ROLES)
def day(outlet_id: int, day: str, errors: dict | None = None, status: int = 200):
    outlet = outlet_in_scope(outlet_id)
    the_day = _day(day)
    packed = packing.day_packing(outlet, the_day)
    handovers = handover.handovers_of([run.run.id for run in packed.runs])
    return render_template(
        "outlets/day.html",
        outlet=outlet,
        day=the_day,
        packed=packed,
        handovers=handovers,
        goods={run.run.id: handover.run_goods(run.run) for run in packed.runs},
        figures=accounts.day_accounts(outlet, the_day),
        returned=accounts.returned_stop_ids(outlet, the_day),
        closed=closing.is_closed(outlet.id, the_day),
        errors=errors or {},
        quantity_text=quantity_text,
    ), status


@bp.get("/<int:outlet_id>/days/<day>/packing")
@role_required(*OUTLET_ROLES)
def packing_print(outlet_id: int, day: str):
    outlet = outlet_in_scope(outlet_id)
    packed = packing.day_packing(outlet, _day(day))
    return render_template("outlets/packing_print.html", packed=packed, quantity_text=quantity_text)


@bp.get("/<int:outlet_id>/days/<day>/labels")
@role_required(*OUTLET_ROLES)
def labels_print(outlet_id: int, day: str):
    outlet = outlet_in_scope(outlet_id)
    packed = packing.day_packing(outlet, _day(day))
    labels = packing.bag_labels(packed, urls.outlet_stop_link_builder(urls.site_url()))
    return render_template("outlets/labels_print.html", packed=packed, labels=labels)


@bp.post("/<int:outlet_id>/runs/<int:run_id>/handover")
@role_required(*OUTLET_ROLES)
def confirm_handover(outlet_id: int, run_id: int):
    """The ticked form records a hand-over in full; one with shortages first asks on a
    page naming them (a wrong shortage cannot be taken back), recorded once confirmed."""
    outlet = outlet_in_scope(outlet_id)
    form = request.form
    shortages = {
        int(key[6:]): value
        for key, value in form.items()
        if key.startswith("short-") and key[6:].isdigit()
    }
    the_day = _day(form.get("day", ""))
    if not form.get("checked"):
        flash(_("Please tick that you checked the load before confirming."), "error")
        return redirect(_day_url(outlet.id, the_day))
    try:
        done = handover.confirm_handover(
            current_user,
            outlet,
            run_id,
            shortages,
            form.get("note"),
            ask_about_shortages=form.get("confirm") != "1",
        )
    except NotFoundError:
        abort(404)
    except handover.ShortagesToConfirm as question:
        return render_template(
            "outlets/handover_confirm.html",
            outlet=outlet,
            day=the_day,
            run_id=run_id,
            question=question,
            shortages={key: value for key, value in shortages.items() if str(value).strip()},
            note=form.get("note", ""),
        )
    except (handover.HandoverError, closing.DayClosedError) as error:
        flash(str(error), "error")
        return redirect(_day_url(outlet.id, the_day))
    if done.complete:
        flash(_("Run handed over in full."), "success")
    else:
        flash(_("Run handed over with shortages: the dispatcher sees them now."), "warning")
    return redirect(_day_url(outlet.id, the_day))


@bp.route("/<int:outlet_id>/stops/<int:stop_id>/return", methods=["GET", "POST"])
@role_required(*OUTLET_ROLES)
def confirm_return(outlet_id: int, stop_id: int):
    """GET (or a POST without ``confirm``) asks first, naming the goods; a confirmed POST
    counts them back in, which cannot be undone."""
    outlet = outlet_in_scope(outlet_id)
    day_text = request.values.get("day", "")
    # The day's page sends its day, to return to; a bag label's stop page may not.
    back = (
        _day_url(outlet.id, _day(day_text))
        if day_text
        else url_for("outlets.outlet", outlet_id=outlet.id)
    )
    confirmed = request.method == "POST" and request.form.get("confirm") == "1"
    try:
        if not confirmed:
            question = handover.return_to_confirm(outlet, stop_id)
            return render_template("outlets/return_confirm.html", outlet=outlet, question=question)
        handover.confirm_return(current_user, outlet, stop_id)
    except NotFoundError:
        abort(404)
    except handover.HandoverError as error:
        flash(str(error), "error")
        return redirect(back)
    flash(_("Goods taken back into the outlet."), "success")
    return redirect(back)


@bp.get("/stops/<int:stop_id>")
@role_required(*OUTLET_ROLES)
def stop(stop_id: int):
    """What a bag label's QR code opens: the stop, its goods and its state."""
    try:
        found, packed_stop = packing.stop_packing(stop_id)
    except NotFoundError:
        abort(404)
    outlet = outlet_in_scope(found.run.outlet_id)
    return render_template(
        "outlets/stop.html", outlet=outlet, run=found.run, stop=packed_stop, the_stop=found
    )


@bp.get("/shortages/<day>")
@role_required(*COUNTY_ROLES)
def shortages(day: str):
    the_day = _day(day)
    plan = packing.published_plan(the_day)
    found = handover.shortages_for_plan(plan) if plan is not None else []
    return render_template(
        "outlets/shortages.html", day=the_day, shortages=found, quantity_text=quantity_text
    )


def _accounts_page(outlet, the_day: date, errors: dict | None = None, values=None):
    return render_template(
        "outlets/accounts.html",
        outlet=outlet,
        day=the_day,
        figures=accounts.day_accounts(outlet, the_day),
        volunteers=accounts.volunteers_of_day(outlet, the_day),
        errors=errors or {},
        values=values,
    ), 422 if errors else 200


@bp.get("/<int:outlet_id>/days/<day>/accounts")
@role_required(*OUTLET_ROLES)
def day_accounts(outlet_id: int, day: str):
    return _accounts_page(outlet_in_scope(outlet_id), _day(day))


@bp.route("/<int:outlet_id>/days/<day>/close", methods=["GET", "POST"])
@role_required(*OUTLET_ROLES)
def close_day(outlet_id: int, day: str):
    outlet = outlet_in_scope(outlet_id)
    the_day = _day(day)
    accounts_url = url_for("outlet_days.day_accounts", outlet_id=outlet.id, day=the_day.isoformat())
    if request.method == "GET":
        return render_template(
            "outlets/close_confirm.html",
            outlet=outlet,
            day=the_day,
            figures=accounts.day_accounts(outlet, the_day),
        )
    try:
        closing.close_day(current_user, outlet, the_day)
    except (closing.ClosingError, closing.DayClosedError) as error:
        flash(str(error), "error")
    else:
        flash(_("The day is closed."), "success")
    return redirect(accounts_url)


@bp.post("/<int:outlet_id>/days/<day>/corrections")
@role_required(*OUTLET_ROLES)
def add_correction(outlet_id: int, day: str):
    outlet = outlet_in_scope(outlet_id)
    the_day = _day(day)
    form = request.form
    try:
        closing.add_correction(
            current_user,
            outlet,
            the_day,
            form.get("amount", ""),
            form.get("note", ""),
            form.get("volunteer_id", type=int),
        )
    except closing.ClosingError as error:
        return _accounts_page(outlet, the_day, error.errors, form)
    flash(_("Correction recorded."), "success")
    return redirect(
        url_for("outlet_days.day_accounts", outlet_id=outlet.id, day=the_day.isoformat())
    )


@bp.post("/<int:outlet_id>/days/<day>/goods-corrections")
@role_required(*OUTLET_ROLES)
def add_goods_correction(outlet_id: int, day: str):
    outlet = outlet_in_scope(outlet_id)
    the_day = _day(day)
    form = request.form
    try:
        closing.add_goods_correction(
            current_user,
            outlet,
            the_day,
            form.get("product_id", type=int),
            form.get("figure", ""),
            form.get("quantity", ""),
            form.get("note", ""),
        )
    except closing.ClosingError as error:
        return _accounts_page(outlet, the_day, error.errors, form)
    flash(_("Correction recorded."), "success")
    return redirect(
        url_for("outlet_days.day_accounts", outlet_id=outlet.id, day=the_day.isoformat())
    )


@bp.get("/<int:outlet_id>/days/<day>/accounts.xlsx")
@role_required(*OUTLET_ROLES)
def accounts_export(outlet_id: int, day: str):
    outlet = outlet_in_scope(outlet_id)
    the_day = _day(day)
    content = accounts_xlsx(accounts.day_accounts(outlet, the_day))
    filename = f"daily-accounts-{outlet.id}-{the_day.isoformat()}.xlsx"
    return Response(
        content,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
