"""Prices (价格), in integer fen: each outlet's price per product with its history, the
county's guide price (指导价) that caps them, and the subsidy programmes (补贴项目) that
pay a share of an order."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match.extensions import db
from supply_match.models._types import utcnow

if TYPE_CHECKING:
    from supply_match.models.account import User
    from supply_match.models.catalogue import Product
    from supply_match.models.outlet import Outlet


class OutletPrice(db.Model):
    """One price an outlet set for a product, from ``set_at`` until the next row for the
    same pair. Rows are never changed, so an order keeps the price it was matched at."""

    __tablename__ = "outlet_price"
    __table_args__ = (CheckConstraint("price_fen >= 0", name="price_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    price_fen: Mapped[int]
    set_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    outlet: Mapped[Outlet] = relationship()
    product: Mapped[Product] = relationship()
    set_by: Mapped[User | None] = relationship()


class GuidePrice(db.Model):
    """The county's cap for a product from ``set_at`` on; a row without a price lifts it."""

    __tablename__ = "guide_price"
    __table_args__ = (
        CheckConstraint("price_fen IS NULL OR price_fen >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    price_fen: Mapped[int | None]
    set_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    product: Mapped[Product] = relationship()


class SubsidyProgramme(db.Model):
    """A programme that pays ``share_percent`` of an order; the household pays the rest."""

    __tablename__ = "subsidy_programme"
    __table_args__ = (
        CheckConstraint("share_percent BETWEEN 1 AND 100", name="share_range"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    share_percent: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<SubsidyProgramme {self.name} {self.share_percent}%>"
