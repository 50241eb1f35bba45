"""The audit log: who did what, when and from where, one row per change.

Services write an entry in the same transaction as the change it records
(``supply_match.services.audit.record``), so a change and its entry commit or roll back
together. The actor's name is copied into the row: the log still reads right after an
account is renamed or removed.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match.extensions import db
from supply_match.models._types import one_of, utcnow

if TYPE_CHECKING:
    from supply_match.models.account import User


class AuditKind(enum.StrEnum):
    """What kind of record a change touched (the log's first filter)."""

    ORDER = "order"
    HOUSEHOLD = "household"
    STOCK = "stock"
    PRICE = "price"
    PLAN = "plan"
    RUN = "run"
    STOP = "stop"
    VOLUNTEER = "volunteer"
    OUTLET = "outlet"
    ACCOUNT = "account"
    TOKEN = "token"
    SETTINGS = "settings"
    PLACE = "place"
    PRODUCT = "product"


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        one_of("kind", AuditKind, "kind_valid"),
        Index("ix_audit_entry_kind_at", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # "王建国 (diaodu)", "志愿者 李明", "worker": readable without a join, kept after renames.
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    # An IP address, "worker", "cli" or "phone link": where the change came from.
    origin: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(String(300), default="")
    # The language the summary's words were written in (the actor's): "zh_Hans_CN", "en".
    language: Mapped[str] = mapped_column(String(16), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
