"""The stock ledger: every change to an outlet's stock goes through here and is recorded,
so that the figure on any page can be explained row by row.

A change's reason is stored as text, in the language of whoever made the change (the
default language for the worker and the command line)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from supply_match.extensions import db
from supply_match.models import OrderLine, Stock, StockChange, StockChangeKind, User
from supply_match.services.fields import MAX_STOCK_QUANTITY


class StockError(ValueError):
    """A stock change that would leave the figures impossible (negative, over-reserved)."""


def _record(
    stock: Stock,
    kind: StockChangeKind,
    *,
    quantity_delta: Decimal = Decimal(0),
    reserved_delta: Decimal = Decimal(0),
    reason: str,
    user: User | None = None,
    order_line: OrderLine | None = None,
) -> StockChange:
    quantity_after = stock.quantity + quantity_delta
    reserved_after = (stock.reserved or Decimal(0)) + reserved_delta
    if quantity_after < 0:
        raise StockError(
            _(
                "Not enough stock: %(product)s has %(quantity)s, cannot take away %(delta)s.",
                product=stock.product.name,
                quantity=stock.quantity,
                delta=-quantity_delta,
            )
        )
    if reserved_after < 0:
        raise StockError(
            _("The reserved quantity cannot be negative: %(product)s", product=stock.product.name)
        )
    if reserved_after > quantity_after:
        raise StockError(
            _(
                "Not enough available stock: %(product)s has %(quantity)s with %(reserved)s "
                "reserved, cannot reserve %(delta)s more.",
                product=stock.product.name,
                quantity=stock.quantity,
                reserved=stock.reserved,
                delta=reserved_delta,
            )
        )
    stock.quantity = quantity_after
    stock.reserved = reserved_after
    change = StockChange(
        stock=stock,
        kind=kind,
        quantity_delta=quantity_delta,
        reserved_delta=reserved_delta,
        quantity_after=quantity_after,
        reserved_after=reserved_after,
        reason=reason[:200],
        user=user,
        order_line_id=order_line.id if order_line is not None else None,
    )
    db.session.add(change)
    return change


def receive(stock: Stock, quantity: Decimal, reason: str, user: User | None = None) -> StockChange:
    """Record goods received (``quantity`` > 0, in the product's unit). Raises
    ``StockError``."""
    if quantity <= 0:
        raise StockError(_("The quantity received must be more than zero."))
    if (stock.quantity or 0) + quantity >= MAX_STOCK_QUANTITY:
        raise StockError(
            _(
                "%(product)s: an outlet holds less than %(high)s of a product; please check "
                "the quantity.",
                product=stock.product.name,
                high=MAX_STOCK_QUANTITY,
            )
        )
    return _record(
        stock, StockChangeKind.RECEIVED, quantity_delta=quantity, reason=reason, user=user
    )


def set_count(
    stock: Stock, counted: Decimal, reason: str, user: User | None = None
) -> StockChange | None:
    """Set the stock to a counted figure; refuses to go below what is already reserved."""
    delta = counted - stock.quantity
    if delta == 0:
        return None
    if counted < (stock.reserved or 0):
        raise StockError(
            _(
                "%(product)s: the count %(counted)s is less than the %(reserved)s reserved; "
                "release allocations first.",
                product=stock.product.name,
                counted=counted,
                reserved=stock.reserved,
            )
        )
    return _record(stock, StockChangeKind.ADJUSTED, quantity_delta=delta, reason=reason, user=user)


def reserve(
    stock: Stock, quantity: Decimal, order_line: OrderLine, user: User | None = None
) -> StockChange:
    """Reserve ``quantity`` of the stock for an order line (matching); the ledger says
    which order."""
    return _record(
        stock,
        StockChangeKind.RESERVED,
        reserved_delta=quantity,
        reason=_("Allocated to order %(id)s", id=order_line.order_id),
        user=user,
        order_line=order_line,
    )


def release(
    stock: Stock, quantity: Decimal, order_line: OrderLine, reason: str, user: User | None = None
) -> StockChange:
    """Give back ``quantity`` reserved for an order line, with the reason the ledger keeps."""
    return _record(
        stock,
        StockChangeKind.RELEASED,
        reserved_delta=-quantity,
        reason=reason,
        user=user,
        order_line=order_line,
    )


def hand_over(
    stock: Stock, quantity: Decimal, order_line: OrderLine, user: User | None = None
) -> StockChange:
    """Goods reserved for a line left the outlet with the delivery."""
    return _record(
        stock,
        StockChangeKind.DELIVERED,
        quantity_delta=-quantity,
        reserved_delta=-quantity,
        reason=_("Order %(id)s delivered", id=order_line.order_id),
        user=user,
        order_line=order_line,
    )


def take_back(
    stock: Stock, quantity: Decimal, order_line: OrderLine, user: User | None = None
) -> StockChange:
    """A hand-over undone: the goods count as at the outlet and reserved again."""
    return _record(
        stock,
        StockChangeKind.ADJUSTED,
        quantity_delta=quantity,
        reserved_delta=quantity,
        reason=_("Order %(id)s: delivery undone", id=order_line.order_id),
        user=user,
        order_line=order_line,
    )


def goods_returned(
    stock: Stock, quantity: Decimal, order_line: OrderLine, user: User | None = None
) -> StockChange:
    """A failed delivery's goods are back on the outlet's shelf. They never left the stock
    figures (only a delivery takes them out), so nothing moves; the row says who counted
    them back in, and how many."""
    counted = f"{quantity.normalize():f}"
    change = StockChange(
        stock=stock,
        kind=StockChangeKind.RETURNED,
        quantity_delta=Decimal(0),
        reserved_delta=Decimal(0),
        quantity_after=stock.quantity,
        reserved_after=stock.reserved,
        reason=_(
            "Order %(id)s not delivered: %(quantity)s back at the outlet",
            id=order_line.order_id,
            quantity=counted,
        )[:200],
        user=user,
        order_line_id=order_line.id,
    )
    db.session.add(change)
    return change


def write_off(
    stock: Stock, quantity: Decimal, order_line: OrderLine, user: User | None = None
) -> StockChange:
    """Goods reserved for a line were damaged on the way: a loss, out of the stock and out
    of the reservation alike."""
    return _record(
        stock,
        StockChangeKind.ADJUSTED,
        quantity_delta=-quantity,
        reserved_delta=-quantity,
        reason=_("Order %(id)s: goods damaged on delivery, written off", id=order_line.order_id),
        user=user,
        order_line=order_line,
    )


def write_off_undone(
    stock: Stock, quantity: Decimal, order_line: OrderLine, user: User | None = None
) -> StockChange:
    """A write-off corrected: the goods count as at the outlet and reserved again."""
    return _record(
        stock,
        StockChangeKind.ADJUSTED,
        quantity_delta=quantity,
        reserved_delta=quantity,
        reason=_("Order %(id)s: write-off of damaged goods corrected", id=order_line.order_id),
        user=user,
        order_line=order_line,
    )
