"""Allocations (分配): order-line quantities reserved at an outlet, and the stock ledger
that explains every change to an outlet's figures."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match.extensions import db
from supply_match.models._types import one_of, utcnow

if TYPE_CHECKING:
    from supply_match.models.account import User
    from supply_match.models.order import OrderLine
    from supply_match.models.outlet import Outlet, Stock


class Allocation(db.Model):
    __tablename__ = "allocation"
    __table_args__ = (
        UniqueConstraint("order_line_id", "outlet_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(
        ForeignKey("order_line.id", ondelete="CASCADE"), index=True
    )
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order_line: Mapped[OrderLine] = relationship(back_populates="allocations")
    outlet: Mapped[Outlet] = relationship()


class StockChangeKind(enum.StrEnum):
    RECEIVED = "received"  # goods arrived at the outlet
    ADJUSTED = "adjusted"  # a count corrected by hand or by import
    RESERVED = "reserved"  # promised to an order line by matching
    RELEASED = "released"  # a reservation given back (cancelled, failed, re-matched)
    DELIVERED = "delivered"  # handed over: leaves the outlet's stock for good
    # A failed stop's goods counted back in by the outlet's staff: the figures do not move
    # (they left the stock only on delivery), the row records who saw them back and when.
    RETURNED = "returned"


class StockChange(db.Model):
    """One change to a stock row: who, when, why, and the figures after it."""

    __tablename__ = "stock_change"
    __table_args__ = (
        one_of("kind", StockChangeKind, "kind_valid"),
        CheckConstraint(
            "quantity_delta != 0 OR reserved_delta != 0 OR kind = 'returned'",
            name="changes_something",
        ),
        CheckConstraint("quantity_after >= 0 AND reserved_after >= 0", name="after_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stock_id: Mapped[int] = mapped_column(ForeignKey("stock.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    quantity_delta: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    reserved_delta: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    quantity_after: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reserved_after: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reason: Mapped[str] = mapped_column(String(200))
    order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_line.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    stock: Mapped[Stock] = relationship()
    user: Mapped[User | None] = relationship()
