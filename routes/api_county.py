"""The JSON API for setting a county up and keeping it in step with its other systems:
townships, villages, volunteers, outlets (create, read, list, update) and accounts
(admins), under /api/v1 like the rest of the API, with the same 401/403/404 answers and
422 ``{"errors": {field: message}}`` bodies.

A browser session sends its CSRF token as for every API change; a machine sends
``Authorization: Bearer <token>`` (services/county/tokens.py) and needs none, since a
token is not sent by a browser on its own.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from supply_match.extensions import csrf, db
from supply_match.models import Outlet, Role, Township, User, Village, Volunteer
from supply_match.services.county import accounts, places, volunteers
from supply_match.services.errors import NotFoundError
from supply_match.services.supply import catalogue
from supply_match.services.unit_of_work import unit_of_work

bp = Blueprint("api_county", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MAX_PER_PAGE = 200
STAFF = (Role.DISPATCHER, Role.ADMIN)


class Unprocessable(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors


@bp.errorhandler(Unprocessable)
def unprocessable(error: Unprocessable):
    return jsonify(errors=error.errors), 422


@bp.before_request
def signed_in_and_checked():
    if not current_user.is_authenticated or not current_user.is_active:
        abort(401)
    # A browser's session must prove the request came from our pages; a bearer token
    # cannot be sent by another site's page, so it needs no CSRF token.
    bearer = request.headers.get("Authorization", "").startswith("Bearer ")
    if not bearer and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


def roles(*allowed: Role):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in {str(role) for role in allowed}:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Unprocessable({"body": _("The request body must be a JSON object.")})
    return body


def _page_of(stmt, serialise):
    errors = {}
    page, per_page = request.args.get("page", "1"), request.args.get("per_page", "50")
    if not page.isdigit() or int(page) < 1:
        errors["page"] = _("The page must be a positive whole number.")
    if not per_page.isdigit() or not 1 <= int(per_page) <= MAX_PER_PAGE:
        errors["per_page"] = _("per_page must be between 1 and %(max)s.", max=MAX_PER_PAGE)
    if errors:
        raise Unprocessable(errors)
    result = db.paginate(stmt, page=int(page), per_page=int(per_page), error_out=False)
    return jsonify(
        items=[serialise(item) for item in result.items],
        page=result.page,
        per_page=result.per_page,
        total=result.total,
        pages=result.pages,
    )


def _found(getter, record_id: int):
    try:
        return getter(record_id)
    except NotFoundError:
        abort(404)


def _int_arg(name: str) -> int | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise Unprocessable({name: _("Must be a whole-number id.")})
    return int(text)


# Serialisers


def township_json(township: Township) -> dict:
    return {
        "id": township.id, "code": township.code, "name": township.name,
        "name_pinyin": township.name_pinyin, "kind": township.kind,
        "lat": township.lat, "lon": township.lon, "active": township.active,
    }  # fmt: skip


def village_json(village: Village) -> dict:
    return {
        "id": village.id, "code": village.code, "name": village.name,
        "township_id": village.township_id, "lat": village.lat, "lon": village.lon,
        "collection_point": village.collection_point,
        "collection_lat": village.collection_lat, "collection_lon": village.collection_lon,
        "collection_contact": village.collection_contact,
        "collection_mobile": village.collection_mobile,
        "group_count": village.group_count, "active": village.active,
    }  # fmt: skip


def volunteer_json(volunteer: Volunteer) -> dict:
    return {
        "id": volunteer.id, "name": volunteer.name, "mobile": volunteer.mobile,
        "party_branch": volunteer.party_branch, "township_id": volunteer.township_id,
        "village_id": volunteer.home_village_id, "vehicle_type": volunteer.vehicle_type,
        "plate": volunteer.plate, "payload_kg": volunteer.payload_kg,
        "shift_start": volunteer.shift_start.strftime("%H:%M"),
        "shift_end": volunteer.shift_end.strftime("%H:%M"),
        "duty_days": volunteers.duty_day_numbers(volunteer.duty_days),
        "home_lat": volunteer.home_lat, "home_lon": volunteer.home_lon,
        "active": volunteer.active,
    }  # fmt: skip


def outlet_json(outlet: Outlet) -> dict:
    return {
        "id": outlet.id, "name": outlet.name, "township_id": outlet.township_id,
        "address": outlet.address, "lat": outlet.lat, "lon": outlet.lon,
        "opens_at": outlet.opens_at.strftime("%H:%M"),
        "closes_at": outlet.closes_at.strftime("%H:%M"),
        "contact_name": outlet.contact_name, "contact_mobile": outlet.contact_mobile,
        "active": outlet.active,
    }  # fmt: skip


def account_json(user: User) -> dict:
    return {
        "id": user.id, "username": user.username, "display_name": user.display_name,
        "mobile": user.mobile, "role": user.role, "active": user.active,
        "village_ids": sorted(user.village_ids),
    }  # fmt: skip


def _as_text(body: dict) -> dict:
    """JSON values as the form rules read them (numbers as text)."""
    return {k: ("" if v is None else v if isinstance(v, list | bool) else str(v))
            for k, v in body.items()}  # fmt: skip


def _merged(current: dict, body: dict) -> dict:
    unknown = set(body) - set(current)
    if unknown:
        raise Unprocessable({key: _("Unknown field.") for key in sorted(unknown)})
    return {**current, **_as_text(body)}


# Townships and villages


TOWNSHIP_FIELDS = ("code", "name", "name_pinyin", "lat", "lon", "coordinates")
VILLAGE_FIELDS = ("code", "name", "lat", "lon", "coordinates", "collection_point",
                  "collection_lat", "collection_lon", "collection_contact",
                  "collection_mobile", "group_count")  # fmt: skip


def _saved(save, *args):
    try:
        return save(*args)
    except (places.PlaceError, volunteers.VolunteerError) as error:
        raise Unprocessable(error.errors) from None


@bp.get("/townships")
@roles(*STAFF, Role.CADRE)
def townships_list():
    return _page_of(select(Township).order_by(Township.code), township_json)


@bp.post("/townships")
@roles(Role.ADMIN)
def townships_create():
    values = _merged(dict.fromkeys(TOWNSHIP_FIELDS, ""), _body())
    return jsonify(township_json(_saved(places.save_township, values))), 201


@bp.get("/townships/<int:township_id>")
@roles(*STAFF, Role.CADRE)
def townships_read(township_id: int):
    return jsonify(township_json(_found(places.get_township, township_id)))


@bp.patch("/townships/<int:township_id>")
@roles(Role.ADMIN)
def townships_update(township_id: int):
    township = _found(places.get_township, township_id)
    body = _body()
    active = body.pop("active", None)
    current = {key: getattr(township, key, "") for key in TOWNSHIP_FIELDS}
    current["coordinates"] = "wgs84"
    with unit_of_work():
        township = _saved(places.save_township, _merged(current, body), township_id)
        if isinstance(active, bool):
            places.set_township_active(township_id, active)
    return jsonify(township_json(township))


@bp.get("/villages")
@roles(*STAFF, Role.CADRE)
def villages_list():
    stmt = places.villages_query(_int_arg("township"), request.args.get("q", "")[:32])
    return _page_of(stmt, village_json)


@bp.post("/villages")
@roles(Role.ADMIN)
def villages_create():
    values = _merged(dict.fromkeys(VILLAGE_FIELDS, ""), _body())
    return jsonify(village_json(_saved(places.save_village, values))), 201


@bp.get("/villages/<int:village_id>")
@roles(*STAFF, Role.CADRE)
def villages_read(village_id: int):
    return jsonify(village_json(_found(places.get_village, village_id)))


@bp.patch("/villages/<int:village_id>")
@roles(Role.ADMIN)
def villages_update(village_id: int):
    village = _found(places.get_village, village_id)
    body = _body()
    active = body.pop("active", None)
    current = {key: getattr(village, key, "") for key in VILLAGE_FIELDS}
    current["coordinates"] = "wgs84"
    with unit_of_work():
        village = _saved(places.save_village, _merged(current, body), village_id)
        if isinstance(active, bool):
            try:
                places.set_village_active(village_id, active)
            except places.PlaceError as error:
                raise Unprocessable(error.errors) from None
    return jsonify(village_json(village))


# Volunteers


VOLUNTEER_FIELDS = ("name", "mobile", "party_branch", "village", "vehicle_type", "plate",
                    "payload_kg", "shift_start", "shift_end", "duty_days", "home_lat",
                    "home_lon")  # fmt: skip


def _volunteer_values(volunteer: Volunteer | None, body: dict) -> dict:
    if "village_id" in body:
        body["village"] = body.pop("village_id")
    if volunteer is None:
        return _merged(dict.fromkeys(VOLUNTEER_FIELDS, ""), body)
    current = volunteer_json(volunteer)
    current["village"] = current.pop("village_id") or ""
    current = {key: current.get(key, "") for key in VOLUNTEER_FIELDS}
    return _merged(current, body)


@bp.get("/volunteers")
@roles(*STAFF)
def volunteers_list():
    weekday = _int_arg("day")
    stmt = volunteers.volunteers_query(
        township_id=_int_arg("township"),
        vehicle_type=request.args.get("vehicle", ""),
        weekday=weekday,
        active=request.args.get("active", "1"),
        search=request.args.get("q", "")[:32],
    )
    return _page_of(stmt, volunteer_json)


@bp.post("/volunteers")
@roles(*STAFF)
def volunteers_create():
    values = _volunteer_values(None, _body())
    return jsonify(volunteer_json(_saved(volunteers.save_volunteer, values))), 201


@bp.get("/volunteers/<int:volunteer_id>")
@roles(*STAFF)
def volunteers_read(volunteer_id: int):
    return jsonify(volunteer_json(_found(volunteers.get_volunteer, volunteer_id)))


@bp.patch("/volunteers/<int:volunteer_id>")
@roles(*STAFF)
def volunteers_update(volunteer_id: int):
    volunteer = _found(volunteers.get_volunteer, volunteer_id)
    body = _body()
    active = body.pop("active", None)
    confirmed = body.pop("confirmed", False) is True
    values = _volunteer_values(volunteer, body)
    try:
        with unit_of_work():
            volunteer = _saved(volunteers.save_volunteer, values, volunteer_id)
            if isinstance(active, bool):
                volunteers.set_volunteer_active(volunteer_id, active, confirmed=confirmed)
    except volunteers.RunsAhead as ahead:
        dates = ", ".join(run.plan.delivery_date.isoformat() for run in ahead.runs)
        raise Unprocessable(
            {
                "active": _(
                    "Published runs ahead on %(dates)s: send confirmed=true to deactivate.",
                    dates=dates,
                )
            }  # fmt: skip
        ) from None
    return jsonify(volunteer_json(volunteer))


# Outlets (the list and their stock are in routes/api.py)


OUTLET_FIELDS = ("name", "township_id", "address", "lat", "lon", "opens_at", "closes_at",
                 "contact_name", "contact_mobile", "active")  # fmt: skip


def _outlet_saved(outlet: Outlet | None, body: dict) -> Outlet:
    if outlet is None:
        current = dict.fromkeys(OUTLET_FIELDS, "") | {"opens_at": "08:00", "closes_at": "18:00"}
        current["active"] = True
    else:
        current = outlet_json(outlet)
        current = _as_text({key: current[key] for key in OUTLET_FIELDS})
    values = _merged(current, body)
    values["active"] = "1" if values["active"] in (True, "True", "true", "1") else ""
    checked, errors = catalogue.read_outlet(MultiDict(values), outlet)
    if errors:
        raise Unprocessable(errors)
    with unit_of_work():
        if outlet is None:
            outlet = Outlet()
            db.session.add(outlet)
        for key, value in checked.items():
            setattr(outlet, key, value)
        db.session.flush()
    return outlet


@bp.post("/outlets")
@roles(*STAFF)
def outlets_create():
    return jsonify(outlet_json(_outlet_saved(None, _body()))), 201


@bp.get("/outlets/<int:outlet_id>")
@roles(*STAFF)
def outlets_read(outlet_id: int):
    return jsonify(outlet_json(db.get_or_404(Outlet, outlet_id)))


@bp.patch("/outlets/<int:outlet_id>")
@roles(*STAFF)
def outlets_update(outlet_id: int):
    return jsonify(outlet_json(_outlet_saved(db.get_or_404(Outlet, outlet_id), _body())))


# Accounts


@bp.get("/accounts")
@roles(Role.ADMIN)
def accounts_list():
    stmt = accounts.users_query(request.args.get("q", "")[:32], request.args.get("role", ""))
    return _page_of(stmt, account_json)


@bp.post("/accounts")
@roles(Role.ADMIN)
def accounts_create():
    body = _body()
    village_ids = body.get("village_ids") or []
    if not isinstance(village_ids, list) or not all(isinstance(v, int) for v in village_ids):
        raise Unprocessable({"village_ids": _("A list of village ids.")})
    try:
        with unit_of_work():
            user = accounts.create_user(
                username=str(body.get("username") or ""),
                display_name=str(body.get("display_name") or ""),
                password=str(body.get("password") or ""),
                role=str(body.get("role") or ""),
                mobile=str(body["mobile"]) if body.get("mobile") else None,
                village_ids=village_ids,
            )
            # Someone else chose this password: its owner changes it at the first sign-in.
            user.must_change_password = True
    except accounts.AccountError as error:
        raise Unprocessable({k: _(v) for k, v in error.errors.items()}) from None
    return jsonify(account_json(user)), 201


@bp.get("/accounts/<int:user_id>")
@roles(Role.ADMIN)
def accounts_read(user_id: int):
    user = db.get_or_404(User, user_id)
    return jsonify(account_json(user))


@bp.patch("/accounts/<int:user_id>")
@roles(Role.ADMIN)
def accounts_update(user_id: int):
    user = db.get_or_404(User, user_id)
    body = _body()
    unknown = set(body) - {"active"}
    if unknown or not isinstance(body.get("active"), bool):
        raise Unprocessable({"active": _("Only active (true or false) can change here.")})
    try:
        with unit_of_work():
            accounts.set_active(user, body["active"], current_user)
    except accounts.AccountError as error:
        raise Unprocessable({k: _(v) for k, v in error.errors.items()}) from None
    return jsonify(account_json(user))
