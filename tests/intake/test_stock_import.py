"""Stock import: counts set through the ledger, all or nothing, re-import harmless."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Stock, StockChange
from supply_match.services.documents.spreadsheets import SheetError
from supply_match.services.supply.stock_import import import_stock
from tests import factories


def sheet(rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(["网点", "产品", "库存数量", "说明"])
    for r in rows:
        workbook.active.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def shop(app):
    outlet = factories.outlet(name="郁山镇供销社农资店")
    urea = factories.product(name="尿素", code="FZ-NS-50")
    seed = factories.product(name="玉米种子", code="ZZ-YM-1", category="seed", unit_weight_kg=1)
    factories.stock(outlet, urea, 10)
    clerk = factories.user(role="dispatcher")
    db.session.commit()
    return dict(outlet=outlet, urea=urea, seed=seed, clerk=clerk)


def test_counts_are_set_and_each_change_is_in_the_ledger(shop):
    data = sheet(
        [
            ["郁山镇供销社农资店", "尿素", 25, "3月1日盘点"],
            ["郁山镇供销社农资店", "zz-ym-1", 40, None],
        ]
    )

    result = import_stock("库存.xlsx", data, shop["clerk"])
    db.session.commit()

    assert (result.changed, result.created) == (2, 1)
    counts = {s.product.name: s.quantity for s in db.session.scalars(select(Stock))}
    assert counts == {"尿素": 25, "玉米种子": 40}
    reasons = sorted(c.reason for c in db.session.scalars(select(StockChange)))
    assert reasons == ["导入 库存.xlsx", "导入 库存.xlsx：3月1日盘点"]


def test_reimporting_the_same_counts_changes_nothing(shop):
    data = sheet([["郁山镇供销社农资店", "尿素", 25, None]])
    import_stock("a.xlsx", data, shop["clerk"])
    db.session.commit()
    second = import_stock("a.xlsx", data, shop["clerk"])
    assert (second.changed, second.unchanged) == (0, 1)
    assert len(db.session.scalars(select(StockChange)).all()) == 1


def test_any_bad_row_writes_nothing(shop):
    data = sheet(
        [
            ["郁山镇供销社农资店", "尿素", 30, None],
            ["不存在的网点", "尿素", 5, None],
            ["郁山镇供销社农资店", "玉米种子", -2, None],
            ["郁山镇供销社农资店", "尿素", 31, None],
        ]
    )
    with pytest.raises(SheetError) as caught:
        import_stock("b.xlsx", data, shop["clerk"])
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (3, "网点"),
        (4, "库存数量"),
        (5, "产品"),
    }
    db.session.rollback()
    assert db.session.scalar(select(Stock.quantity)) == 10
    assert db.session.scalars(select(StockChange)).all() == []


def test_a_count_below_what_is_reserved_is_refused(shop):
    stock_row = db.session.scalar(select(Stock))
    order = factories.order(lines=[(shop["urea"], 8)])
    from supply_match.services.supply import stock as ledger

    ledger.reserve(stock_row, 8, order.lines[0])
    db.session.commit()
    with pytest.raises(SheetError, match="已分配"):
        import_stock("c.xlsx", sheet([["郁山镇供销社农资店", "尿素", 5, None]]), shop["clerk"])
