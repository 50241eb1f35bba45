"""Write the audit log: one call per change, inside the change's own unit of work.

``record`` adds the entry to the session without committing: the use case that made the
change commits both, or neither. Who acted and from where come from ``supply_match.acting``
(set by the door, the worker and the CLI) unless the caller names the actor.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from supply_match import acting
from supply_match.extensions import db
from supply_match.models import AuditEntry, AuditKind, DeliveryPlan, Order, Product, User

_SUMMARY_LENGTH = 300
# Set while an import makes its rows through use cases that would each write an entry.
_QUIET = "audit_quiet"


@contextmanager
def one_entry_for_many() -> Iterator[None]:
    """Inside the block ``record`` writes nothing: an import that makes its rows through
    other use cases writes its one entry after the block."""
    info = db.session.info
    was = info.get(_QUIET, False)
    info[_QUIET] = True
    try:
        yield
    finally:
        info[_QUIET] = was


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
    origin: str | None = None,
) -> AuditEntry | None:
    """Add an entry for a change made in the current unit of work.

    ``actor`` overrides the acting user (a service that was handed the user); ``actor_name``
    names an actor without an account (a volunteer on their link), ``origin`` where the
    change came from when the request's address does not say it ("phone link")."""
    if db.session.info.get(_QUIET):
        return None
    now = acting.current()
    if actor is not None:
        actor_id, name = actor.id, actor_label(actor)
    elif actor_name:  # someone without an account, whoever is signed in on the device
        actor_id, name = None, actor_name
    else:
        actor_id, name = now.user_id, now.name
    entry = AuditEntry(
        actor_id=actor_id,
        actor_name=(actor_name or name or now.origin)[:80],
        origin=(origin or now.origin)[:64],
        kind=AuditKind(kind).value,
        record_id=record_id,
        action=action[:32],
        summary=summary[:_SUMMARY_LENGTH],
        detail=detail or {},
    )
    db.session.add(entry)
    return entry


def quantity_text(quantity: Decimal) -> str:
    """``2``, ``1.5``: a quantity as a summary shows it."""
    return f"{Decimal(quantity).normalize():f}"


def lines_text(lines: Iterable[tuple[Product, Decimal]]) -> str:
    """``玉米种 2袋, 尿素 1袋``: goods and quantities for a summary."""
    return ", ".join(
        f"{product.name} {quantity_text(quantity)}{product.unit}" for product, quantity in lines
    )


def order_text(order: Order) -> str:
    """``张三 玉米种 2袋``: whose order and what it holds."""
    goods = lines_text((line.product, line.quantity) for line in order.lines)
    name = order.household.name if order.household is not None else ""
    return f"{name} {goods}".strip()


def record_import(
    kind: AuditKind, filename: str, *, created: int, updated: int = 0, **detail: Any
) -> AuditEntry | None:
    """The one entry an import writes: the file and how many rows it created and updated
    (never one entry per row)."""
    counts = {"created": created, "updated": updated, **detail}
    summary = _(
        "%(file)s: %(created)s created, %(updated)s updated",
        file=filename,
        created=created,
        updated=updated,
    )
    return record(kind, "imported", summary=summary, detail={"file": filename, **counts})


def plan_text(plan: DeliveryPlan) -> str:
    """``2020-03-16 v2: 12 runs, 3 unplanned``: a plan for a summary."""
    return _(
        "%(day)s v%(version)s: %(runs)s runs, %(unplanned)s unplanned",
        day=plan.delivery_date.isoformat(),
        version=plan.version,
        runs=len(plan.runs),
        unplanned=len(plan.unassigned),
    )


PHONE_LINK = "phone link"


def record_phone_mark(stop_id: int, action: str, volunteer_name: str, summary: str) -> None:
    """A volunteer's mark from their phone link: named by the volunteer, not an account."""
    record(
        AuditKind.STOP,
        action,
        record_id=stop_id,
        summary=summary,
        actor_name=_("volunteer %(name)s", name=volunteer_name),
        origin=PHONE_LINK,
    )
