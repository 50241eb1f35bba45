"""The order import sheet: its columns (Chinese headers and the aliases cadres write),
the words read for a delivery point and a priority, and the blank template."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from supply_match.models import DeliveryPoint
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column

TOWNSHIP = Column(
    "township", "乡镇", required=False, example="汉葭街道", width=12, english="Township"
)
VILLAGE = Column("village", "村", example="石嘴村", width=12, english="Village")
GROUP = Column("group", "组", example="3", width=6, english="Group")
NAME = Column(
    "name",
    "户主姓名",
    aliases=("姓名", "户主"),
    example="冉光明",
    width=10,
    english="Head of household",
)
MOBILE = Column(
    "mobile", "手机号", aliases=("手机", "电话"), example="13896012345", width=14, english="Mobile"
)
PRODUCT = Column(
    "product",
    "产品",
    aliases=("产品名称", "农资"),
    example="尿素（46%）",
    width=22,
    english="Product",
)
QUANTITY = Column("quantity", "数量", example="2", width=8, english="Quantity")
POINT = Column(
    "point", "送货地点", required=False, example="送到家", width=12, english="Deliver to",
    english_example="home",
)  # fmt: skip
FIELD_LAT = Column("field_lat", "田间纬度", required=False, width=10, english="Field latitude")
FIELD_LON = Column("field_lon", "田间经度", required=False, width=10, english="Field longitude")
FROM = Column(
    "wanted_from", "最早送货日期", aliases=("开始日期",), example="2020-03-02", width=14,
    english="Earliest date",
)  # fmt: skip
TO = Column(
    "wanted_to", "最晚送货日期", aliases=("结束日期",), example="2020-03-06", width=14,
    english="Latest date",
)  # fmt: skip
WINDOW = Column(
    "window", "送货时段", required=False, example="08:00-12:00", width=14, english="Time of day"
)
PRIORITY = Column("priority", "优先", required=False, example="", width=6, english="Priority")
NOTE = Column("note", "备注", required=False, width=20, english="Note")
PAYMENT = Column(
    "payment", "付款方式", aliases=("付款",), required=False, example="货到付款", width=10,
    english="Payment", english_example="on delivery",
)  # fmt: skip
PROGRAMME = Column(
    "programme", "补贴项目", required=False, example="", width=20, english="Subsidy programme"
)

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
    PAYMENT,
    PROGRAMME,
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
PRIORITY_WORDS = {
    "": 0, "否": 0, "是": 1, "优先": 1, "五保户": 1, "留守老人": 1, "no": 0, "yes": 1,
}  # fmt: skip

TEMPLATE_NOTES = [
    _l(
        "One product per row; rows of the same household with the same dates and delivery "
        "point become one order."
    ),
    _l(
        "Columns marked * must be filled in: village, group, head of household, mobile "
        "(11 digits), product (name or code), quantity (above 0), earliest and latest date."
    ),
    _l(
        'Deliver to: write "home", "field" or "collection"; empty means home. For a field, '
        "give its latitude and longitude (WGS-84, as a phone's GPS reads them)."
    ),
    _l(
        'The time of day may stay empty, e.g. 08:00-12:00. Write "yes" under priority for '
        "households with no one to help them."
    ),
    _l(
        "Dates as 2020-03-02. Please use no formulas; importing the same file again makes no "
        "second order."
    ),
    _l(
        'Payment: "on delivery", "paid" or "subsidy"; empty means on delivery. For a subsidy, '
        "write the programme's name as the county published it."
    ),
]


def template_xlsx() -> bytes:
    """The blank order import sheet (.xlsx) with its headers, an example row and notes."""
    return sheets.template_xlsx(ORDER_COLUMNS, _("Orders"), TEMPLATE_NOTES)
