"""Who may see what: a cadre sees only the villages assigned to them; dispatchers and
admins see the whole county.

Every page and API endpoint that reads households or orders starts from these queries,
so the rule lives in one place. ``get_*_for`` raise ``NotFoundError`` for an id that does
not exist and ``ForbiddenError`` for one outside the user's villages (routes/errors.py
answers 404 and 403).
"""

from __future__ import annotations

from sqlalchemy import Select, false, select

from supply_match.extensions import db
from supply_match.models import Household, Order, Role, User, Village
from supply_match.services.errors import ForbiddenError, NotFoundError


def sees_whole_county(user: User) -> bool:
    """Dispatchers and admins see every village."""
    return user.has_role(Role.ADMIN, Role.DISPATCHER)


def village_ids_for(user: User) -> set[int] | None:
    """The villages ``user`` may see, or None for all of them."""
    if sees_whole_county(user):
        return None
    if user.has_role(Role.CADRE):
        return user.village_ids
    return set()


def villages_query(user: User) -> Select:
    """The villages ``user`` may see, by code (a select)."""
    query = select(Village).order_by(Village.code)
    ids = village_ids_for(user)
    if ids is not None:
        query = query.where(Village.id.in_(ids)) if ids else query.where(false())
    return query


def households_query(user: User, village_id: int | None = None) -> Select:
    """Households ``user`` may see, by village, group and id, optionally of one village."""
    query = select(Household).order_by(Household.village_id, Household.group_no, Household.id)
    ids = village_ids_for(user)
    if ids is not None:
        query = query.where(Household.village_id.in_(ids)) if ids else query.where(false())
    if village_id is not None:
        query = query.where(Household.village_id == village_id)
    return query


def orders_query(user: User, village_id: int | None = None, status: str | None = None) -> Select:
    """Orders ``user`` may see, newest first, optionally of one village or one status."""
    query = select(Order).join(Order.household).order_by(Order.created_at.desc(), Order.id.desc())
    ids = village_ids_for(user)
    if ids is not None:
        query = query.where(Household.village_id.in_(ids)) if ids else query.where(false())
    if village_id is not None:
        query = query.where(Household.village_id == village_id)
    if status is not None:
        query = query.where(Order.status == status)
    return query


def may_see_village(user: User, village_id: int) -> bool:
    """Whether ``user`` may see the village ``village_id``."""
    ids = village_ids_for(user)
    return ids is None or village_id in ids


def get_household_for(user: User, household_id: int) -> Household:
    """The household, if ``user`` may see it. Raises ``NotFoundError`` for an unknown id,
    ``ForbiddenError`` for another village's."""
    household = db.session.get(Household, household_id)
    if household is None:
        raise NotFoundError()
    if not may_see_village(user, household.village_id):
        raise ForbiddenError()
    return household


def get_order_for(user: User, order_id: int) -> Order:
    """The order, if ``user`` may see it. Raises ``NotFoundError`` for an unknown id,
    ``ForbiddenError`` for another village's."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFoundError()
    if not may_see_village(user, order.household.village_id):
        raise ForbiddenError()
    return order
