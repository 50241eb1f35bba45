"""The county's own settings (one row), the volunteers' sign-up applications and the
API tokens machines use."""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match.extensions import db
from supply_match.models._types import mobile_check, one_of, utcnow
from supply_match.models.volunteer import ALL_DAYS, VehicleType

if TYPE_CHECKING:
    from supply_match.models.account import User
    from supply_match.models.place import Township, Village
    from supply_match.models.volunteer import Volunteer


class CountySettings(db.Model):
    """What differs from one county to the next; the row with id 1 is the county's."""

    __tablename__ = "county_settings"
    __table_args__ = (
        CheckConstraint("length(county_code) = 6", name="county_code_six_digits"),
        CheckConstraint("default_shift_end > default_shift_start", name="default_shift_order"),
        CheckConstraint("circuity BETWEEN 1 AND 3", name="circuity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The first 6 digits of every township and village code of the county.
    county_code: Mapped[str] = mapped_column(String(6))
    county_name: Mapped[str] = mapped_column(String(32))
    # Shown on every page, route sheet and PDF.
    service_title: Mapped[str] = mapped_column(String(40))
    time_zone: Mapped[str] = mapped_column(String(40))
    default_shift_start: Mapped[time]
    default_shift_end: Mapped[time]
    # The default of a delivery day's rule that pesticide never rides with seed.
    keep_pesticide_apart: Mapped[bool] = mapped_column(default=True)
    circuity: Mapped[float]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApplicationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class VolunteerApplication(db.Model):
    """A party member's sign-up from the township's link; nothing of it is used until a
    dispatcher approves it, which creates the volunteer."""

    __tablename__ = "volunteer_application"
    __table_args__ = (
        one_of("status", ApplicationStatus, "status_valid"),
        one_of("vehicle_type", VehicleType, "vehicle_type_valid"),
        mobile_check("mobile", "mobile_valid"),
        CheckConstraint("payload_kg > 0", name="payload_positive"),
        CheckConstraint(f"duty_days BETWEEN 1 AND {ALL_DAYS}", name="duty_days_valid"),
        CheckConstraint("shift_end > shift_start", name="shift_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    mobile: Mapped[str] = mapped_column(String(11), index=True)
    party_branch: Mapped[str] = mapped_column(String(64))
    vehicle_type: Mapped[str] = mapped_column(String(24))
    plate: Mapped[str | None] = mapped_column(String(16))
    payload_kg: Mapped[int]
    duty_days: Mapped[int] = mapped_column(default=ALL_DAYS)
    shift_start: Mapped[time]
    shift_end: Mapped[time]
    status: Mapped[str] = mapped_column(String(12), default=ApplicationStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    decline_reason: Mapped[str | None] = mapped_column(String(200))
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"), index=True)

    township: Mapped[Township] = relationship()
    village: Mapped[Village] = relationship()
    decided_by: Mapped[User | None] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()


class ApiToken(db.Model):
    """A machine's key to the JSON API. It acts as its own account (``user``: a role and,
    for a cadre's token, villages; no password anyone knows), so that every rule and scope
    of the API holds for it unchanged. Only the SHA-256 of the secret is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    # The first characters of the secret, to tell tokens apart in the list.
    prefix: Mapped[str] = mapped_column(String(12))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None
