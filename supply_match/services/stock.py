"""The stock ledger: every change to an outlet's stock goes through here and is recorded,
so that the figure on any page can be explained row by row."""

from __future__ import annotations

from decimal import Decimal

from supply_match.extensions import db
from supply_match.models import OrderLine, Stock, StockChange, StockChangeKind, User


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
            f"库存不足：{stock.product.name} 现有 {stock.quantity}，不能减少 {-quantity_delta}"
        )
    if reserved_after < 0:
        raise StockError(f"预留量不能为负：{stock.product.name}")
    if reserved_after > quantity_after:
        raise StockError(
            f"可用库存不足：{stock.product.name} 现有 {stock.quantity}、已预留 {stock.reserved}，"
            f"不能再预留 {reserved_delta}"
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
    if quantity <= 0:
        raise StockError("到货数量必须大于零")
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
            f"{stock.product.name}：盘点数 {counted} 少于已预留 {stock.reserved}，请先释放分配"
        )
    return _record(stock, StockChangeKind.ADJUSTED, quantity_delta=delta, reason=reason, user=user)


def reserve(
    stock: Stock, quantity: Decimal, order_line: OrderLine, user: User | None = None
) -> StockChange:
    return _record(
        stock,
        StockChangeKind.RESERVED,
        reserved_delta=quantity,
        reason=f"分配给订单 {order_line.order_id}",
        user=user,
        order_line=order_line,
    )


def release(
    stock: Stock, quantity: Decimal, order_line: OrderLine, reason: str, user: User | None = None
) -> StockChange:
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
        reason=f"订单 {order_line.order_id} 已送达",
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
        reason=f"订单 {order_line.order_id} 撤销送达",
        user=user,
        order_line=order_line,
    )
