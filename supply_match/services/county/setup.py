"""What a county has entered so far, in the order it should enter it: the admin home's
set-up checklist."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import (
    ApiToken,
    Household,
    Outlet,
    Product,
    Role,
    Stock,
    Township,
    User,
    Village,
    Volunteer,
)
from supply_match.services.county import settings as county_settings

# The order a county enters things in: each step needs the ones before it.
STEPS = (
    "settings",
    "townships",
    "villages",
    "products",
    "outlets",
    "stock",
    "volunteers",
    "cadres",
    "households",
)


@dataclass(frozen=True)
class SetupStep:
    key: str
    count: int

    @property
    def done(self) -> bool:
        return self.count > 0


def _count(stmt) -> int:
    return db.session.scalar(stmt) or 0


def checklist() -> list[SetupStep]:
    """Each step of setting up the county with how many records it has (settings: 1 or 0)."""
    counts = {
        "settings": 1 if county_settings.current().configured else 0,
        "townships": _count(select(func.count(Township.id)).where(Township.active.is_(True))),
        "villages": _count(select(func.count(Village.id)).where(Village.active.is_(True))),
        "products": _count(select(func.count(Product.id)).where(Product.active.is_(True))),
        "outlets": _count(select(func.count(Outlet.id)).where(Outlet.active.is_(True))),
        "stock": _count(select(func.count(Stock.id)).where(Stock.quantity > 0)),
        "volunteers": _count(select(func.count(Volunteer.id)).where(Volunteer.active.is_(True))),
        "cadres": _count(
            select(func.count(User.id)).where(
                User.role == Role.CADRE,
                User.active.is_(True),
                User.id.not_in(select(ApiToken.user_id)),
            )
        ),
        "households": _count(select(func.count(Household.id))),
    }
    return [SetupStep(key, counts[key]) for key in STEPS]
