"""Import sheets in either language: the templates carry English headings and notes for
an English reader, and an upload is read whichever language its headings are in."""

import io
import re

import pytest
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Household, Order, Stock, Volunteer
from supply_match.services.county import account_import, place_import, volunteer_import
from supply_match.services.documents import spreadsheets
from supply_match.services.documents.spreadsheets import SheetError
from supply_match.services.intake import households as household_import
from supply_match.services.intake import order_sheet
from supply_match.services.intake.order_import import import_orders
from supply_match.services.supply import outlet_import, price_import, stock_import
from tests import factories

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _xlsx(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheets(data: bytes) -> dict[str, list[list[object]]]:
    workbook = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


@pytest.fixture
def place(app):
    township = factories.township(name="郁山镇")
    village = factories.village(township=township, name="石嘴村", group_count=8)
    urea = factories.product(name="尿素", code="FZ-NS-50")
    outlet = factories.outlet(township=township, name="郁山门市")
    factories.stock(outlet, urea, 10)
    cadre = factories.user(role="cadre", villages=[village])
    db.session.commit()
    return dict(village=village, urea=urea, outlet=outlet, cadre=cadre)


# Every import: its template and the columns it reads.
IMPORTS = {
    "orders": (order_sheet.template_xlsx, order_sheet.ORDER_COLUMNS),
    "stock": (stock_import.template_xlsx, stock_import.STOCK_COLUMNS),
    "volunteers": (volunteer_import.template_xlsx, volunteer_import.VOLUNTEER_COLUMNS),
    "places": (place_import.template_xlsx, place_import.PLACE_COLUMNS),
    "accounts": (account_import.template_xlsx, account_import.CADRE_COLUMNS),
    "households": (household_import.template_xlsx, household_import.HOUSEHOLD_COLUMNS),
    "outlets": (outlet_import.template_xlsx, outlet_import.OUTLET_COLUMNS),
    "prices": (price_import.template_xlsx, price_import.PRICE_COLUMNS),
}


@pytest.mark.parametrize("template", [template for template, _ in IMPORTS.values()], ids=IMPORTS)
def test_an_english_template_has_no_chinese_but_its_example_data(app, template):
    with app.test_request_context(), force_locale("en"):
        english = _sheets(template())
    with app.test_request_context():
        chinese = _sheets(template())
    (data_name, data_rows), (notes_name, notes) = english.items()
    headers = data_rows[0]
    assert all(header and not HAN.search(header) for header in headers), headers
    assert not HAN.search(data_name + notes_name)
    assert all(not HAN.search(note) for (note,) in notes)
    # The Chinese template: same columns, Chinese headings.
    (_, chinese_rows), _notes = chinese.items()
    assert len(chinese_rows[0]) == len(headers)
    assert all(HAN.search(header) for header in chinese_rows[0])


def test_orders_import_from_english_headings_and_from_a_mix(place):
    english = ["Village*", "Group", "Head of household", "Mobile", "Product", "Quantity",
               "Deliver to", "Earliest date", "Latest date", "Priority"]  # fmt: skip
    rows = [["石嘴村", 3, "冉光明", "13896012345", "尿素", 2, "home", "2020-03-02", "2020-03-06",
             "yes"]]  # fmt: skip
    result = import_orders("orders.xlsx", _xlsx(english, rows), place["cadre"])
    db.session.commit()
    assert result.orders_created == 1
    order = db.session.scalar(select(Order).join(Household).where(Household.name == "冉光明"))
    assert order.priority == 1 and order.delivery_point == "home"
    mixed = ["村", "group", "户主姓名", "Mobile", "产品", "quantity", "最早送货日期", "Latest date"]
    rows = [["石嘴村", 4, "向中华", "15123456789", "尿素", 1, "2020-03-02", "2020-03-06"]]
    assert import_orders("mixed.xlsx", _xlsx(mixed, rows), place["cadre"]).orders_created == 1


def test_a_missing_column_is_named_in_the_readers_language(app, place):
    with app.test_request_context(), force_locale("en"), pytest.raises(SheetError) as raised:
        import_orders("orders.xlsx", _xlsx(["Village", "Group"], [["石嘴村", 3]]), place["cadre"])
    message = raised.value.errors[0].message
    assert "Head of household" in message and not HAN.search(message)


def test_stock_imports_from_english_headings(place):
    headers = ["Outlet", "Product", "Quantity in stock", "Note"]
    result = stock_import.import_stock(
        "stock.xlsx", _xlsx(headers, [["郁山门市", "尿素", 25, "counted"]]), place["cadre"]
    )
    db.session.commit()
    assert result.changed == 1
    assert (
        db.session.scalar(select(Stock.quantity).where(Stock.outlet_id == place["outlet"].id)) == 25
    )


def test_a_bad_cell_is_named_by_the_heading_the_file_uses(place):
    english = ["Village", "Group", "Head of household", "Mobile", "Product", "Quantity*",
               "Earliest date", "Latest date"]  # fmt: skip
    rows = [["石嘴村", 3, "冉光明", "13896012345", "尿素", 0, "2020-03-02", "2020-03-06"]]
    with pytest.raises(SheetError) as raised:
        import_orders("orders.xlsx", _xlsx(english, rows), place["cadre"])
    assert [(e.row, e.column) for e in raised.value.errors] == [(2, "Quantity")]


def test_exports_carry_headings_in_the_readers_language(app, place):
    from supply_match.services.documents.spreadsheets import write_xlsx
    from supply_match.services.intake.exports import ORDER_COLUMNS
    from supply_match.services.supply.figures import EXPORT_COLUMNS

    for columns in (ORDER_COLUMNS, EXPORT_COLUMNS):
        with app.test_request_context(), force_locale("en"):
            english = _sheets(write_xlsx(columns, [], "x"))["x"][0]
        with app.test_request_context():
            chinese = _sheets(write_xlsx(columns, [], "x"))["x"][0]
        assert all(not HAN.search(header) for header in english), english
        assert all(HAN.search(header) for header in chinese), chinese


@pytest.mark.parametrize(("template", "columns"), IMPORTS.values(), ids=IMPORTS)
def test_each_template_is_read_back_in_either_language(app, template, columns):
    """The template downloaded in English (or Chinese) is read by its own import: every
    column found under the heading the template wrote."""
    for locale in ("en", "zh_Hans_CN"):
        with app.test_request_context(), force_locale(locale):
            data = template()
        rows = spreadsheets.read_table("template.xlsx", data, columns)
        assert rows and set(rows[0].headers) == {column.key for column in columns}, locale


def test_volunteers_import_from_an_english_sheet_with_english_words(place):
    headers = ["Name", "Mobile", "Party branch", "Village code", "Vehicle type", "Plate",
               "Payload kg", "Shift starts", "Shift ends", "Duty days"]  # fmt: skip
    rows = [["冉建国", "13983512345", "石嘴村党支部", place["village"].code, "Light truck", "",
             800, "08:00", "17:00", "every day"]]  # fmt: skip
    result = volunteer_import.import_volunteers("volunteers.xlsx", _xlsx(headers, rows))
    db.session.commit()
    assert result.added == 1
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.mobile == "13983512345"))
    assert volunteer.vehicle_type == "light_truck" and volunteer.duty_days == 0b1111111
