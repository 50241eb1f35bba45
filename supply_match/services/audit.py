"""Write the audit log: one call per change, inside the change's own unit of work.

``record`` adds the entry to the session without committing: the use case that made the
change commits both, or neither. Who acted and from where come from ``supply_match.acting``
(set by the door, the worker and the CLI) unless the caller names the actor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from supply_match import acting, clock
from supply_match.extensions import db
from supply_match.models import AuditEntry, AuditKind, DeliveryPlan, Order, Product, User
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column
from supply_match.services.fields import parse_date, text_field

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
        language=str(get_locale() or "")[:16],
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


# Reading the log: the page, its export and the API share one filter and one query.

PERSON_LENGTH = 40


@dataclass
class AuditFilters:
    """What the log is narrowed to: a kind, a person (part of the actor's name or login)
    and a county day; ``errors`` names each value that could not be read."""

    kind: str = ""
    person: str = ""
    day: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def as_args(self) -> dict[str, str]:
        args = {"kind": self.kind, "person": self.person}
        args["day"] = self.day.isoformat() if self.day else ""
        return {key: value for key, value in args.items() if value}


def read_filters(args: Mapping[str, object]) -> AuditFilters:
    """The filters as typed (a page's query string or the API's); never raises."""
    errors: dict[str, str] = {}
    kind = str(args.get("kind") or "").strip()
    if kind and kind not in {str(k) for k in AuditKind}:
        errors["kind"] = _("Please choose a kind of record from the list.")
        kind = ""
    person = text_field(args.get("person") or "", errors, "person", max_length=PERSON_LENGTH)
    day_text = str(args.get("day") or "").strip()
    day = parse_date(day_text, errors, "day") if day_text else None
    return AuditFilters(kind=kind, person=person, day=day, errors=errors)


def entries_query(filters: AuditFilters):
    """The entries the filters select, newest first; the day is the county's."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if filters.kind:
        stmt = stmt.where(AuditEntry.kind == filters.kind)
    if filters.person:
        pattern = "%" + filters.person.replace("%", r"\%").replace("_", r"\_") + "%"
        stmt = stmt.where(AuditEntry.actor_name.like(pattern, escape="\\"))
    if filters.day is not None:
        start, end = county_day_bounds(filters.day)
        stmt = stmt.where(AuditEntry.at >= start, AuditEntry.at < end)
    return stmt


def county_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The county's calendar day as naive UTC moments [start, end)."""
    # Imported here: county.accounts writes entries and county.settings imports it.
    from supply_match.services.county import settings as county_settings

    zone = ZoneInfo(county_settings.current().time_zone)
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return (
        start.astimezone(UTC).replace(tzinfo=None),
        end.astimezone(UTC).replace(tzinfo=None),
    )


def local_time(entry: AuditEntry) -> datetime:
    """When the entry was written, on the county's clock."""
    from supply_match.services.county import settings as county_settings

    return clock.to_zone(entry.at, county_settings.current().time_zone)


def people() -> list[str]:
    """The names that appear in the log, for the person filter's suggestions."""
    stmt = select(AuditEntry.actor_name).distinct().order_by(AuditEntry.actor_name).limit(200)
    return [name for name in db.session.scalars(stmt) if name]


EXPORT_COLUMNS = [
    Column("at", "时间", width=18, english="Time"),
    Column("actor", "谁", width=22, english="Who"),
    Column("origin", "来源", width=16, english="From"),
    Column("kind", "记录类别", width=10, english="Kind"),
    Column("record_id", "编号", width=8, english="Record"),
    Column("action", "操作", width=14, english="Action"),
    Column("summary", "内容", width=60, english="What"),
]


def export_rows(filters: AuditFilters, label: Callable[[str, str], str]) -> list[list[object]]:
    """The rows of the export, every entry the filters select (newest first);
    ``label(table, code)`` names kinds and actions in the reader's language."""
    return [
        [
            local_time(entry).strftime("%Y-%m-%d %H:%M:%S"),
            label("audit_origins", entry.actor_name),
            label("audit_origins", entry.origin),
            label("audit_kinds", entry.kind),
            entry.record_id if entry.record_id is not None else "",
            label("audit_actions", entry.action),
            entry.summary,
        ]
        for entry in db.session.scalars(entries_query(filters))
    ]


def export_xlsx(filters: AuditFilters, label: Callable[[str, str], str]) -> bytes:
    return sheets.write_xlsx(EXPORT_COLUMNS, export_rows(filters, label), "操作记录")


def export_csv(filters: AuditFilters, label: Callable[[str, str], str]) -> bytes:
    return sheets.write_csv(EXPORT_COLUMNS, export_rows(filters, label))
