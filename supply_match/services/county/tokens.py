"""API tokens: how a county's other systems use the JSON API without a browser session.

An administrator issues a token with a name, a role and (for a cadre's token) villages.
The token acts as an account of its own (username ``api-<n>``, a password nobody knows,
never shown in the user list), so every role check, village scope and "entered by" of the
API holds for it unchanged. The secret is shown once; only its SHA-256 is stored, so a
copy of the database gives no working token. A request sends
``Authorization: Bearer <secret>``; a revoked or unknown token is refused (401), and each
use records when the token was last used.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from supply_match import clock
from supply_match.extensions import db
from supply_match.models import ApiToken, Role, User, Village
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.errors import NotFoundError
from supply_match.services.unit_of_work import use_case

SECRET_PREFIX = "sm_"
# A token's last use is written at most this often, not on every request.
LAST_USE_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_account_ids():
    """The accounts tokens act as (for lists of people to leave them out)."""
    return select(ApiToken.user_id)


@use_case
def issue_token(
    name: str, role: str, village_ids: list[int], issued_by: User
) -> tuple[ApiToken, str]:
    """A new token and its secret (to show once). A cadre's token needs villages; other
    roles see the whole county. Raises ``TokenError`` by field."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name or len(name) > 32:
        errors["name"] = _("Please enter a name of at most 32 characters.")
    if role not in {str(r) for r in Role}:
        errors["role"] = _("Please choose a role.")
    elif role == Role.OUTLET_STAFF:
        # A staff account needs its outlet, which a token has no field for.
        errors["role"] = _("A token cannot act as an outlet's staff.")
    villages = []
    if village_ids:
        villages = list(db.session.scalars(select(Village).where(Village.id.in_(village_ids))))
        if len(villages) != len(set(village_ids)):
            errors["villages"] = _("Unknown village.")
    if role == Role.CADRE and not village_ids:
        errors["villages"] = _("A village cadre needs at least one village.")
    if errors:
        raise TokenError(errors)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    account = User(
        username=f"api-{secrets.token_hex(6)}", display_name=name, role=role, active=True
    )
    account.set_password(secrets.token_urlsafe(32))  # never told to anyone
    account.villages.extend(villages if role == Role.CADRE else [])
    db.session.add(account)
    db.session.flush()
    token = ApiToken(
        name=name,
        prefix=secret[:10],
        secret_hash=_digest(secret),
        user_id=account.id,
        created_by_id=issued_by.id,
        created_at=clock.now_utc(),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        AuditKind.TOKEN,
        "issued",
        record_id=token.id,
        actor=issued_by,
        summary=f"{name} {role} {token.prefix}…",
    )
    return token, secret


@use_case
def revoke_token(token_id: int) -> ApiToken:
    """Revoke a token at once (its account is deactivated with it); it stays listed."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(f"token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = clock.now_utc()
        token.user.active = False
        audit.record(
            AuditKind.TOKEN, "revoked", record_id=token.id, summary=f"{token.name} {token.prefix}…"
        )
    return token


def account_for(secret: str) -> User | None:
    """The account of a valid, unrevoked token (recording its use), or None."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.secret_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = clock.now_utc()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        # Its own short transaction, so that the use is recorded even if the request fails.
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        db.session.commit()
    return token.user


def tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))
