"""Households (农户): the farmers who order."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match.extensions import db
from supply_match.models._types import latitude_check, longitude_check, mobile_check, utcnow

if TYPE_CHECKING:
    from supply_match.models.order import Order
    from supply_match.models.place import Village


class Household(db.Model):
    __tablename__ = "household"
    __table_args__ = (
        # The same person with the same phone in the same village is one household.
        UniqueConstraint("village_id", "name", "mobile"),
        mobile_check("mobile", "mobile_valid"),
        CheckConstraint("group_no > 0", name="group_positive"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        latitude_check("lat", "lat_range"),
        longitude_check("lon", "lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    mobile: Mapped[str] = mapped_column(String(11), index=True)
    group_no: Mapped[int]
    lat: Mapped[float]
    lon: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped to renew the household's page link: every earlier link stops opening.
    link_version: Mapped[int] = mapped_column(default=0, server_default="0")

    village: Mapped[Village] = relationship(back_populates="households")
    orders: Mapped[list[Order]] = relationship(back_populates="household")

    @property
    def address(self) -> str:
        return f"{self.village.township.name}{self.village.name}{self.group_no}组"

    def __repr__(self) -> str:
        return f"<Household {self.id} {self.name}>"
