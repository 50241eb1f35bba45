"""Bulk order import: everything or nothing, errors by row and column, no duplicates."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import Household, Order, OrderLine
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import SheetError
from supply_match.services.intake.order_import import ORDER_COLUMNS, import_orders, template_xlsx
from tests import factories

HEADERS = [
    "乡镇",
    "村",
    "组",
    "户主姓名",
    "手机号",
    "产品",
    "数量",
    "送货地点",
    "田间纬度",
    "田间经度",
    "最早送货日期",
    "最晚送货日期",
    "送货时段",
    "优先",
    "备注",
]


@pytest.fixture
def place(app):
    township = factories.township(name="郁山镇", code="500243102")
    village = factories.village(
        township=township, name="石嘴村", code="500243102201", group_count=8
    )
    other = factories.village(township=township, name="大河村", code="500243102202")
    urea = factories.product(name="尿素", code="FZ-NS-50")
    seed = factories.product(name="玉米种子", code="ZZ-YM-1", category="seed", unit_weight_kg=1)
    cadre = factories.user(role="cadre", villages=[village], username="cadre1")
    db.session.commit()
    return dict(township=township, village=village, other=other, urea=urea, seed=seed, cadre=cadre)


def row(**overrides):
    values = {
        "乡镇": "郁山镇",
        "村": "石嘴村",
        "组": 3,
        "户主姓名": "冉光明",
        "手机号": "13896012345",
        "产品": "尿素",
        "数量": 2,
        "送货地点": "送到家",
        "田间纬度": None,
        "田间经度": None,
        "最早送货日期": "2020-03-02",
        "最晚送货日期": "2020-03-06",
        "送货时段": "08:00-12:00",
        "优先": None,
        "备注": None,
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]


def xlsx(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8") -> bytes:
    lines = [",".join(HEADERS)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_rows_of_one_household_and_date_become_one_order_with_lines(place):
    data = xlsx([row(), row(产品="玉米种子", 数量=3), row(户主姓名="向中华", 手机号="15123456789")])

    result = import_orders("订单.xlsx", data, place["cadre"])
    db.session.commit()

    assert (result.orders_created, result.lines_created, result.households_created) == (2, 3, 2)
    order = db.session.scalar(select(Order).join(Household).where(Household.name == "冉光明"))
    assert sorted((line.product.name, line.quantity) for line in order.lines) == [
        ("尿素", Decimal(2)),
        ("玉米种子", Decimal(3)),
    ]
    assert order.window_start.hour == 8 and order.window_end.hour == 12
    assert order.created_by_id == place["cadre"].id


def test_a_csv_saved_by_chinese_excel_in_gbk_imports(place):
    result = import_orders("订单.csv", csv_bytes([row()], encoding="gbk"), place["cadre"])
    assert result.orders_created == 1


def test_importing_the_same_file_twice_creates_nothing_the_second_time(place):
    data = xlsx([row(), row(产品="玉米种子"), row(户主姓名="向中华", 手机号="15123456789")])
    import_orders("a.xlsx", data, place["cadre"])
    db.session.commit()
    before = (count(Order), count(OrderLine), count(Household))

    second = import_orders("a.xlsx", data, place["cadre"])
    db.session.commit()

    assert second.orders_created == 0
    assert second.duplicates_skipped == 2
    assert (count(Order), count(OrderLine), count(Household)) == before


def test_one_bad_row_writes_nothing_and_every_error_names_row_and_column(place):
    data = xlsx(
        [
            row(),
            row(户主姓名="田大山", 手机号="1389601234"),  # row 3: 10 digits
            row(户主姓名="杨二妹", 手机号="13896012346", 产品="百草枯"),  # row 4: not in catalogue
            row(户主姓名="龙三", 手机号="13896012347", 数量=0),  # row 5
            row(户主姓名="石四", 手机号="13896012348", 村="大河村"),  # row 6: not this cadre's
            row(产品="尿素", 数量=5),  # row 7: duplicates row 2
        ]
    )

    with pytest.raises(SheetError) as caught:
        import_orders("订单.xlsx", data, place["cadre"])

    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {(3, "手机号"), (4, "产品"), (5, "数量"), (6, "村"), (7, "产品")}
    messages = " ".join(str(e) for e in caught.value.errors)
    assert "第 3 行" in messages and "11 位" in messages
    assert "不是您负责的村" in messages
    assert "与第 2 行重复" in messages
    db.session.rollback()
    assert count(Order) == 0 and count(Household) == 0


def test_wrong_headers_are_rejected_naming_the_missing_columns(place):
    data = xlsx([["石嘴村", "冉光明"]], headers=["村庄", "名字"])
    with pytest.raises(SheetError, match="表头缺少列") as caught:
        import_orders("x.xlsx", data, place["cadre"])
    assert "户主姓名" in str(caught.value.errors[0])


def test_a_formula_in_a_cell_is_rejected(place):
    data = xlsx([row(数量="=1+1")])
    with pytest.raises(SheetError) as caught:
        import_orders("x.xlsx", data, place["cadre"])
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "数量")]
    assert "公式" in str(caught.value.errors[0])


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("x.csv", "村,组\n".encode("utf-16"), "二进制"),
        ("x.csv", b"\xff\xfe\xfa\x80\x81\xfe", "编码"),
        ("x.xlsx", b"PK\x03\x04 not really a zip", "无法打开"),
        ("x.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("x.pdf", b"%PDF-1.4", ".xlsx 或 .csv"),
        ("x.csv", b"", "空"),
    ],
)
def test_broken_files_are_rejected_cleanly(place, filename, data, message):
    with pytest.raises(SheetError, match=message):
        import_orders(filename, data, place["cadre"])
    assert count(Order) == 0


def test_a_huge_file_is_rejected_before_it_is_read(place):
    data = b"x" * (6 * 1024 * 1024)
    with pytest.raises(SheetError, match="文件太大"):
        import_orders("big.csv", data, place["cadre"])


def test_a_field_delivery_needs_its_coordinates(place):
    data = xlsx([row(送货地点="田间")])
    with pytest.raises(SheetError) as caught:
        import_orders("x.xlsx", data, place["cadre"])
    assert {e.column for e in caught.value.errors} == {"田间纬度", "田间经度"}

    ok = import_orders(
        "y.xlsx", xlsx([row(送货地点="田间", 田间纬度=29.51, 田间经度=108.33)]), place["cadre"]
    )
    assert ok.orders_created == 1
    order = db.session.scalar(select(Order))
    assert (order.delivery_point, order.delivery_lat) == ("field", 29.51)


def test_a_dispatcher_may_import_for_any_village(place):
    dispatcher = factories.user(role="dispatcher")
    result = import_orders("x.xlsx", xlsx([row(村="大河村", 组=1)]), dispatcher)
    assert result.orders_created == 1


def test_the_template_has_the_chinese_headers_the_importer_reads(place):
    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["乡镇", "村*", "组*"]
    assert len(headers) == len(ORDER_COLUMNS)
    # The importer reads the template's starred headers and its example row.
    rows = sheets.read_table("template.xlsx", template_xlsx(), ORDER_COLUMNS)
    assert rows[0].values["village"] == "石嘴村"
    assert rows[0].number == 2


def test_an_exported_orders_sheet_reads_back_with_the_same_delivery_points(place):
    """The export writes each delivery point in a word the import reads: importing the
    exported rows again finds the very same orders (skipped as already imported)."""
    from supply_match.services.intake import exports
    from supply_match.services.intake.listing import ListFilters

    first = [
        row(送货地点="送到家"),
        row(户主姓名="向中华", 手机号="15123456789", 送货地点="田间",
            田间纬度=29.3401, 田间经度=108.2552, 送货时段=None),
        row(户主姓名="白秀英", 手机号="13512345678", 送货地点="村集中点"),
    ]  # fmt: skip
    assert import_orders("订单.xlsx", xlsx(first), place["cadre"]).orders_created == 3

    exported = exports.order_rows(place["cadre"], ListFilters())
    header = [column.header for column in exports.ORDER_COLUMNS]
    points = {order.delivery_point for order in db.session.scalars(select(Order))}
    assert points == {"home", "field", "collection"}
    again = []
    for cells in exported:
        values = dict(zip(header, cells, strict=True))
        order = db.session.get(Order, values["订单号"])
        again.append(
            row(户主姓名=values["户主姓名"], 手机号=values["手机号"], 产品=values["产品"],
                数量=values["数量"], 送货地点=values["送货地点"],
                田间纬度=order.delivery_lat, 田间经度=order.delivery_lon,
                最早送货日期=values["最早送货日期"], 最晚送货日期=values["最晚送货日期"])
        )  # fmt: skip

    result = import_orders("导出.xlsx", xlsx(again), place["cadre"])
    assert (result.orders_created, result.duplicates_skipped) == (0, 3)


def test_the_import_names_the_orders_whose_household_is_visited_twice_on_their_one_day(
    place,
):
    factories.product(
        name="吡虫啉", code="NY-BCL-1", category="pesticide", hazard_class="low_toxicity"
    )
    db.session.commit()
    one_day = {"最早送货日期": "2020-03-20", "最晚送货日期": "2020-03-20"}
    data = xlsx(
        [
            # Seed and pesticide on one day only: two visits.
            row(产品="玉米种子", **one_day),
            row(产品="吡虫啉", **one_day),
            # The same over two days, and seed with fertilizer on one day: one visit a day.
            row(户主姓名="向中华", 手机号="15123456789", 产品="玉米种子"),
            row(户主姓名="向中华", 手机号="15123456789", 产品="吡虫啉"),
            row(户主姓名="田茂林", 手机号="15123456788", 产品="玉米种子", **one_day),
            row(户主姓名="田茂林", 手机号="15123456788", 产品="尿素", **one_day),
        ]
    )
    result = import_orders("订单.xlsx", data, place["cadre"])
    db.session.commit()
    twice = db.session.scalar(select(Order).join(Household).where(Household.name == "冉光明"))
    assert result.orders_created == 3
    assert result.two_visit_order_ids == [twice.id]
