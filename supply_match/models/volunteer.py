"""Volunteers (党员志愿者) and the vehicles they drive."""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match.extensions import db
from supply_match.models._types import latitude_check, longitude_check, mobile_check, one_of

if TYPE_CHECKING:
    from supply_match.models.place import Township, Village


class VehicleType(enum.StrEnum):
    """What rural volunteers really drive; payloads are typical, each volunteer has their own."""

    ELECTRIC_TRICYCLE = "electric_tricycle"  # 电动三轮车
    MOTOR_TRICYCLE = "motor_tricycle"  # 农用三轮车
    MOTORCYCLE = "motorcycle"  # 摩托车
    MINIVAN = "minivan"  # 微型面包车
    PICKUP = "pickup"  # 皮卡
    LIGHT_TRUCK = "light_truck"  # 轻型货车


ALL_DAYS = 0b1111111

# A volunteer's service area, when it is not simply their home township: the townships and
# villages they carry goods to (a township's volunteers may cover a neighbouring one).
volunteer_townships = Table(
    "volunteer_township",
    db.metadata,
    Column("volunteer_id", ForeignKey("volunteer.id", ondelete="CASCADE"), primary_key=True),
    Column("township_id", ForeignKey("township.id", ondelete="CASCADE"), primary_key=True),
)
volunteer_villages = Table(
    "volunteer_village",
    db.metadata,
    Column("volunteer_id", ForeignKey("volunteer.id", ondelete="CASCADE"), primary_key=True),
    Column("village_id", ForeignKey("village.id", ondelete="CASCADE"), primary_key=True),
)


class Volunteer(db.Model):
    __tablename__ = "volunteer"
    __table_args__ = (
        one_of("vehicle_type", VehicleType, "vehicle_type_valid"),
        mobile_check("mobile", "mobile_valid"),
        CheckConstraint("payload_kg > 0", name="payload_positive"),
        CheckConstraint("range_km IS NULL OR range_km > 0", name="range_positive"),
        CheckConstraint(f"duty_days BETWEEN 1 AND {ALL_DAYS}", name="duty_days_valid"),
        CheckConstraint("shift_end > shift_start", name="shift_order"),
        CheckConstraint("token_version >= 1", name="token_version_positive"),
        latitude_check("home_lat", "home_lat_range"),
        longitude_check("home_lon", "home_lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    mobile: Mapped[str] = mapped_column(String(11), unique=True)
    party_branch: Mapped[str] = mapped_column(String(64))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    home_village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), index=True)
    vehicle_type: Mapped[str] = mapped_column(String(24))
    plate: Mapped[str | None] = mapped_column(String(16))
    payload_kg: Mapped[int]
    # On a charge or a full tank; None: the vehicle type's default (planning.vehicles).
    range_km: Mapped[int | None]
    home_lat: Mapped[float]
    home_lon: Mapped[float]
    # Bit 0 is Monday ... bit 6 is Sunday.
    duty_days: Mapped[int] = mapped_column(default=ALL_DAYS)
    shift_start: Mapped[time]
    shift_end: Mapped[time]
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped to revoke the volunteer's personal link.
    token_version: Mapped[int] = mapped_column(default=1)

    township: Mapped[Township] = relationship()
    home_village: Mapped[Village | None] = relationship()
    area_townships: Mapped[list[Township]] = relationship(
        secondary=volunteer_townships, order_by="Township.code"
    )
    area_villages: Mapped[list[Village]] = relationship(
        secondary=volunteer_villages, order_by="Village.code"
    )

    @property
    def has_own_area(self) -> bool:
        """False when the volunteer serves their home township (the default)."""
        return bool(self.area_townships or self.area_villages)

    def covers(self, village_id: int, township_id: int) -> bool:
        """Whether the village ``village_id`` (in ``township_id``) is in the service area."""
        if not self.has_own_area:
            return township_id == self.township_id
        return any(t.id == township_id for t in self.area_townships) or any(
            v.id == village_id for v in self.area_villages
        )

    @property
    def service_area_codes(self) -> list[str]:
        """The township (9-digit) and village (12-digit) codes the volunteer covers."""
        if not self.has_own_area:
            return [self.township.code]
        return [t.code for t in self.area_townships] + [v.code for v in self.area_villages]

    def on_duty(self, weekday: int) -> bool:
        """``weekday`` as ``date.weekday()``: 0 is Monday."""
        return bool(self.duty_days >> weekday & 1)

    def __repr__(self) -> str:
        return f"<Volunteer {self.id} {self.name}>"


class LinkPostCount(db.Model):
    """How many times a volunteer's link posted updates in one minute: the counter that
    limits a link's posts, kept in the database so that it holds across web processes."""

    __tablename__ = "link_post_count"
    __table_args__ = (
        UniqueConstraint("volunteer_id", "window_start"),
        CheckConstraint("posts >= 0", name="posts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer.id", ondelete="CASCADE"), index=True
    )
    window_start: Mapped[datetime]
    posts: Mapped[int] = mapped_column(default=0)
