"""Signing in and out, login throttling, and creating or deactivating accounts.

Throttling is kept in the ``login_attempt`` table, not in a process, so that it holds
across every web process: an account (whichever of its username or mobile number is
typed; a name that is no account counts by itself), or a client address, that failed
``LOGIN_MAX_FAILURES`` times (addresses: ``LOGIN_MAX_FAILURES_PER_IP``, by default four
times as many, since a village office shares one address; 0 turns it off) within
``LOGIN_FAILURE_WINDOW_S`` seconds is refused, even with the right password, until the
window has passed since the failure that locked it. A successful login clears the
count for its account (not for its address). Attempts made while locked are not recorded, so a lock always ends when
the page says it does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import delete, func, select

from supply_match import password_hashing
from supply_match.extensions import db
from supply_match.models import LoginAttempt, Outlet, Role, User, Village
from supply_match.models._types import MOBILE_PATTERN, utcnow
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.fields import MAX_RECORD_ID
from supply_match.services.unit_of_work import use_case

MOBILE_RE = re.compile(MOBILE_PATTERN)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
MIN_PASSWORD_LENGTH = 8


def N_(message: str) -> str:
    """Marks an English msgid for extraction; the page translates it when it shows it."""
    return message


@dataclass(frozen=True)
class LoginResult:
    user: User | None = None
    # Set when the login is refused because of too many failures: UTC, naive.
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def throttle_keys(
    login: str, remote_addr: str | None, user: User | None = None
) -> list[tuple[str, int]]:
    """The keys an attempt counts against, each with its failure limit: the account's
    (``user:<id>``, so that its username and mobile number share one count) or, for a
    name that is no account, that name; and the client address."""
    max_failures = current_app.config["LOGIN_MAX_FAILURES"]
    per_ip = current_app.config.get("LOGIN_MAX_FAILURES_PER_IP", 4 * max_failures)
    account_key = f"user:{user.id}" if user is not None else login.strip().lower()[:64]
    keys = [(account_key, max_failures)]
    # 0 turns the address limit off (for a deployment where every client shares one
    # address and no proxy header can be trusted).
    if remote_addr and per_ip > 0:
        keys.append((f"ip:{remote_addr}"[:64], per_ip))
    return keys


def locked_until(keys: list[tuple[str, int]], now: datetime | None = None) -> datetime | None:
    """When the latest lock among ``keys`` ends, or None if none is locked now."""
    now = now or utcnow()
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_S"])
    until = None
    for key, limit in keys:
        since = now - window
        last_success = db.session.scalar(
            select(func.max(LoginAttempt.attempted_at)).where(
                LoginAttempt.key == key,
                LoginAttempt.succeeded.is_(True),
                LoginAttempt.attempted_at > since,
            )
        )
        # A success forgives an account's typos, but not an address's failures: else
        # one valid account would reset the count for guessing at all the others.
        if last_success is not None and not key.startswith("ip:"):
            since = last_success
        failures = db.session.scalars(
            select(LoginAttempt.attempted_at)
            .where(
                LoginAttempt.key == key,
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.attempted_at > since,
            )
            .order_by(LoginAttempt.attempted_at.desc())
            .limit(limit)
        ).all()
        if len(failures) >= limit:
            # The oldest of the last `limit` failures leaves the window first.
            ends = failures[-1] + window
            if ends > now and (until is None or ends > until):
                until = ends
    return until


def find_user(login: str) -> User | None:
    """The account signing in as ``login``: an 11-digit mobile number first, else the
    username (any case); None when there is none."""
    login = login.strip()
    if not login:
        return None
    if MOBILE_RE.match(login):
        user = db.session.scalar(select(User).where(User.mobile == login))
        if user is not None:
            return user
    return db.session.scalar(select(User).where(func.lower(User.username) == login.lower()))


@cache
def _dummy_password_hash(hasher: object) -> str:
    return password_hashing.hash_password("no account has this password")


def _password_matches(user: User | None, password: str) -> bool:
    """Checks a hash whether or not there is an account (active or not), so that an
    unknown name takes as long to refuse as a wrong password: the dummy hash is made by
    the hasher that makes the accounts' hashes, with its method and cost."""
    if user is None:
        dummy = _dummy_password_hash(password_hashing.HASHER)
        password_hashing.password_matches(dummy, password)
        return False
    return user.check_password(password)


@use_case
def authenticate(login: str, password: str, remote_addr: str | None) -> LoginResult:
    """Check a login name (username or mobile) and password, throttled per account and
    per address; records the attempt (committed)."""
    user = find_user(login)
    keys = throttle_keys(login, remote_addr, user)
    until = locked_until(keys)
    if until is not None:
        return LoginResult(locked_until=until)
    succeeded = _password_matches(user, password) and user.active
    now = utcnow()
    for key, _limit in keys:
        db.session.add(LoginAttempt(key=key, succeeded=succeeded, attempted_at=now))
    if not succeeded:
        db.session.flush()
        # The failure just recorded may be the one that locks.
        return LoginResult(locked_until=locked_until(keys))
    user.last_login_at = now
    if password_hashing.needs_rehash(user.password_hash):
        # A hash of an earlier release (or cost) becomes today's while the password is
        # at hand; the user's sessions stay signed in.
        user.password_hash = password_hashing.hash_password(password)
    return LoginResult(user=user)


@use_case
def sign_out(user: User) -> None:
    """End every session of ``user``: a cookie copied before signing out no longer works
    (nor on the account's other devices)."""
    user.end_sessions()


def forget_old_attempts(older_than_s: int = 30 * 24 * 3600) -> int:
    """Delete attempts older than a month; the throttle never looks that far back."""
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < cutoff))
    return result.rowcount or 0


class AccountError(ValueError):
    """A new account's details were refused; ``errors`` maps field names to messages
    (English msgids; the page translates them)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


@use_case
def create_user(
    *,
    username: str,
    display_name: str,
    password: str,
    role: str,
    mobile: str | None = None,
    village_ids: list[int] | tuple[int, ...] = (),
    outlet_id: int | None = None,
) -> User:
    """Add an account after checking its details, in one transaction; raises
    AccountError (English msgids by field). An outlet's staff (店员) account needs the
    active outlet it works for, ``outlet_id``; no other account has one."""
    username = username.strip()
    display_name = display_name.strip()
    mobile = (mobile or "").strip() or None
    errors: dict[str, str] = {}
    if not USERNAME_RE.match(username):
        errors["username"] = N_("3 to 32 letters, digits, dots, dashes or underscores.")
    elif db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        errors["username"] = N_("This username is already taken.")
    elif MOBILE_RE.match(username):
        errors["username"] = N_("A username must not look like a mobile number.")
    if not display_name:
        errors["display_name"] = N_("Please enter a name.")
    elif len(display_name) > 32:
        errors["display_name"] = N_("At most 32 characters.")
    if mobile is not None:
        if not MOBILE_RE.match(mobile):
            errors["mobile"] = N_("A mobile number has 11 digits and starts with 13 to 19.")
        elif db.session.scalar(select(User.id).where(User.mobile == mobile)):
            errors["mobile"] = N_("Another account already uses this mobile number.")
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = N_("At least 8 characters.")
    if role not in {str(r) for r in Role}:
        errors["role"] = N_("Please choose a role.")
    villages = []
    if village_ids:
        villages = list(db.session.scalars(select(Village).where(Village.id.in_(village_ids))))
        if len(villages) != len(set(village_ids)):
            errors["villages"] = N_("Unknown village.")
    if role == Role.CADRE and not village_ids:
        errors["villages"] = N_("A village cadre needs at least one village.")
    outlet_error = _outlet_error(role, outlet_id)
    if outlet_error:
        errors["outlet_id"] = outlet_error
    if errors:
        raise AccountError(errors)
    user = User(
        username=username,
        display_name=display_name,
        mobile=mobile,
        role=role,
        active=True,
        outlet_id=outlet_id if role == Role.OUTLET_STAFF else None,
    )
    user.set_password(password)
    user.villages.extend(villages if role == Role.CADRE else [])
    db.session.add(user)
    db.session.flush()
    summary = f"{display_name} ({username}) {role}"
    if user.outlet is not None:
        summary += f" {user.outlet.name}"
    audit.record(AuditKind.ACCOUNT, "created", record_id=user.id, summary=summary)
    return user


def _outlet_error(role: str, outlet_id: int | None) -> str | None:
    """Why ``outlet_id`` does not suit an account of ``role`` (an English msgid), or None:
    staff work for one active outlet, and nobody else belongs to an outlet (the table's
    ``outlet_iff_staff`` check would refuse the row anyway, too late to say why)."""
    if role != Role.OUTLET_STAFF:
        if outlet_id is not None:
            return N_("Only an outlet's staff belong to an outlet.")
        return None
    if outlet_id is None:
        return N_("An outlet's staff account needs its outlet.")
    # An id past the INTEGER range would make PostgreSQL fail the query: it is no outlet.
    outlet = db.session.get(Outlet, outlet_id) if 0 < outlet_id <= MAX_RECORD_ID else None
    if outlet is None:
        return N_("Unknown outlet.")
    if not outlet.active:
        return N_("This outlet is no longer in use: choose another.")
    return None


@use_case
def reset_password(user: User, password: str) -> None:
    """Give an account a new password (the admin tells its owner), which ends all of its
    sessions; raises AccountError."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError({"password": N_("At least 8 characters.")})
    user.set_password(password)
    audit.record(
        AuditKind.ACCOUNT, "password_reset", record_id=user.id, summary=audit.actor_label(user)
    )


@use_case
def set_active(user: User, active: bool, acting: User) -> None:
    """Deactivate or reactivate an account; nobody can deactivate themselves."""
    if not active and user.id == acting.id:
        raise AccountError({"active": N_("You cannot deactivate your own account.")})
    user.active = active
    audit.record(
        AuditKind.ACCOUNT,
        "activated" if active else "deactivated",
        record_id=user.id,
        actor=acting,
        summary=audit.actor_label(user),
    )


def users_query(search: str = "", role: str = ""):
    """Accounts by role then username (a select for the admin's list); ``search`` matches
    a username, name or mobile. The accounts API tokens act as are listed with the
    tokens, not here."""
    from supply_match.models import ApiToken

    stmt = (
        select(User)
        .where(User.id.not_in(select(ApiToken.user_id)))
        .order_by(User.role, User.username)
    )
    search = search.strip()
    if search:
        pattern = f"%{search}%"
        stmt = stmt.where(
            User.username.ilike(pattern)
            | User.display_name.like(pattern)
            | User.mobile.like(pattern)
        )
    if role in {str(r) for r in Role}:
        stmt = stmt.where(User.role == role)
    return stmt
