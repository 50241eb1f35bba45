"""The loaded road network and the road legs computed on it.

One network at a time: loading a county's extract replaces the previous one, and with it
every snapped place and leg, which were computed on the old roads. The graph is kept as
one compressed blob (see ``services.planning.roads.graph``): every process reads it whole.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from supply_match.extensions import db
from supply_match.models._types import utcnow


class RoadNetwork(db.Model):
    __tablename__ = "road_network"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(String(255))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    osm_nodes: Mapped[int]
    junctions: Mapped[int]
    chains: Mapped[int]
    length_km: Mapped[float]
    # Of the graph blob: processes keep a network in memory under its digest.
    digest: Mapped[str] = mapped_column(String(64))
    graph: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class RoadPoint(db.Model):
    """A place (rounded to 1e-5 degrees, about a metre) snapped onto the network."""

    __tablename__ = "road_point"
    __table_args__ = (
        UniqueConstraint("network_id", "lat_e5", "lon_e5"),
        CheckConstraint("snap_m >= 0", name="snap_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("road_network.id", ondelete="CASCADE"), index=True
    )
    lat_e5: Mapped[int]
    lon_e5: Mapped[int]
    chain: Mapped[int]
    offset_m: Mapped[float]
    snap_m: Mapped[float]


class RoadLegs(db.Model):
    """Costs from one place to the places it was planned with: ``target_ids`` (point ids in
    order, as zlib-compressed int64 gaps) and ``costs`` (int32 metres or seconds, raw
    little-endian, in the same order)."""

    __tablename__ = "road_legs"

    point_id: Mapped[int] = mapped_column(
        ForeignKey("road_point.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(24), primary_key=True)
    target_ids: Mapped[bytes] = mapped_column(LargeBinary)
    costs: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
