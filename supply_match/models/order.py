"""Orders (订单) and their lines, with the status rules every change goes through."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from supply_match.extensions import db
from supply_match.models._types import latitude_check, longitude_check, one_of, utcnow

if TYPE_CHECKING:
    from supply_match.models.account import User
    from supply_match.models.allocation import Allocation
    from supply_match.models.catalogue import Product
    from supply_match.models.household import Household
    from supply_match.models.price import SubsidyProgramme


class OrderStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ALLOCATED = "allocated"
    SCHEDULED = "scheduled"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


# Which status may follow which. Allocation can be released (back to submitted), a
# published run can be withdrawn (back to allocated), and a failed delivery returns to
# the pool for another day.
ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.SUBMITTED: frozenset({OrderStatus.ALLOCATED, OrderStatus.CANCELLED}),
    OrderStatus.ALLOCATED: frozenset(
        {OrderStatus.SCHEDULED, OrderStatus.SUBMITTED, OrderStatus.CANCELLED}
    ),
    OrderStatus.SCHEDULED: frozenset(
        {OrderStatus.DELIVERED, OrderStatus.FAILED, OrderStatus.ALLOCATED}
    ),
    # Back to scheduled only when the volunteer undoes the mark within minutes.
    OrderStatus.FAILED: frozenset(
        {OrderStatus.SUBMITTED, OrderStatus.ALLOCATED, OrderStatus.CANCELLED, OrderStatus.SCHEDULED}
    ),
    OrderStatus.DELIVERED: frozenset({OrderStatus.SCHEDULED}),
    # Back to allocated only when a delivery marked refused is undone or corrected.
    OrderStatus.CANCELLED: frozenset({OrderStatus.ALLOCATED}),
}

# Until an order is on a published run, the cadre may still edit or cancel it.
EDITABLE_STATUSES = frozenset({OrderStatus.SUBMITTED, OrderStatus.ALLOCATED, OrderStatus.FAILED})


class IllegalTransition(ValueError):
    """An order was asked to move to a status that may not follow its current one."""

    def __init__(self, order_id: int | None, current: str, wanted: str):
        self.order_id = order_id
        self.current = current
        self.wanted = wanted
        super().__init__(
            f"order {order_id}: status {current!r} cannot change to {wanted!r}; "
            f"allowed next: {sorted(ALLOWED_TRANSITIONS[OrderStatus(current)]) or 'none'}"
        )


class DeliveryPoint(enum.StrEnum):
    HOME = "home"
    FIELD = "field"
    COLLECTION = "collection"


class PaymentMethod(enum.StrEnum):
    PREPAID = "prepaid"  # paid at the outlet or online before delivery
    ON_DELIVERY = "on_delivery"  # cash, or a transfer to the outlet's QR code, at the door
    SUBSIDY = "subsidy"  # a subsidy programme pays its share, the household the rest


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        one_of("status", OrderStatus, "status_valid"),
        one_of("delivery_point", DeliveryPoint, "delivery_point_valid"),
        CheckConstraint("wanted_to >= wanted_from", name="wanted_range_order"),
        CheckConstraint(
            "(window_start IS NULL) = (window_end IS NULL)", name="window_both_or_none"
        ),
        CheckConstraint("window_start IS NULL OR window_end > window_start", name="window_order"),
        # A field delivery needs its own point; home and collection use the stored ones.
        CheckConstraint(
            "delivery_point != 'field' OR (delivery_lat IS NOT NULL AND delivery_lon IS NOT NULL)",
            name="field_point_has_coordinates",
        ),
        CheckConstraint("priority BETWEEN 0 AND 9", name="priority_range"),
        latitude_check("delivery_lat", "delivery_lat_range"),
        longitude_check("delivery_lon", "delivery_lon_range"),
        one_of("payment_method", PaymentMethod, "payment_method_valid"),
        CheckConstraint(
            "(payment_method = 'subsidy') = (subsidy_programme_id IS NOT NULL)",
            name="subsidy_has_programme",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=OrderStatus.SUBMITTED, index=True)
    delivery_point: Mapped[str] = mapped_column(String(16), default=DeliveryPoint.HOME)
    delivery_lat: Mapped[float | None]
    delivery_lon: Mapped[float | None]
    wanted_from: Mapped[date]
    wanted_to: Mapped[date]
    window_start: Mapped[time | None]
    window_end: Mapped[time | None]
    # 0 is ordinary; higher is served first when stock or vehicles run short.
    priority: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(String(200))
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    payment_method: Mapped[str] = mapped_column(
        String(16), default=PaymentMethod.ON_DELIVERY, server_default="on_delivery"
    )
    subsidy_programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("subsidy_programme.id"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship(back_populates="orders")
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    created_by: Mapped[User | None] = relationship()
    subsidy_programme: Mapped[SubsidyProgramme | None] = relationship()

    def can_transition_to(self, wanted: OrderStatus | str) -> bool:
        return OrderStatus(wanted) in ALLOWED_TRANSITIONS[OrderStatus(self.status)]

    def transition_to(self, wanted: OrderStatus | str) -> None:
        """Move to ``wanted`` or raise ``IllegalTransition``; the only way status changes."""
        if not self.can_transition_to(wanted):
            raise IllegalTransition(self.id, self.status, str(wanted))
        self._status_change_allowed = True
        try:
            self.status = OrderStatus(wanted)
        finally:
            self._status_change_allowed = False

    @validates("status")
    def _guard_status(self, _key: str, value: str) -> str:
        value = OrderStatus(value)
        # A new order may start in any status it is constructed with (imports, the demo);
        # after that, changes must go through transition_to.
        changing = self.status is not None and value != self.status
        if changing and not getattr(self, "_status_change_allowed", False):
            raise IllegalTransition(self.id, self.status, value)
        return value

    @property
    def editable(self) -> bool:
        return OrderStatus(self.status) in EDITABLE_STATUSES

    @property
    def delivery_location(self) -> tuple[float, float]:
        """Where the goods go (WGS-84 lat, lon): the field point, the village's collection
        point, or the household's home."""
        if self.delivery_point == "field" and self.delivery_lat is not None:
            return self.delivery_lat, self.delivery_lon
        if self.delivery_point == "collection":
            village = self.household.village
            return village.collection_lat, village.collection_lon
        return self.household.lat, self.household.lon

    @property
    def total_weight_kg(self) -> Decimal:
        return sum((line.quantity * line.product.unit_weight_kg for line in self.lines), Decimal(0))

    def __repr__(self) -> str:
        return f"<Order {self.id} {self.status}>"


class OrderLine(db.Model):
    __tablename__ = "order_line"
    __table_args__ = (
        UniqueConstraint("order_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()
    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="order_line", cascade="all, delete-orphan", order_by="Allocation.id"
    )

    @property
    def allocated_quantity(self) -> Decimal:
        return sum((allocation.quantity for allocation in self.allocations), Decimal(0))

    @property
    def shortfall(self) -> Decimal:
        return self.quantity - self.allocated_quantity

    @property
    def weight_kg(self) -> Decimal:
        return self.quantity * self.product.unit_weight_kg
