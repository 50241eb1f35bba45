"""Matching on the whole Pengshui demo: nothing over-allocated, every unit accounted for."""

from decimal import Decimal

from sqlalchemy import func, select

from supply_match.demo import build_demo
from supply_match.extensions import db
from supply_match.models import Allocation, Order, OrderLine, OrderStatus, Stock, StockChange
from supply_match.services.supply.matching import run_matching


def test_matching_the_demo_conserves_totals_and_never_over_allocates(app):
    build_demo(2020)
    db.session.commit()
    stock_before = {s.id: s.quantity for s in db.session.scalars(select(Stock))}

    result = run_matching()
    db.session.commit()

    stocks = db.session.scalars(select(Stock)).all()
    assert all(s.reserved <= s.quantity for s in stocks)
    assert {s.id: s.quantity for s in stocks} == stock_before  # reserving moves no goods
    allocated = db.session.scalar(select(func.sum(Allocation.quantity)))
    assert allocated == sum(s.reserved for s in stocks)
    ordered = db.session.scalar(select(func.sum(OrderLine.quantity)))
    short = sum((s.missing for s in result.shortfalls), Decimal(0))
    assert allocated + short == ordered
    per_outlet_product = db.session.execute(
        select(Allocation.outlet_id, OrderLine.product_id, func.sum(Allocation.quantity))
        .join(OrderLine)
        .group_by(Allocation.outlet_id, OrderLine.product_id)
    ).all()
    held = {(s.outlet_id, s.product_id): s.quantity for s in stocks}
    assert all(total <= held[outlet, product] for outlet, product, total in per_outlet_product)
    # The ledger explains every reservation.
    assert db.session.scalar(select(func.sum(StockChange.reserved_delta))) == allocated
    # Some products are short in the demo, so some orders stay open, with shortfalls shown.
    assert result.shortfalls
    submitted = db.session.scalar(select(func.count()).where(Order.status == OrderStatus.SUBMITTED))
    assert submitted == len({s.order_id for s in result.shortfalls})

    again = run_matching()
    assert not again.changed
