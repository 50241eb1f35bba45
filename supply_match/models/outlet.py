"""Outlets (农资销售网点) and the stock they hold per product."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match.extensions import db
from supply_match.models._types import latitude_check, longitude_check, mobile_check

if TYPE_CHECKING:
    from supply_match.models.catalogue import Product
    from supply_match.models.place import Township


class Outlet(db.Model):
    __tablename__ = "outlet"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="opening_hours_order"),
        mobile_check("contact_mobile", "contact_mobile_valid"),
        latitude_check("lat", "lat_range"),
        longitude_check("lon", "lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    address: Mapped[str] = mapped_column(String(128))
    lat: Mapped[float]
    lon: Mapped[float]
    opens_at: Mapped[time]
    closes_at: Mapped[time]
    contact_name: Mapped[str] = mapped_column(String(32))
    contact_mobile: Mapped[str] = mapped_column(String(11))
    active: Mapped[bool] = mapped_column(default=True)

    township: Mapped[Township] = relationship()
    stock: Mapped[list[Stock]] = relationship(back_populates="outlet")

    def __repr__(self) -> str:
        return f"<Outlet {self.id} {self.name}>"


class Stock(db.Model):
    """What one outlet holds of one product; ``reserved`` is promised to allocated orders."""

    __tablename__ = "stock"
    __table_args__ = (
        UniqueConstraint("outlet_id", "product_id"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("reserved <= quantity", name="reserved_within_quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reserved: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))

    outlet: Mapped[Outlet] = relationship(back_populates="stock")
    product: Mapped[Product] = relationship()

    @property
    def available(self) -> Decimal:
        return self.quantity - self.reserved
