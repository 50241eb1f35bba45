"""Every stock change is recorded and the figures can never become impossible."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import StockChange
from supply_match.services.supply import stock as ledger
from tests import factories


@pytest.fixture
def stock_row(app):
    row = factories.stock(factories.outlet(), factories.product(name="复合肥"), 10)
    db.session.commit()
    return row


def test_each_change_records_who_why_and_the_figures_after(app, stock_row):
    clerk = factories.user(role="dispatcher")
    ledger.receive(stock_row, Decimal(5), "县农资公司调入", clerk)
    ledger.set_count(stock_row, Decimal(12), "盘点", clerk)
    db.session.commit()

    changes = db.session.scalars(select(StockChange).order_by(StockChange.id)).all()
    assert [(c.kind, c.quantity_delta, c.quantity_after, c.reason) for c in changes] == [
        ("received", 5, 15, "县农资公司调入"),
        ("adjusted", -3, 12, "盘点"),
    ]
    assert all(c.user_id == clerk.id for c in changes)
    assert stock_row.quantity == 12


def test_the_ledger_explains_the_current_figure(app, stock_row):
    order = factories.order(lines=[(stock_row.product, 4)])
    line = order.lines[0]
    ledger.receive(stock_row, Decimal(6), "到货")
    ledger.reserve(stock_row, Decimal(4), line)
    ledger.hand_over(stock_row, Decimal(3), line)
    ledger.release(stock_row, Decimal(1), line, "部分退回")
    db.session.commit()

    changes = db.session.scalars(
        select(StockChange).where(StockChange.stock_id == stock_row.id)
    ).all()
    assert Decimal(10) + sum(c.quantity_delta for c in changes) == stock_row.quantity == 13
    assert sum(c.reserved_delta for c in changes) == stock_row.reserved == 0


def test_reserving_more_than_is_available_is_refused_and_changes_nothing(app, stock_row):
    order = factories.order(lines=[(stock_row.product, 20)])
    with pytest.raises(ledger.StockError, match="可用库存不足"):
        ledger.reserve(stock_row, Decimal(11), order.lines[0])
    assert stock_row.reserved == 0
    assert db.session.scalars(select(StockChange)).all() == []


def test_a_count_below_what_is_reserved_is_refused(app, stock_row):
    order = factories.order(lines=[(stock_row.product, 8)])
    ledger.reserve(stock_row, Decimal(8), order.lines[0])
    with pytest.raises(ledger.StockError, match="已预留"):
        ledger.set_count(stock_row, Decimal(5), "盘点")
    assert stock_row.quantity == 10
