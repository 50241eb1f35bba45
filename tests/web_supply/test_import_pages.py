"""Order and stock imports through their pages: errors by row and column, nothing written
on any error, a summary on success, a friendly page for a file that is too big."""

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import Household, Order, Stock, StockChange
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.intake import order_import
from supply_match.services.supply import stock_import
from tests import factories


def _xlsx(headers, rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


ORDER_HEADERS = [c.header for c in order_import.ORDER_COLUMNS]


def _order_row(village, product, **values):
    row = {c.key: None for c in order_import.ORDER_COLUMNS}
    row.update(
        township=village.township.name, village=village.name, group="2", name="冉光明",
        mobile="13896012345", product=product.name, quantity="2",
        wanted_from="2020-03-02", wanted_to="2020-03-06",
    )  # fmt: skip
    row.update(values)
    return [row[c.key] for c in order_import.ORDER_COLUMNS]


def test_order_template_downloads_with_the_columns(client, auth, county_people):
    auth.login("cadre_a")
    response = client.get("/imports/orders/template.xlsx")
    assert response.status_code == 200
    header = next(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [h.rstrip("*") for h in header] == ORDER_HEADERS


def test_cadre_imports_orders_and_sees_the_summary(client, auth, county_people):
    product = factories.product(name="尿素")
    db.session.commit()
    village = county_people.village_a
    rows = [
        _order_row(village, product),
        _order_row(village, product, name="何二", mobile="13896012346"),
    ]
    auth.login("cadre_a")
    before = _count(Order)
    response = client.post(
        "/imports/orders", data={"file": (_xlsx(ORDER_HEADERS, rows), "订单.xlsx")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-figure="orders-created">2<' in page
    assert 'data-figure="households-created">2<' in page
    assert _count(Order) == before + 2
    again = client.post(
        "/imports/orders", data={"file": (_xlsx(ORDER_HEADERS, rows), "订单.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)  # fmt: skip
    assert 'data-figure="duplicates-skipped">2<' in again
    assert _count(Order) == before + 2


def test_order_import_with_a_bad_row_writes_nothing(client, auth, county_people):
    product = factories.product(name="尿素")
    db.session.commit()
    village = county_people.village_a
    rows = [
        _order_row(village, product),
        _order_row(village, product, name="何二", mobile="12345"),
        _order_row(county_people.village_b, product, name="外村人", mobile="13896012349"),
    ]
    auth.login("cadre_a")
    households, orders = _count(Household), _count(Order)
    response = client.post(
        "/imports/orders", data={"file": (_xlsx(ORDER_HEADERS, rows), "订单.xlsx")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-error-row="3" data-error-column="手机号"' in page
    assert 'data-error-row="4"' in page
    assert (_count(Household), _count(Order)) == (households, orders)


def test_stock_import_with_a_bad_row_writes_nothing(client, auth, county_people):
    outlet = factories.outlet(name="甲网点", township=county_people.village_a.township)
    product = factories.product(name="钾肥")
    db.session.commit()
    headers = [c.header for c in stock_import.STOCK_COLUMNS]
    rows = [["甲网点", "钾肥", "40", "盘点"], ["乙网点", "钾肥", "-3", None]]
    auth.login("dispatcher")
    response = client.post(
        "/imports/stock", data={"file": (_xlsx(headers, rows), "库存.xlsx")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-error-row="3" data-error-column="网点"' in page
    assert 'data-error-row="3" data-error-column="库存数量"' in page
    assert _count(Stock) == 0 and _count(StockChange) == 0

    response = client.post(
        "/imports/stock", data={"file": (_xlsx(headers, rows[:1]), "库存.xlsx")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 200
    assert 'data-figure="created">1<' in response.get_data(as_text=True)
    change = db.session.scalar(select(StockChange))
    assert change.quantity_after == 40 and change.user_id == county_people.dispatcher.id
    assert outlet.id and product.id


def test_upload_without_a_file_asks_for_one(client, auth, county_people):
    auth.login("cadre_a")
    response = client.post("/imports/orders", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'data-error="file"' in response.get_data(as_text=True)


def test_too_large_upload_gets_a_friendly_413_page(client, auth, county_people):
    auth.login("cadre_a")
    big = io.BytesIO(b"x" * (sheets.MAX_UPLOAD_BYTES + 100 * 1024))
    response = client.post(
        "/imports/orders", data={"file": (big, "big.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert 'data-error-page="413"' in page and "MB" in page


def test_the_import_page_links_the_orders_of_seed_and_pesticide_for_one_day(
    client, auth, county_people
):
    seed = factories.product(name="玉米种子", category="seed", unit_weight_kg=1)
    pesticide = factories.product(name="吡虫啉", category="pesticide", hazard_class="low_toxicity")
    db.session.commit()
    village = county_people.village_a
    one_day = {"wanted_from": "2020-03-20", "wanted_to": "2020-03-20"}
    rows = [_order_row(village, seed, **one_day), _order_row(village, pesticide, **one_day)]
    auth.login("cadre_a")
    page = client.post(
        "/imports/orders", data={"file": (_xlsx(ORDER_HEADERS, rows), "订单.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)  # fmt: skip
    order = db.session.scalar(select(Order).order_by(Order.id.desc()))
    assert "data-two-visit-orders" in page
    assert f'href="/orders/{order.id}"' in page
    # Over two days: nothing to warn of.
    rows = [
        _order_row(village, seed, name="何二", mobile="13896012346"),
        _order_row(village, pesticide, name="何二", mobile="13896012346"),
    ]
    page = client.post(
        "/imports/orders", data={"file": (_xlsx(ORDER_HEADERS, rows), "订单.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)  # fmt: skip
    assert 'data-figure="orders-created">1<' in page
    assert "data-two-visit-orders" not in page
