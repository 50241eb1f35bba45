"""Where volunteers are: each one's last position, shared from the phone with consent
while the page is open, and deleted once its day is over."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match.extensions import db
from supply_match.models._types import latitude_check, longitude_check, utcnow
from supply_match.models.volunteer import Volunteer


class VolunteerPosition(db.Model):
    """One row per volunteer: only the last position is kept, never a track."""

    __tablename__ = "volunteer_position"
    __table_args__ = (
        latitude_check("lat", "lat_range"),
        longitude_check("lon", "lon_range"),
        CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer.id", ondelete="CASCADE"), unique=True
    )
    lat: Mapped[float]
    lon: Mapped[float]
    accuracy_m: Mapped[int | None]
    # When the phone took the position (its clock, bounded by the server's) and when the
    # server received it; the rate limit and the day's cleanup read ``received_at``.
    seen_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    volunteer: Mapped[Volunteer] = relationship()
