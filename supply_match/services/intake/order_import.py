"""Bulk order intake from the sheet a cadre already keeps (.xlsx or .csv).

One row is one order line. Rows of the same household, delivery point, dates and time
window form one order. Every row is checked before anything is written; a file with any
error writes nothing, and the errors name their row and column. Orders that already exist
(same household, dates, delivery point and lines) are skipped, so importing the same file
twice creates nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supply_match.extensions import db
from supply_match.models import (
    DeliveryPoint,
    Household,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    Role,
    Township,
    User,
    Village,
)
from supply_match.services import scope
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, RowErrors
from supply_match.services.unit_of_work import use_case

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


@dataclass
class ImportResult:
    orders_created: int = 0
    lines_created: int = 0
    households_created: int = 0
    duplicates_skipped: int = 0
    rows: int = 0


@dataclass
class _PlannedOrder:
    first_row: int
    village: Village
    name: str
    mobile: str
    group_no: int
    point: DeliveryPoint
    field_lat: float | None
    field_lon: float | None
    wanted_from: date
    wanted_to: date
    window: tuple[time, time] | None
    priority: int
    note: str | None
    lines: dict[int, tuple[Product, Decimal, int]]  # product id -> product, quantity, row


def template_xlsx() -> bytes:
    """The blank order import sheet (.xlsx) with its headers, an example row and notes."""
    return sheets.template_xlsx(ORDER_COLUMNS, "订单", TEMPLATE_NOTES)


def _villages_for(user: User) -> list[Village]:
    statement = scope.villages_query(user).options(selectinload(Village.township))
    return list(db.session.scalars(statement))


def _product_index() -> dict[str, Product]:
    index: dict[str, Product] = {}
    for product in db.session.scalars(select(Product).where(Product.active.is_(True))):
        index[product.name] = product
        index[product.code.lower()] = product
    return index


def _coordinate(errors: RowErrors, row: sheets.Row, column: Column, low: float, high: float):
    value = row.values.get(column.key)
    if sheets.is_blank(value):
        errors.add(
            row.number, column.header, _("Required when the delivery point is 田间 (field).")
        )
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        errors.add(row.number, column.header, _('"%(value)s" is not a number.', value=value))
        return None
    if not low <= number <= high:
        errors.add(
            row.number,
            column.header,
            _("%(value)s is not between %(low)s and %(high)s.", value=number, low=low, high=high),
        )
        return None
    return number


def parse_orders(filename: str, data: bytes, user: User) -> list[_PlannedOrder]:
    """Check every row; raise ``SheetError`` with all problems, or return the orders."""
    rows = sheets.read_table(filename, data, ORDER_COLUMNS)
    errors = RowErrors()
    villages = _villages_for(user)
    by_name: dict[str, list[Village]] = defaultdict(list)
    for village in villages:
        by_name[village.name].append(village)
    all_township_names = set(db.session.scalars(select(Township.name)))
    products = _product_index()

    planned: dict[tuple, _PlannedOrder] = {}
    for row in rows:
        village = None
        village_name = sheets.check(errors, row, VILLAGE, sheets.text)
        township_name = row.values.get(TOWNSHIP.key)
        if village_name is not None:
            matches = by_name.get(village_name, [])
            if township_name:
                if str(township_name) not in all_township_names:
                    errors.add(
                        row.number,
                        TOWNSHIP.header,
                        _('There is no township "%(name)s".', name=township_name),
                    )
                matches = [v for v in matches if v.township.name == str(township_name)]
            if not matches:
                if user.role == Role.CADRE:
                    errors.add(
                        row.number,
                        VILLAGE.header,
                        _('"%(name)s" is not one of your villages.', name=village_name),
                    )
                else:
                    errors.add(
                        row.number,
                        VILLAGE.header,
                        _('There is no village "%(name)s".', name=village_name),
                    )
            elif len(matches) > 1:
                errors.add(
                    row.number,
                    VILLAGE.header,
                    _(
                        'Several villages are called "%(name)s": please fill in the township.',
                        name=village_name,
                    ),
                )
            else:
                village = matches[0]
        group_no = sheets.check(errors, row, GROUP, sheets.positive_int)
        if village is not None and group_no is not None and group_no > village.group_count:
            errors.add(
                row.number,
                GROUP.header,
                _(
                    "%(village)s has only %(count)s groups.",
                    village=village.name,
                    count=village.group_count,
                ),
            )
        name = sheets.check(errors, row, NAME, lambda v: sheets.text(v, 32))
        mobile = sheets.check(errors, row, MOBILE, sheets.mobile)
        product = None
        product_ref = sheets.check(errors, row, PRODUCT, sheets.text)
        if product_ref is not None:
            product = products.get(product_ref) or products.get(product_ref.lower())
            if product is None:
                errors.add(
                    row.number,
                    PRODUCT.header,
                    _(
                        '"%(product)s" is not in the catalogue: write a product name or code '
                        "from the catalogue.",
                        product=product_ref,
                    ),
                )
        quantity = sheets.check(errors, row, QUANTITY, sheets.positive_quantity)
        point_word = str(row.values.get(POINT.key) or "").strip()
        point = POINT_WORDS.get(point_word.lower() if point_word.isascii() else point_word)
        if point is None:
            errors.add(
                row.number,
                POINT.header,
                _(
                    '"%(value)s" should be 送到家 (home), 田间 (field) or 村集中点 (collection).',
                    value=point_word,
                ),
            )
        field_lat = field_lon = None
        if point == DeliveryPoint.FIELD:
            field_lat = _coordinate(errors, row, FIELD_LAT, 3.0, 54.0)
            field_lon = _coordinate(errors, row, FIELD_LON, 73.0, 136.0)
        wanted_from = sheets.check(errors, row, FROM, sheets.a_date)
        wanted_to = sheets.check(errors, row, TO, sheets.a_date)
        if wanted_from and wanted_to and wanted_to < wanted_from:
            errors.add(row.number, TO.header, _("The latest delivery date is before the earliest."))
        window = sheets.check(errors, row, WINDOW, sheets.time_range)
        priority_word = str(row.values.get(PRIORITY.key) or "").strip()
        priority = PRIORITY_WORDS.get(priority_word)
        if priority is None:
            if priority_word.isdigit() and int(priority_word) <= 9:
                priority = int(priority_word)
            else:
                errors.add(row.number, PRIORITY.header, _("Write 是 (yes) or leave it empty."))
        note = row.values.get(NOTE.key)
        note = str(note)[:200] if note is not None else None

        if None in (
            village,
            group_no,
            name,
            mobile,
            product,
            quantity,
            point,
            wanted_from,
            wanted_to,
            priority,
        ):
            continue
        if point == DeliveryPoint.FIELD and None in (field_lat, field_lon):
            continue
        key = (
            village.id,
            name,
            mobile,
            point,
            field_lat,
            field_lon,
            wanted_from,
            wanted_to,
            window,
        )
        order = planned.get(key)
        if order is None:
            order = planned[key] = _PlannedOrder(
                row.number,
                village,
                name,
                mobile,
                group_no,
                point,
                field_lat,
                field_lon,
                wanted_from,
                wanted_to,
                window,
                priority,
                note,
                {},
            )
        if product.id in order.lines:
            errors.add(
                row.number,
                PRODUCT.header,
                _(
                    "Repeats row %(row)s (same household, same order, same product).",
                    row=order.lines[product.id][2],
                ),
            )
            continue
        order.lines[product.id] = (product, quantity, row.number)
        order.priority = max(order.priority, priority)
    errors.raise_if_any()
    return list(planned.values())


def _line_signature(pairs) -> frozenset[tuple[int, Decimal]]:
    return frozenset((product_id, Decimal(quantity).normalize()) for product_id, quantity in pairs)


@use_case
def import_orders(filename: str, data: bytes, user: User) -> ImportResult:
    """Validate the whole file (.xlsx or .csv), then add its households and orders in one
    transaction; rows already imported are skipped. Raises ``sheets.SheetError``
    (unreadable file) or ``RowErrors`` (every bad cell) and then writes nothing."""
    planned = parse_orders(filename, data, user)
    result = ImportResult(rows=sum(len(order.lines) for order in planned))
    village_ids = {order.village.id for order in planned}
    households: dict[tuple[int, str, str], Household] = {
        (h.village_id, h.name, h.mobile): h
        for h in db.session.scalars(select(Household).where(Household.village_id.in_(village_ids)))
    }
    existing: set[tuple] = set()
    if households:
        statement = (
            select(Order)
            .where(
                Order.household_id.in_([h.id for h in households.values()]),
                Order.status != OrderStatus.CANCELLED,
            )
            .options(selectinload(Order.lines))
        )
        for order in db.session.scalars(statement):
            existing.add(
                _order_signature(
                    order.household_id,
                    order.delivery_point,
                    order.delivery_lat,
                    order.delivery_lon,
                    order.wanted_from,
                    order.wanted_to,
                    ((line.product_id, line.quantity) for line in order.lines),
                )
            )

    for plan in planned:
        household = households.get((plan.village.id, plan.name, plan.mobile))
        if household is None:
            # A new household starts at its village's point until the cadre sets its home.
            household = Household(
                village=plan.village,
                name=plan.name,
                mobile=plan.mobile,
                group_no=plan.group_no,
                lat=plan.village.lat,
                lon=plan.village.lon,
            )
            db.session.add(household)
            households[(plan.village.id, plan.name, plan.mobile)] = household
            result.households_created += 1
        else:
            signature = _order_signature(
                household.id,
                plan.point,
                plan.field_lat,
                plan.field_lon,
                plan.wanted_from,
                plan.wanted_to,
                ((p.id, q) for p, q, _row in plan.lines.values()),
            )
            if signature in existing:
                result.duplicates_skipped += 1
                continue
        order = Order(
            household=household,
            status=OrderStatus.SUBMITTED,
            delivery_point=plan.point,
            delivery_lat=plan.field_lat,
            delivery_lon=plan.field_lon,
            wanted_from=plan.wanted_from,
            wanted_to=plan.wanted_to,
            window_start=plan.window[0] if plan.window else None,
            window_end=plan.window[1] if plan.window else None,
            priority=plan.priority,
            note=plan.note,
            created_by=user,
        )
        for product, quantity, _row in plan.lines.values():
            order.lines.append(OrderLine(product=product, quantity=quantity))
        db.session.add(order)
        result.orders_created += 1
        result.lines_created += len(plan.lines)
    db.session.flush()
    return result


def _order_signature(household_id, point, lat, lon, wanted_from, wanted_to, lines) -> tuple:
    return (
        household_id,
        str(point),
        round(lat, 6) if lat is not None else None,
        round(lon, 6) if lon is not None else None,
        wanted_from,
        wanted_to,
        _line_signature(lines),
    )
