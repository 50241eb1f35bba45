"""An outlet's delivery day: each run's hand-over (loaded in full or with shortages), the
money received at each stop, failed stops' goods taken back, and the day's closing with
the corrections made after it."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match.extensions import db
from supply_match.models._types import one_of, utcnow

if TYPE_CHECKING:
    from supply_match.models.account import User
    from supply_match.models.catalogue import Product
    from supply_match.models.plan import DeliveryRun, DeliveryStop


class PaidBy(enum.StrEnum):
    CASH = "cash"
    TRANSFER = "transfer"  # to the outlet's payment QR code


class RunHandover(db.Model):
    """The outlet's staff confirmed a run as loaded; ``shortages`` name what was missing."""

    __tablename__ = "run_handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_run.id", ondelete="CASCADE"), unique=True
    )
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(String(200))

    run: Mapped[DeliveryRun] = relationship()
    confirmed_by: Mapped[User | None] = relationship()
    shortages: Mapped[list[HandoverShortage]] = relationship(
        back_populates="handover", cascade="all, delete-orphan", order_by="HandoverShortage.id"
    )

    @property
    def complete(self) -> bool:
        return not self.shortages


class HandoverShortage(db.Model):
    """Part of a run's goods the outlet could not load."""

    __tablename__ = "handover_shortage"
    __table_args__ = (
        UniqueConstraint("handover_id", "product_id"),
        CheckConstraint("missing > 0", name="missing_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(
        ForeignKey("run_handover.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    missing: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    handover: Mapped[RunHandover] = relationship(back_populates="shortages")
    product: Mapped[Product] = relationship()


class StopPayment(db.Model):
    """The money a volunteer took at a stop: what was due, what was received and how."""

    __tablename__ = "stop_payment"
    __table_args__ = (
        one_of("paid_by", PaidBy, "paid_by_valid"),
        CheckConstraint(
            "(due_fen IS NULL OR due_fen >= 0) AND received_fen >= 0", name="amounts_not_negative"
        ),
        # A difference is explained, so the night's accounts can say why.
        # (With no price set, nothing was due to differ from.)
        CheckConstraint(
            "due_fen IS NULL OR received_fen = due_fen OR note IS NOT NULL",
            name="difference_has_note",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_stop.id", ondelete="CASCADE"), unique=True
    )
    due_fen: Mapped[int | None]  # None: a price was missing
    received_fen: Mapped[int]
    paid_by: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    stop: Mapped[DeliveryStop] = relationship()


class GoodsReturn(db.Model):
    """A failed stop's goods back at the outlet, counted in by its staff."""

    __tablename__ = "goods_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_stop.id", ondelete="CASCADE"), unique=True
    )
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    stop: Mapped[DeliveryStop] = relationship()


class DayClosing(db.Model):
    """An outlet's day closed: ``figures`` are the accounts as they stood; later changes
    come only as corrections."""

    __tablename__ = "day_closing"
    __table_args__ = (UniqueConstraint("outlet_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    day: Mapped[date]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    closed_by: Mapped[User | None] = relationship()
    corrections: Mapped[list[DayCorrection]] = relationship(
        back_populates="closing", cascade="all, delete-orphan", order_by="DayCorrection.id"
    )


class CorrectedFigure(enum.StrEnum):
    """The goods figures of a closed day a correction may change."""

    RETURNED = "returned"  # goods back at the outlet
    LOST = "lost"  # goods out that neither reached the household nor came back


class DayCorrection(db.Model):
    """A change to a closed day's figures, with who made it and why: either money
    (``amount_fen``, signed, optionally one volunteer's) or goods (``quantity`` of a
    product, signed, on one of the figures ``CorrectedFigure``)."""

    __tablename__ = "day_correction"
    __table_args__ = (
        CheckConstraint(
            "(amount_fen IS NOT NULL AND amount_fen != 0 AND product_id IS NULL"
            " AND quantity IS NULL AND figure IS NULL)"
            " OR (amount_fen IS NULL AND product_id IS NOT NULL AND quantity IS NOT NULL"
            " AND quantity != 0 AND figure IN ('returned', 'lost'))",
            name="money_or_goods",
        ),
        CheckConstraint("length(trim(note)) > 0", name="note_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    closing_id: Mapped[int] = mapped_column(
        ForeignKey("day_closing.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"))
    amount_fen: Mapped[int | None]
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"))
    figure: Mapped[str | None] = mapped_column(String(16))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    note: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    closing: Mapped[DayClosing] = relationship(back_populates="corrections")
    created_by: Mapped[User | None] = relationship()
    product: Mapped[Product | None] = relationship()
