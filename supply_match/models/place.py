"""Townships (乡镇/街道) and villages (村), with WGS-84 coordinates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match.extensions import db
from supply_match.models._types import latitude_check, longitude_check, mobile_check

if TYPE_CHECKING:
    from supply_match.models.household import Household


class Township(db.Model):
    __tablename__ = "township"
    __table_args__ = (
        CheckConstraint("kind IN ('街道', '镇', '乡')", name="kind_valid"),
        CheckConstraint("length(code) = 9", name="code_nine_digits"),
        latitude_check("lat", "lat_range"),
        longitude_check("lon", "lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    name_pinyin: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(4))
    lat: Mapped[float]
    lon: Mapped[float]
    # True until a surveyed coordinate replaces the placed one.
    coord_approximate: Mapped[bool] = mapped_column(default=True)
    # Deactivated places stay for the households and orders that name them.
    active: Mapped[bool] = mapped_column(default=True)

    villages: Mapped[list[Village]] = relationship(
        back_populates="township", order_by="Village.code"
    )

    def __repr__(self) -> str:
        return f"<Township {self.code} {self.name}>"


class Village(db.Model):
    __tablename__ = "village"
    __table_args__ = (
        UniqueConstraint("township_id", "name"),
        CheckConstraint("length(code) = 12", name="code_twelve_digits"),
        latitude_check("lat", "lat_range"),
        longitude_check("lon", "lon_range"),
        latitude_check("collection_lat", "collection_lat_range"),
        longitude_check("collection_lon", "collection_lon_range"),
        mobile_check("collection_mobile", "collection_mobile_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(32))
    lat: Mapped[float]
    lon: Mapped[float]
    coord_approximate: Mapped[bool] = mapped_column(default=True)
    # The village collection point (村集中收货点), usually the village committee yard.
    collection_point: Mapped[str] = mapped_column(String(64))
    collection_lat: Mapped[float]
    collection_lon: Mapped[float]
    group_count: Mapped[int] = mapped_column(default=1)
    # Who receives at the collection point: printed on the route sheet.
    collection_contact: Mapped[str | None] = mapped_column(String(32))
    collection_mobile: Mapped[str | None] = mapped_column(String(11))
    active: Mapped[bool] = mapped_column(default=True)

    township: Mapped[Township] = relationship(back_populates="villages")
    households: Mapped[list[Household]] = relationship(back_populates="village")

    @property
    def full_name(self) -> str:
        return f"{self.township.name}{self.name}"

    def __repr__(self) -> str:
        return f"<Village {self.code} {self.name}>"
