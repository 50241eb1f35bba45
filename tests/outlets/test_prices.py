"""Outlet prices in fen, their history, the county's guide price, and what orders cost."""

import io

import pytest

from supply_match.extensions import db
from supply_match.models import OutletPrice, PaymentMethod, SubsidyProgramme
from supply_match.services.supply import prices
from supply_match.services.supply.amounts import order_amounts
from supply_match.services.supply.money import parse_yuan, yuan
from tests import factories
from tests.days import allocated_orders


@pytest.mark.parametrize(
    ("text", "fen"), [("12.5", 1250), ("¥0.01", 1), ("1,280.00", 128000), ("38元", 3800)]
)
def test_yuan_text_becomes_integer_fen(text, fen):
    assert parse_yuan(text) == fen
    assert isinstance(parse_yuan(text), int)


@pytest.mark.parametrize("text", ["-1", "12.345", "abc", "", "NaN", "1e400"])
def test_bad_yuan_is_refused(app, text):
    with pytest.raises(ValueError):
        parse_yuan(text)


def test_yuan_writes_fen_with_two_decimals():
    assert yuan(1250) == "12.50"
    assert yuan(-5) == "-0.05"
    assert yuan(None) == ""


def test_setting_a_price_twice_keeps_the_history(county):
    outlet, urea = county["outlet"], county["urea"]
    assert prices.set_outlet_prices(outlet, {urea.id: "130"}, None) == 1
    assert prices.set_outlet_prices(outlet, {urea.id: "130.00"}, None) == 0  # unchanged
    assert prices.set_outlet_prices(outlet, {urea.id: "135.5"}, None) == 1
    history = prices.price_history(outlet.id, urea.id)
    assert [row.price_fen for row in history] == [13550, 13000]
    assert prices.current_prices(outlet.id)[urea.id].price_fen == 13550


def test_an_order_keeps_the_price_it_was_matched_at(county):
    outlet, urea = county["outlet"], county["urea"]
    prices.set_outlet_prices(outlet, {urea.id: "130"}, None)
    (order,) = allocated_orders(county, [[(urea, 2)]])
    prices.set_outlet_prices(outlet, {urea.id: "150"}, None)
    amounts = order_amounts(order)
    assert amounts.total_fen == 26000
    assert amounts.due_fen == 26000  # pay on delivery is the default


def test_an_order_matched_before_any_price_has_no_amount(county):
    (order,) = allocated_orders(county, [[(county["urea"], 2)]])
    prices.set_outlet_prices(county["outlet"], {county["urea"].id: "130"}, None)
    amounts = order_amounts(order)
    assert amounts.total_fen is None
    assert amounts.due_fen is None


def test_an_unallocated_order_has_no_amount(app):
    order = factories.order()
    assert order_amounts(order).total_fen is None


def test_prices_above_the_guide_price_are_refused_and_nothing_is_written(county):
    outlet, urea, seed = county["outlet"], county["urea"], county["seed"]
    prices.set_guide_prices({urea.id: "140"}, None)
    with pytest.raises(prices.PriceError) as refused:
        prices.set_outlet_prices(outlet, {urea.id: "140.01", seed.id: "30"}, None)
    assert set(refused.value.errors) == {urea.id}
    assert "140.00" in refused.value.errors[urea.id]
    assert db.session.query(OutletPrice).count() == 0
    assert prices.set_outlet_prices(outlet, {urea.id: "140", seed.id: "30"}, None) == 2


def test_bad_prices_are_all_named_at_once(county):
    outlet, urea, seed = county["outlet"], county["urea"], county["seed"]
    with pytest.raises(prices.PriceError) as refused:
        prices.set_outlet_prices(outlet, {urea.id: "-3", seed.id: "1.005"}, None)
    assert set(refused.value.errors) == {urea.id, seed.id}
    assert db.session.query(OutletPrice).count() == 0


def test_a_guide_price_below_an_outlets_price_is_refused_until_it_lowers(county):
    outlet, urea = county["outlet"], county["urea"]
    prices.set_outlet_prices(outlet, {urea.id: "150"}, None)
    with pytest.raises(prices.PriceError):
        prices.set_guide_prices({urea.id: "140"}, None)
    prices.set_outlet_prices(outlet, {urea.id: "139"}, None)
    prices.set_guide_prices({urea.id: "140"}, None)
    assert prices.current_guide_prices() == {urea.id: 14000}
    prices.set_guide_prices({urea.id: ""}, None)  # the cap lifted
    assert prices.current_guide_prices() == {}


def test_each_payment_way_owes_its_part_at_the_door(county):
    outlet, urea = county["outlet"], county["urea"]
    prices.set_outlet_prices(outlet, {urea.id: "99.99"}, None)
    programme = SubsidyProgramme(name="测试补贴", share_percent=30)
    db.session.add(programme)
    prepaid, on_delivery, subsidy = allocated_orders(
        county, [[(urea, 1)], [(urea, 1)], [(urea, 1)]]
    )
    prepaid.payment_method = PaymentMethod.PREPAID
    subsidy.payment_method = PaymentMethod.SUBSIDY
    subsidy.subsidy_programme = programme
    db.session.commit()
    assert (order_amounts(prepaid).total_fen, order_amounts(prepaid).due_fen) == (9999, 0)
    assert order_amounts(on_delivery).due_fen == 9999
    # 30 % of 99.99 is 30.00 (29.997 rounded to the fen); the household pays the rest.
    assert order_amounts(subsidy).subsidy_fen == 3000
    assert order_amounts(subsidy).due_fen == 6999


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_a_price_sheet_sets_the_outlets_prices(county):
    from supply_match.services.supply import price_import

    outlet, urea, seed = county["outlet"], county["urea"], county["seed"]
    sheet = _csv(f"产品,价格（元）\n{urea.code},140.5\n{seed.name},38\n")
    assert price_import.import_prices(outlet, "jiage.csv", sheet, None) == 2
    assert prices.current_prices(outlet.id)[urea.id].price_fen == 14050
    assert price_import.import_prices(outlet, "jiage.csv", sheet, None) == 0  # harmless again


def test_a_bad_price_sheet_names_each_cell_and_writes_nothing(county):
    from supply_match.services.documents.spreadsheets import SheetError
    from supply_match.services.supply import price_import

    outlet, urea, seed = county["outlet"], county["urea"], county["seed"]
    prices.set_guide_prices({seed.id: "30"}, None)
    sheet = _csv(f"产品,价格（元）\n{urea.code},-1\n{seed.code},38\n化肥X,10\n{urea.code},1.234\n")
    with pytest.raises(SheetError) as refused:
        price_import.import_prices(outlet, "jiage.csv", sheet, None)
    cells = {(e.row, e.column) for e in refused.value.errors}
    assert cells == {
        (2, "价格（元）"),
        (3, "价格（元）"),
        (4, "产品"),
        (5, "产品"),
        (5, "价格（元）"),
    }
    assert db.session.query(OutletPrice).count() == 0


def test_the_price_export_reads_back_as_an_import(county):
    from openpyxl import load_workbook

    from supply_match.services.supply import price_import

    outlet, urea = county["outlet"], county["urea"]
    prices.set_outlet_prices(outlet, {urea.id: "99.90"}, None)
    data = price_import.export_xlsx(outlet)
    rows = list(load_workbook(io.BytesIO(data)).active.values)
    assert rows[1][:2] == (urea.code, "99.90")
    assert price_import.import_prices(outlet, "back.xlsx", data, None) == 0
