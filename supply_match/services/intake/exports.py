"""The orders and households lists as .xlsx workbooks: the same filters as the pages
(``listing``), one row per order line, headers and words in Chinese as the county writes
them. A delivery point is written in the import's own word, so an exported sheet's
points read back in (``order_sheet.POINT_WORDS``)."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from supply_match.extensions import db
from supply_match.models import Household, Order, OrderLine, User, Village
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.intake.listing import ListFilters, filtered_households, filtered_orders
from supply_match.services.intake.order_sheet import POINT_NAMES

ORDER_COLUMNS = [
    sheets.Column("id", "订单号", width=8),
    sheets.Column("township", "乡镇", width=12),
    sheets.Column("village", "村", width=12),
    sheets.Column("group", "组", width=5),
    sheets.Column("name", "户主姓名", width=10),
    sheets.Column("mobile", "手机号", width=14),
    sheets.Column("status", "状态", width=8),
    sheets.Column("product", "产品", width=22),
    sheets.Column("quantity", "数量", width=8),
    sheets.Column("unit", "单位", width=6),
    sheets.Column("point", "送货地点", width=12),
    sheets.Column("wanted_from", "最早送货日期", width=14),
    sheets.Column("wanted_to", "最晚送货日期", width=14),
    sheets.Column("priority", "优先", width=6),
    sheets.Column("note", "备注", width=20),
]

HOUSEHOLD_COLUMNS = [
    sheets.Column("township", "乡镇", width=12),
    sheets.Column("village", "村", width=12),
    sheets.Column("group", "组", width=5),
    sheets.Column("name", "户主姓名", width=10),
    sheets.Column("mobile", "手机号", width=14),
    sheets.Column("lat", "纬度", width=10),
    sheets.Column("lon", "经度", width=10),
]

STATUS_NAMES = {
    "submitted": "已提交",
    "allocated": "已分配",
    "scheduled": "已排车",
    "delivered": "已送达",
    "failed": "送货失败",
    "cancelled": "已取消",
}


def order_rows(user: User, filters: ListFilters) -> list[list[object]]:
    """One row per line of each order ``user`` may see under ``filters`` (quantities in
    the product's unit), in ``ORDER_COLUMNS`` order."""
    query = filtered_orders(user, filters).options(
        selectinload(Order.lines).selectinload(OrderLine.product),
        selectinload(Order.household)
        .selectinload(Household.village)
        .selectinload(Village.township),
    )
    rows = []
    for order in db.session.scalars(query):
        household = order.household
        for line in order.lines:
            rows.append(
                [order.id, household.village.township.name, household.village.name,
                 household.group_no, household.name, household.mobile,
                 STATUS_NAMES.get(order.status, order.status), line.product.name, line.quantity,
                 line.product.unit, POINT_NAMES.get(order.delivery_point, order.delivery_point),
                 order.wanted_from.isoformat(), order.wanted_to.isoformat(),
                 "是" if order.priority else "", order.note or ""]
            )  # fmt: skip
    return rows


def household_rows(user: User, filters: ListFilters) -> list[list[object]]:
    """One row per household ``user`` may see under ``filters`` (WGS-84 lat, lon)."""
    query = filtered_households(user, filters).options(
        selectinload(Household.village).selectinload(Village.township)
    )
    return [
        [h.village.township.name, h.village.name, h.group_no, h.name, h.mobile, h.lat, h.lon]
        for h in db.session.scalars(query)
    ]


def orders_xlsx(user: User, filters: ListFilters) -> bytes:
    """The orders export as an .xlsx workbook (sheet 订单)."""
    return sheets.write_xlsx(ORDER_COLUMNS, order_rows(user, filters), "订单")


def households_xlsx(user: User, filters: ListFilters) -> bytes:
    """The households export as an .xlsx workbook (sheet 农户)."""
    return sheets.write_xlsx(HOUSEHOLD_COLUMNS, household_rows(user, filters), "农户")
