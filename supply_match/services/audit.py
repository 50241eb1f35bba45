"""Write the audit log: one call per change, inside the change's own unit of work.

``record`` adds the entry to the session without committing: the use case that made the
change commits both, or neither. Who acted and from where come from ``supply_match.acting``
(set by the door, the worker and the CLI) unless the caller names the actor.
"""

from __future__ import annotations

from typing import Any

from supply_match import acting
from supply_match.extensions import db
from supply_match.models import AuditEntry, AuditKind, User

_SUMMARY_LENGTH = 300


def actor_label(user: User) -> str:
    return f"{user.display_name} ({user.username})"[:80]


def record(
    kind: AuditKind,
    action: str,
    *,
    record_id: int | None = None,
    summary: str = "",
    detail: dict[str, Any] | None = None,
    actor: User | None = None,
    actor_name: str | None = None,
) -> AuditEntry:
    """Add an entry for a change made in the current unit of work.

    ``actor`` overrides the acting user (a service that was handed the user); ``actor_name``
    names an actor without an account (a volunteer on their link)."""
    now = acting.current()
    if actor is not None:
        actor_id, name = actor.id, actor_label(actor)
    else:
        actor_id, name = now.user_id, now.name
    entry = AuditEntry(
        actor_id=actor_id,
        actor_name=(actor_name or name or now.origin)[:80],
        origin=now.origin[:64],
        kind=AuditKind(kind).value,
        record_id=record_id,
        action=action[:32],
        summary=summary[:_SUMMARY_LENGTH],
        detail=detail or {},
    )
    db.session.add(entry)
    return entry
