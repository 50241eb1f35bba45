"""Volunteers' sign-up: a party member opens their township's link on a phone, enters
their details and vehicle, and a dispatcher approves or declines the application.

Nothing of an application is used before approval: it is not a volunteer, is never
planned and has no link. Approval checks it again by the volunteer rules (the mobile may
have been taken meanwhile) and creates the volunteer in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from supply_match import clock
from supply_match.extensions import db
from supply_match.models import (
    ApplicationStatus,
    LoginAttempt,
    Township,
    User,
    Village,
    Volunteer,
    VolunteerApplication,
)
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.county.places import cell_text
from supply_match.services.county.volunteers import VolunteerError, check_volunteer, write_volunteer
from supply_match.services.errors import NotFoundError
from supply_match.services.unit_of_work import use_case


@dataclass
class SignupThrottled(Exception):
    """Too many sign-ups from one address: refused until ``until`` (UTC, naive)."""

    until: datetime


def _signup_key(remote_addr: str | None) -> str | None:
    return f"signup:{remote_addr}"[:64] if remote_addr else None


@use_case
def _count_signup(remote_addr: str | None) -> None:
    """Count a sign-up sent from ``remote_addr`` (committed, whether or not the form is
    then accepted, so a refused one counts too: each answer tells whether a mobile is
    someone's already). Raises ``SignupThrottled`` once the address sent
    ``SIGNUP_MAX_PER_IP`` within ``SIGNUP_WINDOW_S`` seconds; sends while refused are not
    counted, so the wait ends when the page says. Kept in the login attempts' table (under
    ``signup:`` keys) so that it holds across web processes and is cleared with them."""
    key = _signup_key(remote_addr)
    limit = current_app.config["SIGNUP_MAX_PER_IP"]
    if key is None or limit <= 0:
        return
    now = clock.now_utc()
    window = timedelta(seconds=current_app.config["SIGNUP_WINDOW_S"])
    recent = db.session.scalars(
        select(LoginAttempt.attempted_at)
        .where(LoginAttempt.key == key, LoginAttempt.attempted_at > now - window)
        .order_by(LoginAttempt.attempted_at.desc())
        .limit(limit)
    ).all()
    if len(recent) >= limit:
        raise SignupThrottled(until=recent[-1] + window)  # when the oldest leaves the window
    db.session.add(LoginAttempt(key=key, succeeded=False, attempted_at=now))


def signups_counted(remote_addr: str) -> int:
    """How many sign-ups ``remote_addr`` sent that are still counted (for tests and the
    administrator)."""
    return db.session.scalar(
        select(func.count()).where(LoginAttempt.key == _signup_key(remote_addr))
    )


def submit(
    township: Township, values: Mapping[str, object], remote_addr: str | None
) -> VolunteerApplication:
    """A sign-up sent from the public form at ``remote_addr``: counted against the
    address's limit (``SignupThrottled``), then checked and recorded as ``apply`` does
    (``VolunteerError``)."""
    _count_signup(remote_addr)
    return apply(township, values)


def township_for_signup(code: str) -> Township:
    """The active township whose sign-up link carries ``code``; ``NotFoundError`` else."""
    township = db.session.scalar(select(Township).where(Township.code == code))
    if township is None or not township.active:
        raise NotFoundError(f"township {code}")
    return township


def _mobile_taken(mobile: str) -> str | None:
    if db.session.scalar(select(Volunteer.id).where(Volunteer.mobile == mobile)):
        return _("This mobile is already registered as a volunteer's.")
    pending = db.session.scalar(
        select(VolunteerApplication.id).where(
            VolunteerApplication.mobile == mobile,
            VolunteerApplication.status == ApplicationStatus.PENDING,
        )
    )
    if pending:
        return _("An application with this mobile is already waiting for approval.")
    return None


@use_case
def apply(township: Township, values: Mapping[str, object]) -> VolunteerApplication:
    """Record a sign-up for ``township``; raises ``VolunteerError`` with every refused
    field (a mobile already a volunteer's, or already waiting, is refused by name)."""
    mobile = re.sub(r"[\s-]", "", cell_text(values.get("mobile")))
    errors: dict[str, str] = {}
    taken = _mobile_taken(mobile) if mobile else None
    village = (
        db.session.get(Village, int(v))
        if (v := cell_text(values.get("village"))).isdigit()
        else None
    )
    if village is None or village.township_id != township.id or not village.active:
        errors["village"] = _("Please choose your village.")
    try:
        checked = check_volunteer({**values, "village": village.id if village else ""}, None)
    except VolunteerError as error:
        errors = {**error.errors, **errors}
        checked = None
    if taken and "mobile" not in errors:
        errors["mobile"] = taken
    if errors:
        raise VolunteerError(errors)
    application = VolunteerApplication(
        township_id=township.id,
        village_id=village.id,
        name=checked["name"],
        mobile=checked["mobile"],
        party_branch=checked["party_branch"],
        vehicle_type=checked["vehicle_type"],
        plate=checked["plate"],
        payload_kg=checked["payload_kg"],
        duty_days=checked["duty_days"],
        shift_start=checked["shift_start"],
        shift_end=checked["shift_end"],
        status=ApplicationStatus.PENDING,
        created_at=clock.now_utc(),
    )
    db.session.add(application)
    db.session.flush()
    audit.record(
        AuditKind.VOLUNTEER,
        "applied",
        summary=f"{township.name} {application.name}",
        detail={"application_id": application.id},
        actor_name=application.name,
    )
    return application


def pending_applications() -> list[VolunteerApplication]:
    return list(
        db.session.scalars(
            select(VolunteerApplication)
            .where(VolunteerApplication.status == ApplicationStatus.PENDING)
            .order_by(VolunteerApplication.created_at)
        )
    )


def pending_application(application_id: int) -> VolunteerApplication:
    """The application still to decide, for the question before declining it; raises
    ``NotFoundError`` or ``VolunteerError`` (decided already) as ``decline`` does."""
    return _pending(application_id)


def _pending(application_id: int) -> VolunteerApplication:
    application = db.session.get(VolunteerApplication, application_id)
    if application is None:
        raise NotFoundError(f"application {application_id}")
    if application.status != ApplicationStatus.PENDING:
        raise VolunteerError({"status": _("This application has been decided already.")})
    return application


@use_case
def approve(application_id: int, user: User) -> Volunteer:
    """Make the application a volunteer; raises ``VolunteerError`` if it no longer passes
    the volunteer rules (e.g. the mobile was entered for someone else meanwhile)."""
    application = _pending(application_id)
    checked = check_volunteer(
        {
            "name": application.name,
            "mobile": application.mobile,
            "party_branch": application.party_branch,
            "village": application.village_id,
            "vehicle_type": application.vehicle_type,
            "plate": application.plate,
            "payload_kg": application.payload_kg,
            "shift_start": application.shift_start,
            "shift_end": application.shift_end,
            "duty_days": [d for d in range(7) if application.duty_days >> d & 1],
        },
        None,
    )
    volunteer = Volunteer(active=True)
    write_volunteer(volunteer, checked)
    db.session.add(volunteer)
    db.session.flush()
    application.status = ApplicationStatus.APPROVED
    application.volunteer_id = volunteer.id
    application.decided_by_id = user.id
    application.decided_at = clock.now_utc()
    audit.record(
        AuditKind.VOLUNTEER,
        "approved",
        record_id=volunteer.id,
        actor=user,
        summary=f"{volunteer.name} {volunteer.mobile}",
        detail={"application_id": application.id},
    )
    return volunteer


@use_case
def decline(application_id: int, user: User, reason: str = "") -> VolunteerApplication:
    """Decline an application (its details stay, for the record)."""
    application = _pending(application_id)
    application.status = ApplicationStatus.DECLINED
    application.decline_reason = reason.strip()[:200] or None
    application.decided_by_id = user.id
    application.decided_at = clock.now_utc()
    audit.record(
        AuditKind.VOLUNTEER,
        "declined",
        actor=user,
        summary=f"{application.name} {application.mobile}",
        detail={"application_id": application.id},
    )
    return application
