"""Filtered lists of orders and households, as far as a user may see them: the same
filters serve the list pages, their .xlsx exports and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Household, Order, OrderLine, OrderStatus, Product, Village
from supply_match.services import scope
from supply_match.services.fields import parse_date


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


MAX_ID_DIGITS = 18  # below 2**63: every id the database can hold, and nothing beyond


def _whole_number(text: str | None) -> int | None:
    """``text`` as a non-negative id, or None: ASCII digits only, within 64 bits."""
    text = (text or "").strip()
    if text and text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS:
        return int(text)
    return None


def read_list_filters(args, villages: list[Village] | None = None, *, strict: bool = False):
    """The filters of a list of orders or households, from query arguments (a mapping
    such as ``request.args``).

    The pages (``strict=False``) ignore what they cannot use: a village not among
    ``villages``, an unknown status, product or id. The API (``strict=True``) names each
    such value in ``errors`` instead, and leaves the village to the scoped queries (another
    village's id selects nothing). A bad date is named in ``errors`` either way.
    """
    filters = ListFilters()
    errors = filters.errors
    for key, attribute in (("village", "village_id"), ("product", "product_id")):
        text = args.get(key)
        value = _whole_number(text)
        if value is None and (text or "").strip() and strict:
            errors[key] = _("Must be a whole-number id.")
        setattr(filters, attribute, value)
    if villages is not None and filters.village_id not in {village.id for village in villages}:
        filters.village_id = None
    if not strict and filters.product_id and db.session.get(Product, filters.product_id) is None:
        filters.product_id = None
    status = args.get("status") or None
    if status in {str(s) for s in OrderStatus}:
        filters.status = status
    elif status is not None and strict:
        errors["status"] = _("Unknown order status.")
    filters.date_from = parse_date(args.get("date_from"), errors, "date_from")
    filters.date_to = parse_date(args.get("date_to"), errors, "date_to")
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
