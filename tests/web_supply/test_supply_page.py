"""The dispatcher's supply-and-demand page: figures, filters, chart, export, matching."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from supply_match.extensions import db
from supply_match.models import Order, OrderLine, OrderStatus
from supply_match.services.supply.figures import supply_report
from tests import factories


@pytest.fixture
def supply_case(county_people):
    """Urea is in stock for the order of village A; nobody holds the seed village B wants."""
    urea = factories.product(name="尿素", code="UREA", unit="袋")
    seed = factories.product(name="玉米种", code="SEED", category="seed", unit="包")
    outlet = factories.outlet(township=county_people.village_a.township, name="保家网点")
    factories.stock(outlet, urea, 10)
    urea_order = factories.order(household=county_people.household_a, lines=[(urea, 4)])
    seed_order = factories.order(household=county_people.household_b, lines=[(seed, 3)])
    db.session.commit()
    return dict(urea=urea, seed=seed, outlet=outlet, urea_order=urea_order, seed_order=seed_order)


def _cells(page: str, product: str) -> dict[str, Decimal]:
    row = re.search(rf'<tr data-product="{re.escape(product)}".*?</tr>', page, re.S).group(0)
    return {
        col: Decimal(value.replace(",", ""))
        for col, value in re.findall(r'data-col="(\w+)">([\d,.]+)<', row)
    }


def _status(order_id):
    db.session.expire_all()
    return db.session.get(Order, order_id).status


def test_page_figures_match_the_supply_report(client, auth, supply_case):
    auth.login("dispatcher")
    response = client.get("/supply")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for product in supply_report().products:
        cells = _cells(page, product.name)
        assert cells["ordered"] == product.total.ordered
        assert cells["allocated"] == product.total.allocated
        assert cells["stock"] == product.total.stock
        assert cells["available"] == product.total.available
        assert cells["shortfall"] == product.shortfall
    assert _cells(page, "玉米种")["shortfall"] == Decimal(3)
    # The chart has a bar pair per product.
    assert page.count('data-bar="ordered"') == len(supply_report().products)
    assert "<svg" in page


def test_category_filter_leaves_other_products_out(client, auth, supply_case):
    auth.login("dispatcher")
    page = client.get("/supply?category=seed").get_data(as_text=True)
    assert 'data-product="玉米种"' in page
    assert 'data-product="尿素"' not in page


def test_bad_date_is_a_clear_error_not_a_crash(client, auth, supply_case):
    auth.login("dispatcher")
    response = client.get("/supply?date_from=2020-13-45&township=abc")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'data-error="date_from"' in page and "2020-03-02" in page
    assert 'data-error="township"' in page


def test_export_holds_the_filtered_rows(client, auth, supply_case):
    auth.login("dispatcher")
    response = client.get("/supply/export.xlsx?category=seed")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "产品"
    products = {row[0] for row in rows[1:]}
    assert products == {"玉米种"}
    total = next(row for row in rows[1:] if row[3] == "合计")
    assert (total[4], total[7], total[10]) == (3, 0, 3)


def test_matching_button_allocates_then_changes_nothing(client, auth, supply_case):
    auth.login("dispatcher")
    first = client.post("/supply/match")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert 'data-match-result="changed"' in page
    assert _status(supply_case["urea_order"].id) == OrderStatus.ALLOCATED
    assert _status(supply_case["seed_order"].id) == OrderStatus.SUBMITTED
    assert "玉米种" in re.search(r'data-table="match-shortfalls".*?</table>', page, re.S).group(0)

    second = client.post("/supply/match").get_data(as_text=True)
    assert 'data-match-result="unchanged"' in second and "data-nothing-changed" in second
    assert _status(supply_case["urea_order"].id) == OrderStatus.ALLOCATED
    assert _status(supply_case["seed_order"].id) == OrderStatus.SUBMITTED


def test_empty_county_says_what_to_do(client, auth, county_people):
    db.session.execute(db.delete(OrderLine))
    db.session.execute(db.delete(Order))
    db.session.commit()
    auth.login("dispatcher")
    page = client.get("/supply").get_data(as_text=True)
    assert 'class="empty"' in page


@pytest.mark.parametrize("path", ["/supply", "/supply/export.xlsx"])
def test_cadres_may_not_open_the_supply_page(client, auth, county_people, path):
    auth.login("cadre_a")
    assert client.get(path).status_code == 403
    assert client.post("/supply/match").status_code == 403


def test_total_weight_adds_every_products_kilograms(client, auth, supply_case):
    auth.login("dispatcher")
    page = client.get("/supply").get_data(as_text=True)
    footer = re.search(r"<tr data-totals>.*?</tr>", page, re.S).group(0)
    report = supply_report()
    stock_kg = sum(p.total.stock * p.unit_weight_kg for p in report.products)
    assert stock_kg == 500  # ten 50 kg bags of urea
    assert 'data-col="stock">500 kg<' in footer
