"""The order sheet carries the payment way: read by its Chinese words, a subsidy naming
its programme, every bad cell named and nothing written."""

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Order, Role, SubsidyProgramme
from supply_match.services.documents.spreadsheets import SheetError
from supply_match.services.intake import order_import
from tests import factories

HEADER = "乡镇,村,组,户主姓名,手机号,产品,数量,最早送货日期,最晚送货日期,付款方式,补贴项目\n"


@pytest.fixture
def sheet_county(county):
    programme = SubsidyProgramme(name="有机肥替代化肥试点补贴", share_percent=50)
    db.session.add(programme)
    cadre = factories.user(Role.CADRE, villages=[county["village"]])
    db.session.commit()
    return dict(county, programme=programme, cadre=cadre)


def row(county, name, mobile, payment, programme=""):
    village = county["village"]
    return (
        f"{village.township.name},{village.name},1,{name},{mobile},{county['urea'].name},1,"
        f"2020-03-10,2020-03-12,{payment},{programme}\n"
    )


def test_the_sheet_sets_each_orders_payment_way(sheet_county):
    c = sheet_county
    data = (
        HEADER
        + row(c, "冉光明", "13896012345", "已付款")
        + row(c, "向小琴", "13896012346", "")
        + row(c, "田晓燕", "13896012347", "补贴", "有机肥替代化肥试点补贴")
    ).encode()
    result = order_import.import_orders("dingdan.csv", data, c["cadre"])
    assert result.orders_created == 3
    ways = {
        o.household.name: (o.payment_method, o.subsidy_programme_id)
        for o in db.session.scalars(select(Order))
    }
    assert ways == {
        "冉光明": ("prepaid", None),
        "向小琴": ("on_delivery", None),
        "田晓燕": ("subsidy", c["programme"].id),
    }


def test_bad_payment_cells_are_named_and_nothing_is_written(sheet_county):
    c = sheet_county
    data = (
        HEADER
        + row(c, "冉光明", "13896012345", "赊账")
        + row(c, "向小琴", "13896012346", "补贴")
        + row(c, "田晓燕", "13896012347", "补贴", "没有的项目")
        + row(c, "彭志刚", "13896012348", "已付款", "有机肥替代化肥试点补贴")
    ).encode()
    with pytest.raises(SheetError) as refused:
        order_import.import_orders("dingdan.csv", data, c["cadre"])
    cells = {(e.row, e.column) for e in refused.value.errors}
    assert cells == {(2, "付款方式"), (3, "补贴项目"), (4, "补贴项目"), (5, "补贴项目")}
    assert db.session.scalars(select(Order)).all() == []


def test_the_template_has_the_payment_columns(app):
    from io import BytesIO

    from openpyxl import load_workbook

    headers = [
        cell.value for cell in load_workbook(BytesIO(order_import.template_xlsx())).active[1]
    ]
    assert "付款方式" in headers and "补贴项目" in headers
