"""Volunteers (dispatchers and admins) and accounts (admins)."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from routes.access import role_required
from routes.api import bp
from routes.api.common import DISPATCH, Unprocessable, json_body, page_of
from routes.api.openapi import query_param
from routes.api.places import _object, crud_paths
from routes.api.setup_common import choice_arg, found, int_arg, merged, saved
from supply_match.extensions import db
from supply_match.models import Role, User, VehicleType, Volunteer
from supply_match.services.county import accounts, volunteers
from supply_match.services.unit_of_work import unit_of_work

VOLUNTEER_FIELDS = ("name", "mobile", "party_branch", "village", "vehicle_type", "plate",
                    "payload_kg", "shift_start", "shift_end", "duty_days", "home_lat",
                    "home_lon")  # fmt: skip


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


def account_json(user: User) -> dict:
    return {
        "id": user.id, "username": user.username, "display_name": user.display_name,
        "mobile": user.mobile, "role": user.role, "active": user.active,
        "village_ids": sorted(user.village_ids), "outlet_id": user.outlet_id,
    }  # fmt: skip


def _volunteer_values(volunteer: Volunteer | None, body: dict) -> dict:
    if "village_id" in body:
        body["village"] = body.pop("village_id")
    if volunteer is None:
        return merged(dict.fromkeys(VOLUNTEER_FIELDS, ""), body)
    current = volunteer_json(volunteer)
    current["village"] = current.pop("village_id") or ""
    return merged({key: current.get(key, "") for key in VOLUNTEER_FIELDS}, body)


@bp.get("/volunteers")
@role_required(*DISPATCH)
def volunteers_list():
    stmt = volunteers.volunteers_query(
        township_id=int_arg("township"),
        vehicle_type=choice_arg("vehicle", VehicleType),
        weekday=int_arg("day"),
        active=request.args.get("active", "1"),
        search=request.args.get("q", "")[:32],
    )
    return page_of(stmt, volunteer_json)


@bp.post("/volunteers")
@role_required(*DISPATCH)
def volunteers_create():
    values = _volunteer_values(None, json_body())
    return jsonify(volunteer_json(saved(volunteers.save_volunteer, values))), 201


@bp.get("/volunteers/<int:volunteer_id>")
@role_required(*DISPATCH)
def volunteers_read(volunteer_id: int):
    return jsonify(volunteer_json(found(volunteers.get_volunteer, volunteer_id)))


@bp.patch("/volunteers/<int:volunteer_id>")
@role_required(*DISPATCH)
def volunteers_update(volunteer_id: int):
    volunteer = found(volunteers.get_volunteer, volunteer_id)
    body = json_body()
    active = body.pop("active", None)
    confirmed = body.pop("confirmed", False) is True
    values = _volunteer_values(volunteer, body)
    try:
        with unit_of_work():
            volunteer = saved(volunteers.save_volunteer, values, volunteer_id)
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


@bp.get("/accounts")
@role_required(Role.ADMIN)
def accounts_list():
    stmt = accounts.users_query(request.args.get("q", "")[:32], choice_arg("role", Role))
    return page_of(stmt, account_json)


@bp.post("/accounts")
@role_required(Role.ADMIN)
def accounts_create():
    body = json_body()
    village_ids = body.get("village_ids") or []
    if not isinstance(village_ids, list) or not all(isinstance(v, int) for v in village_ids):
        raise Unprocessable({"village_ids": _("A list of village ids.")})
    outlet_id = body.get("outlet_id")
    if outlet_id is not None and (isinstance(outlet_id, bool) or not isinstance(outlet_id, int)):
        raise Unprocessable({"outlet_id": _("An outlet id (a whole number), or null.")})
    try:
        with unit_of_work():
            user = accounts.create_user(
                username=str(body.get("username") or ""),
                display_name=str(body.get("display_name") or ""),
                password=str(body.get("password") or ""),
                role=str(body.get("role") or ""),
                mobile=str(body["mobile"]) if body.get("mobile") else None,
                village_ids=village_ids,
                outlet_id=outlet_id,
            )
            # Someone else chose this password: its owner changes it at the first sign-in.
            user.must_change_password = True
    except accounts.AccountError as error:
        raise Unprocessable({k: _(v) for k, v in error.errors.items()}) from None
    return jsonify(account_json(user)), 201


@bp.get("/accounts/<int:user_id>")
@role_required(Role.ADMIN)
def accounts_read(user_id: int):
    return jsonify(account_json(db.get_or_404(User, user_id)))


@bp.patch("/accounts/<int:user_id>")
@role_required(Role.ADMIN)
def accounts_update(user_id: int):
    user = db.get_or_404(User, user_id)
    body = json_body()
    if set(body) != {"active"} or not isinstance(body.get("active"), bool):
        raise Unprocessable({"active": _("Only active (true or false) can change here.")})
    try:
        with unit_of_work():
            accounts.set_active(user, body["active"], current_user)
    except accounts.AccountError as error:
        raise Unprocessable({k: _(v) for k, v in error.errors.items()}) from None
    return jsonify(account_json(user))


# The OpenAPI piece of this area (routes/api/openapi.py puts the pieces together).

_VEHICLES = ["electric_tricycle", "motor_tricycle", "motorcycle", "minivan", "pickup",
             "light_truck"]  # fmt: skip
_VOLUNTEER_FIELDS = {
    "name": {"type": "string"}, "mobile": {"type": "string", "pattern": r"^1[3-9]\d{9}$"},
    "party_branch": {"type": "string"},
    "village_id": {"type": "integer", "description": "The village they live in."},
    "vehicle_type": {"type": "string", "enum": _VEHICLES},
    "plate": {"type": ["string", "null"]}, "payload_kg": {"type": "integer"},
    "shift_start": {"type": "string", "description": "HH:MM; the county's default if empty."},
    "shift_end": {"type": "string"},
    "duty_days": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 6},
                  "description": "0 is Monday."},
    "home_lat": {"type": "number"}, "home_lon": {"type": "number"},
}  # fmt: skip
_ACCOUNT_FIELDS = {
    "username": {"type": "string"}, "display_name": {"type": "string"},
    "mobile": {"type": ["string", "null"]},
    "role": {"type": "string", "enum": ["admin", "dispatcher", "cadre", "outlet_staff"]},
    "village_ids": {"type": "array", "items": {"type": "integer"},
                    "description": "The villages a cadre serves (cadres only)."},
    "outlet_id": {"type": ["integer", "null"],
                  "description": "The outlet in use an outlet_staff account works for; "
                                 "required for that role, refused (422) for any other."},
}  # fmt: skip

SCHEMAS = {
    "NewVolunteer": _object(_VOLUNTEER_FIELDS, ["name", "mobile", "party_branch", "village_id",
                                                "vehicle_type", "payload_kg", "duty_days"]),
    "VolunteerChange": _object({**_VOLUNTEER_FIELDS, "active": {"type": "boolean"},
                                "confirmed": {"type": "boolean", "description":
                                              "Deactivate even with published runs ahead."}}),
    "Volunteer": _object({"id": {"type": "integer"}, **_VOLUNTEER_FIELDS,
                          "township_id": {"type": "integer"}, "active": {"type": "boolean"}}),
    "NewAccount": _object({**_ACCOUNT_FIELDS, "password": {"type": "string", "minLength": 8}},
                          ["username", "display_name", "password", "role"]),
    "AccountChange": _object({"active": {"type": "boolean"}}, ["active"]),
    "Account": _object({"id": {"type": "integer"}, **_ACCOUNT_FIELDS,
                        "active": {"type": "boolean"}}),
}  # fmt: skip

PATHS = {
    **crud_paths(
        "volunteers", "Volunteer", "volunteer_id",
        [query_param("township", "Only this township (id).", {"type": "integer"}),
         query_param("vehicle", "Only this vehicle type.", {"type": "string", "enum": _VEHICLES}),
         query_param("day", "On duty this weekday (0 Monday).", {"type": "integer"}),
         query_param("active", "1 active (default), 0 inactive, all."),
         query_param("q", "Part of the name or mobile.")],
        "dispatchers and admins",
    ),
    **crud_paths(
        "accounts", "Account", "user_id",
        [query_param("q", "Part of the username, name or mobile."),
         query_param("role", "Only this role.")],
        "admins",
    ),
}  # fmt: skip
