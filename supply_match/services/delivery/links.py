"""Personal links without an account: a token signed with the server's secret that names a
record and its link version. The database holds only the version; revoking bumps it,
which kills every earlier link at once. Volunteers' links are the first kind; each kind
signs with its own salt (households' pages: ``household_page``), so a token of one kind
never opens another."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from supply_match.extensions import db
from supply_match.models import LinkPostCount, Volunteer
from supply_match.models._types import utcnow
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.unit_of_work import use_case

SALT = "supply-match-volunteer-link"


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(salt: str, record_id: int, version: int) -> str:
    """A token naming ``record_id`` at link ``version``, signed for the kind ``salt``."""
    return _serializer(salt).dumps([record_id, version])


def signed_id(salt: str, token: str) -> tuple[int, int] | None:
    """The (record id, link version) a token of the kind ``salt`` names, or None for a
    forged or malformed one (the caller checks the version against the record's)."""
    try:
        record_id, version = _serializer(salt).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        return None
    return record_id, version


def token_for(volunteer: Volunteer) -> str:
    """The signed token of the volunteer's current link."""
    return sign(SALT, volunteer.id, volunteer.token_version)


def volunteer_for_token(token: str) -> Volunteer | None:
    """The volunteer a token opens, or None for a forged, revoked or unknown one."""
    signed = signed_id(SALT, token)
    volunteer = db.session.get(Volunteer, signed[0]) if signed else None
    if volunteer is None or not volunteer.active or volunteer.token_version != signed[1]:
        return None
    return volunteer


@use_case
def revoke(volunteer: Volunteer) -> str:
    """Invalidate every earlier link (committed) and return the new one's token."""
    volunteer.token_version += 1
    db.session.flush()
    audit.record(
        AuditKind.VOLUNTEER,
        "link_renewed",
        record_id=volunteer.id,
        summary=f"{volunteer.name} {volunteer.mobile}",
        detail={"token_version": volunteer.token_version},
    )
    return token_for(volunteer)


def link_for(volunteer: Volunteer, page_url: Callable[[str], str]) -> str:
    """The volunteer's personal page: ``page_url`` turns a token into an absolute URL
    (``urls.volunteer_link_builder`` at the door)."""
    return page_url(token_for(volunteer))


POST_WINDOW_S = 60


def _count_in_window(volunteer_id: int, window: datetime, limit: int) -> bool:
    """One more post on the minute's row, if it exists and is not full (one UPDATE)."""
    return bool(
        db.session.execute(
            update(LinkPostCount)
            .where(
                LinkPostCount.volunteer_id == volunteer_id,
                LinkPostCount.window_start == window,
                LinkPostCount.posts < limit,
            )
            .values(posts=LinkPostCount.posts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


@use_case
def count_post(volunteer: Volunteer, limit: int, now: datetime | None = None) -> bool:
    """Count one post of updates from the volunteer's link in the current minute; False
    when the link has already posted ``limit`` times in it (the post is then refused and
    not counted). One conditional UPDATE, so concurrent web processes share the count."""
    now = now or utcnow()
    window = now.replace(second=0, microsecond=0)
    if _count_in_window(volunteer.id, window, limit):
        return True
    if db.session.scalar(
        select(LinkPostCount.id).where(
            LinkPostCount.volunteer_id == volunteer.id, LinkPostCount.window_start == window
        )
    ):
        # The minute's row is there: full, or opened by another request since the UPDATE
        # above (two tabs posting as the minute begins); the conditional UPDATE decides.
        return _count_in_window(volunteer.id, window, limit)
    db.session.execute(
        delete(LinkPostCount).where(
            LinkPostCount.volunteer_id == volunteer.id,
            LinkPostCount.window_start < window - timedelta(seconds=POST_WINDOW_S),
        )
    )
    try:
        with db.session.begin_nested():
            db.session.add(LinkPostCount(volunteer_id=volunteer.id, window_start=window, posts=1))
    except IntegrityError:
        # Another process opened the minute first: count on its row.
        return _count_in_window(volunteer.id, window, limit)
    return limit >= 1
