"""The order import sheet: its columns (Chinese headers and the aliases cadres write),
the words read for a delivery point and a priority, and the blank template."""

from __future__ import annotations

from supply_match.models import DeliveryPoint
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column

TOWNSHIP = Column("township", "乡镇", required=False, example="汉葭街道", width=12)
VILLAGE = Column("village", "村", example="石嘴村", width=12)
GROUP = Column("group", "组", example="3", width=6)
NAME = Column("name", "户主姓名", aliases=("姓名", "户主"), example="冉光明", width=10)
MOBILE = Column("mobile", "手机号", aliases=("手机", "电话"), example="13896012345", width=14)
PRODUCT = Column("product", "产品", aliases=("产品名称", "农资"), example="尿素（46%）", width=22)
QUANTITY = Column("quantity", "数量", example="2", width=8)
POINT = Column("point", "送货地点", required=False, example="送到家", width=12)
FIELD_LAT = Column("field_lat", "田间纬度", required=False, width=10)
FIELD_LON = Column("field_lon", "田间经度", required=False, width=10)
FROM = Column("wanted_from", "最早送货日期", aliases=("开始日期",), example="2020-03-02", width=14)
TO = Column("wanted_to", "最晚送货日期", aliases=("结束日期",), example="2020-03-06", width=14)
WINDOW = Column("window", "送货时段", required=False, example="08:00-12:00", width=14)
PRIORITY = Column("priority", "优先", required=False, example="", width=6)
NOTE = Column("note", "备注", required=False, width=20)

ORDER_COLUMNS = [
    TOWNSHIP,
    VILLAGE,
    GROUP,
    NAME,
    MOBILE,
    PRODUCT,
    QUANTITY,
    POINT,
    FIELD_LAT,
    FIELD_LON,
    FROM,
    TO,
    WINDOW,
    PRIORITY,
    NOTE,
]

POINT_WORDS = {
    "": DeliveryPoint.HOME,
    "送到家": DeliveryPoint.HOME,
    "家": DeliveryPoint.HOME,
    "到户": DeliveryPoint.HOME,
    "home": DeliveryPoint.HOME,
    "田间": DeliveryPoint.FIELD,
    "地头": DeliveryPoint.FIELD,
    "田间地头": DeliveryPoint.FIELD,
    "field": DeliveryPoint.FIELD,
    "村集中点": DeliveryPoint.COLLECTION,
    "集中点": DeliveryPoint.COLLECTION,
    "村委会": DeliveryPoint.COLLECTION,
    "collection": DeliveryPoint.COLLECTION,
}
# The word written for each delivery point (the exports use it): one the import reads.
POINT_NAMES = {
    DeliveryPoint.HOME: "送到家",
    DeliveryPoint.FIELD: "田间",
    DeliveryPoint.COLLECTION: "村集中点",
}
PRIORITY_WORDS = {"": 0, "否": 0, "是": 1, "优先": 1, "五保户": 1, "留守老人": 1}

TEMPLATE_NOTES = [
    "每行填写一种农资；同一农户、同一送货日期和地点的多行会合并为一张订单。",
    "带 * 的列必须填写：村、组、户主姓名、手机号（11 位）、产品（名称或编码）、数量（大于 0）、最早/最晚送货日期。",
    "送货地点填“送到家”“田间”或“村集中点”，不填即送到家；选“田间”时请填写田间纬度、经度（WGS-84，即手机 GPS 读数）。",
    "送货时段可不填，例如 08:00-12:00。优先列填“是”表示五保户、留守老人等优先保障。",
    "日期格式：2020-03-02。请不要使用公式；同一文件重复导入不会重复建单。",
]


def template_xlsx() -> bytes:
    """The blank order import sheet (.xlsx) with its headers, an example row and notes."""
    return sheets.template_xlsx(ORDER_COLUMNS, "订单", TEMPLATE_NOTES)
