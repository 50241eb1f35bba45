"""Filtered lists of orders and households, as far as a user may see them: the same
filters serve the list pages, their .xlsx exports and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Household, Order, OrderLine, OrderStatus, Product, Village
from supply_match.services import scope
from supply_match.services.fields import id_value, parse_date


@dataclass
class ListFilters:
    """What a list of orders or households is narrowed to; ``errors`` names bad dates."""

    village_id: int | None = None
    status: str | None = None
    product_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def read_list_filters(args, villages: list[Village]) -> ListFilters:
    """The list pages' filters from query arguments (a mapping such as ``request.args``):
    a village not among ``villages``, an unknown status or product is ignored; a bad
    date is named in ``errors``."""
    filters = ListFilters()
    village_id = args.get("village", type=id_value)
    if village_id in {village.id for village in villages}:
        filters.village_id = village_id
    status = args.get("status") or None
    if status in {str(s) for s in OrderStatus}:
        filters.status = status
    product_id = args.get("product", type=id_value)
    if product_id and db.session.get(Product, product_id) is not None:
        filters.product_id = product_id
    filters.date_from = parse_date(args.get("date_from"), filters.errors, "date_from")
    filters.date_to = parse_date(args.get("date_to"), filters.errors, "date_to")
    filters.q = (args.get("q") or "").strip()[:32]
    return filters


def filtered_orders(user, filters: ListFilters):
    """Orders the user may see, narrowed by the filters; dates select the orders whose
    wanted range overlaps [date_from, date_to]."""
    query = scope.orders_query(user, village_id=filters.village_id, status=filters.status)
    if filters.product_id:
        query = query.where(
            Order.id.in_(
                select(OrderLine.order_id).where(OrderLine.product_id == filters.product_id)
            )
        )
    if filters.date_from:
        query = query.where(Order.wanted_to >= filters.date_from)
    if filters.date_to:
        query = query.where(Order.wanted_from <= filters.date_to)
    if filters.q:
        query = query.where(
            Household.name.contains(filters.q) | Household.mobile.contains(filters.q)
        )
    return query


def filtered_households(user, filters: ListFilters):
    """Households the user may see, by name or mobile part; order filters (status,
    product, dates) select the households having such an order."""
    query = scope.households_query(user, village_id=filters.village_id)
    if filters.q:
        query = query.where(
            Household.name.contains(filters.q) | Household.mobile.contains(filters.q)
        )
    if filters.status or filters.product_id or filters.date_from or filters.date_to:
        orders = filtered_orders(user, filters).with_only_columns(Order.household_id).order_by(None)
        query = query.where(Household.id.in_(orders))
    return query
