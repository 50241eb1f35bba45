"""The figures each role's home page shows, read straight from the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from supply_match.extensions import db
from supply_match.models import (
    Household,
    Order,
    OrderLine,
    OrderStatus,
    Outlet,
    Product,
    Role,
    Township,
    User,
    Village,
    Volunteer,
)
from supply_match.services import scope

STATUS_ORDER = [str(status) for status in OrderStatus]


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@dataclass
class AdminFigures:
    users_by_role: dict[str, int]
    townships: int
    villages: int
    households: int
    orders: int
    outlets: int
    volunteers: int


def admin_figures() -> AdminFigures:
    """What the admin's home page counts: active accounts by role, townships, villages,
    households, orders, active outlets and volunteers."""
    rows = db.session.execute(
        select(User.role, func.count()).where(User.active.is_(True)).group_by(User.role)
    ).all()
    by_role = {str(role): 0 for role in Role}
    by_role.update({role: count for role, count in rows})
    return AdminFigures(
        users_by_role=by_role,
        townships=_count(Township),
        villages=_count(Village),
        households=_count(Household),
        orders=_count(Order),
        outlets=_count(Outlet, Outlet.active.is_(True)),
        volunteers=_count(Volunteer, Volunteer.active.is_(True)),
    )


@dataclass
class TownshipRow:
    name: str
    by_status: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass
class DispatcherFigures:
    by_status: dict[str, int]
    by_township: list[TownshipRow]
    # Of every order not cancelled.
    ordered_weight_kg: Decimal
    outlets: int
    volunteers: int
    statuses: list[str] = field(default_factory=lambda: list(STATUS_ORDER))

    @property
    def total_orders(self) -> int:
        return sum(self.by_status.values())


def dispatcher_figures() -> DispatcherFigures:
    """What the dispatcher's home page counts: orders by status, county-wide and per
    township, the weight ordered (kg), active outlets and volunteers."""
    by_status = {status: 0 for status in STATUS_ORDER}
    for status, count in db.session.execute(
        select(Order.status, func.count()).group_by(Order.status)
    ):
        by_status[status] = count
    rows: dict[str, TownshipRow] = {}
    for name, status, count in db.session.execute(
        select(Township.name, Order.status, func.count())
        .join(Village, Village.township_id == Township.id)
        .join(Household, Household.village_id == Village.id)
        .join(Order, Order.household_id == Household.id)
        .group_by(Township.code, Township.name, Order.status)
        .order_by(Township.code)
    ):
        row = rows.setdefault(name, TownshipRow(name, {s: 0 for s in STATUS_ORDER}))
        row.by_status[status] = count
    weight = db.session.scalar(
        select(func.coalesce(func.sum(OrderLine.quantity * Product.unit_weight_kg), 0))
        .join(Product, Product.id == OrderLine.product_id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.status != OrderStatus.CANCELLED)
    )
    return DispatcherFigures(
        by_status=by_status,
        by_township=list(rows.values()),
        ordered_weight_kg=Decimal(weight or 0),
        outlets=_count(Outlet, Outlet.active.is_(True)),
        volunteers=_count(Volunteer, Volunteer.active.is_(True)),
    )


@dataclass
class CadreFigures:
    villages: list[Village]
    by_status: dict[str, int]
    recent_orders: list[Order]
    households: int
    statuses: list[str] = field(default_factory=lambda: list(STATUS_ORDER))

    @property
    def total_orders(self) -> int:
        return sum(self.by_status.values())


def cadre_figures(user: User, recent: int = 10) -> CadreFigures:
    """What a cadre's home page shows: their villages' orders by status and the ``recent``
    newest (with their households and villages, which the page names)."""
    orders = scope.orders_query(user).subquery()
    by_status = {status: 0 for status in STATUS_ORDER}
    for status, count in db.session.execute(
        select(orders.c.status, func.count()).group_by(orders.c.status)
    ):
        by_status[status] = count
    households = db.session.scalar(
        select(func.count()).select_from(scope.households_query(user).subquery())
    )
    return CadreFigures(
        villages=list(db.session.scalars(scope.villages_query(user))),
        by_status=by_status,
        recent_orders=list(
            db.session.scalars(
                scope.orders_query(user)
                .limit(recent)
                .options(joinedload(Order.household).joinedload(Household.village))
            )
        ),
        households=households or 0,
    )
