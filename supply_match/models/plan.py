"""Delivery plans (配送计划): one per date, draft until published; its runs (配送趟次),
their stops (站点) and what is handed over at each; the background jobs that solve them;
and the record of every change to a plan."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match.extensions import db
from supply_match.models._types import latitude_check, longitude_check, one_of, utcnow

if TYPE_CHECKING:
    from supply_match.models.account import User
    from supply_match.models.household import Household
    from supply_match.models.order import Order, OrderLine
    from supply_match.models.outlet import Outlet
    from supply_match.models.place import Village
    from supply_match.models.volunteer import Volunteer


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class RunStatus(enum.StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    FINISHED = "finished"


class StopStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED_JOB_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


class DeliveryPlan(db.Model):
    __tablename__ = "delivery_plan"
    __table_args__ = (one_of("status", PlanStatus, "status_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_date: Mapped[date] = mapped_column(unique=True)
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.DRAFT)
    # Bumped by every publish, so volunteers' pages can tell a stale change from a fresh one.
    version: Mapped[int] = mapped_column(default=0)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    runs: Mapped[list[DeliveryRun]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="DeliveryRun.position"
    )
    unassigned: Mapped[list[UnassignedOrder]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="UnassignedOrder.id"
    )
    changes: Mapped[list[PlanChange]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanChange.id"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])


class DeliveryRun(db.Model):
    __tablename__ = "delivery_run"
    __table_args__ = (
        # A volunteer may make several trips in a day, back to the outlet in between.
        UniqueConstraint("plan_id", "volunteer_id", "trip"),
        CheckConstraint("trip >= 1", name="trip_positive"),
        one_of("status", RunStatus, "status_valid"),
        CheckConstraint("distance_m >= 0 AND duration_s >= 0", name="measures_not_negative"),
        CheckConstraint("load_kg >= 0", name="load_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_plan.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"))
    trip: Mapped[int] = mapped_column(default=1, server_default="1")
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.PLANNED)
    locked: Mapped[bool] = mapped_column(default=False)
    # Seconds from midnight of the delivery day.
    start_s: Mapped[int] = mapped_column(default=0)
    end_s: Mapped[int] = mapped_column(default=0)
    distance_m: Mapped[int] = mapped_column(default=0)
    duration_s: Mapped[int] = mapped_column(default=0)
    load_kg: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))
    # The plan version this run last changed in: a change to the day after publishing
    # bumps the plan's version but only the runs it touched, so the other volunteers'
    # marks (sent with the version their phone knows) still count.
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    # What the last change after publishing added to or took from this run, for the
    # volunteer's phone: {"version", "at", "added": [labels], "removed": [labels]}.
    notice: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    plan: Mapped[DeliveryPlan] = relationship(back_populates="runs")
    volunteer: Mapped[Volunteer] = relationship()
    outlet: Mapped[Outlet] = relationship()
    stops: Mapped[list[DeliveryStop]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="DeliveryStop.position"
    )


class DeliveryStop(db.Model):
    __tablename__ = "delivery_stop"
    __table_args__ = (
        one_of("status", StopStatus, "status_valid"),
        CheckConstraint("weight_kg >= 0", name="weight_not_negative"),
        latitude_check("lat", "lat_range"),
        longitude_check("lon", "lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_run.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    delivery_point: Mapped[str] = mapped_column(String(16))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"))
    label: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float]
    lon: Mapped[float]
    arrival_s: Mapped[int] = mapped_column(default=0)
    departure_s: Mapped[int] = mapped_column(default=0)
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))
    locked: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=StopStatus.PENDING)
    failure_reason: Mapped[str | None] = mapped_column(String(32))
    received_by: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The dispatcher's last correction of the status, shown on the volunteer's phone.
    corrected_at: Mapped[datetime | None]
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    correction_note: Mapped[str | None] = mapped_column(String(200))

    run: Mapped[DeliveryRun] = relationship(back_populates="stops")
    household: Mapped[Household | None] = relationship()
    village: Mapped[Village] = relationship()
    items: Mapped[list[StopItem]] = relationship(
        back_populates="stop", cascade="all, delete-orphan", order_by="StopItem.id"
    )


class StopItem(db.Model):
    """What is handed over at a stop: (part of) one order line."""

    __tablename__ = "stop_item"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_stop.id", ondelete="CASCADE"), index=True
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    stop: Mapped[DeliveryStop] = relationship(back_populates="items")
    order: Mapped[Order] = relationship()
    order_line: Mapped[OrderLine] = relationship()


class UnassignedOrder(db.Model):
    __tablename__ = "unassigned_order"
    __table_args__ = (UniqueConstraint("plan_id", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_plan.id", ondelete="CASCADE"), index=True
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    reason: Mapped[str] = mapped_column(String(32))

    plan: Mapped[DeliveryPlan] = relationship(back_populates="unassigned")
    order: Mapped[Order] = relationship()


class PlanChange(db.Model):
    """Who changed a plan, when, and what."""

    __tablename__ = "plan_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_plan.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[DeliveryPlan] = relationship(back_populates="changes")
    user: Mapped[User | None] = relationship()


class PlanningJob(db.Model):
    """A background solve. Its state lives here, not in a worker, so any web process can
    show progress, and a worker that died is seen by its stale heartbeat."""

    __tablename__ = "planning_job"
    __table_args__ = (
        one_of("status", JobStatus, "status_valid"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED, index=True)
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(String(500))
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    worker: Mapped[str | None] = mapped_column(String(64))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    requested_by: Mapped[User | None] = relationship()

    @property
    def finished(self) -> bool:
        return JobStatus(self.status) in FINISHED_JOB_STATUSES


class StopUpdateAction(enum.StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    UNDO = "undo"


class StopUpdate(db.Model):
    """A status change sent from a volunteer's phone. ``change_id`` is made on the phone, so
    that a change retried after a dropped connection is recognised and applied once."""

    __tablename__ = "stop_update"
    __table_args__ = (one_of("action", StopUpdateAction, "action_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[str] = mapped_column(String(64), unique=True)
    stop_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_stop.id", ondelete="SET NULL"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    received_by: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(200))
    plan_version: Mapped[int | None]
    # What the server answered, so that a retry gets the same answer.
    outcome: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(String(200), default="")
    happened_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
