"""Reading an order sheet: every row checked, every problem named by row and column, the
rows grouped into the orders they make. Nothing is written here (``order_import``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supply_match.extensions import db
from supply_match.models import DeliveryPoint, Product, Role, Township, User, Village
from supply_match.services import scope
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, RowErrors
from supply_match.services.intake.order_sheet import (
    FIELD_LAT,
    FIELD_LON,
    FROM,
    GROUP,
    MOBILE,
    NAME,
    NOTE,
    ORDER_COLUMNS,
    POINT,
    POINT_WORDS,
    PRIORITY,
    PRIORITY_WORDS,
    PRODUCT,
    QUANTITY,
    TO,
    TOWNSHIP,
    VILLAGE,
    WINDOW,
)


@dataclass
class PlannedOrder:
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


@dataclass
class _Lookups:
    """What every row is checked against, loaded once per file."""

    user: User
    villages_by_name: dict[str, list[Village]]
    township_names: set[str]
    products: dict[str, Product]


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


def parse_orders(filename: str, data: bytes, user: User) -> list[PlannedOrder]:
    """Check every row of an order sheet (.xlsx or .csv) against ``user``'s villages and
    the catalogue; raise ``SheetError`` with all problems, or return the orders."""
    rows = sheets.read_table(filename, data, ORDER_COLUMNS)
    errors = RowErrors()
    by_name: dict[str, list[Village]] = defaultdict(list)
    for village in _villages_for(user):
        by_name[village.name].append(village)
    lookups = _Lookups(
        user=user,
        villages_by_name=by_name,
        township_names=set(db.session.scalars(select(Township.name))),
        products=_product_index(),
    )
    planned: dict[tuple, PlannedOrder] = {}
    for row in rows:
        read = _read_row(errors, row, lookups)
        if read is not None:
            _add_line(errors, planned, row, *read)
    errors.raise_if_any()
    return list(planned.values())


def _read_row(errors: RowErrors, row: sheets.Row, lookups: _Lookups):
    """The row's order (without lines), product and quantity; None when any cell is bad
    (each bad cell is named in ``errors``)."""
    village = _village_of(errors, row, lookups)
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
    product = _product_of(errors, row, lookups.products)
    quantity = sheets.check(errors, row, QUANTITY, sheets.positive_quantity)
    point, field_lat, field_lon = _point_of(errors, row)
    wanted_from = sheets.check(errors, row, FROM, sheets.a_date)
    wanted_to = sheets.check(errors, row, TO, sheets.a_date)
    if wanted_from and wanted_to and wanted_to < wanted_from:
        errors.add(row.number, TO.header, _("The latest delivery date is before the earliest."))
    window = sheets.check(errors, row, WINDOW, sheets.time_range)
    priority = _priority_of(errors, row)
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
        return None
    if point == DeliveryPoint.FIELD and None in (field_lat, field_lon):
        return None
    order = PlannedOrder(
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
    return order, product, quantity


def _add_line(
    errors: RowErrors,
    planned: dict[tuple, PlannedOrder],
    row: sheets.Row,
    read: PlannedOrder,
    product: Product,
    quantity: Decimal,
) -> None:
    """Rows of one household, point, dates and window make one order, one line a row."""
    key = (
        read.village.id,
        read.name,
        read.mobile,
        read.point,
        read.field_lat,
        read.field_lon,
        read.wanted_from,
        read.wanted_to,
        read.window,
    )
    order = planned.setdefault(key, read)
    if product.id in order.lines:
        errors.add(
            row.number,
            PRODUCT.header,
            _(
                "Repeats row %(row)s (same household, same order, same product).",
                row=order.lines[product.id][2],
            ),
        )
        return
    order.lines[product.id] = (product, quantity, row.number)
    order.priority = max(order.priority, read.priority)


def _village_of(errors: RowErrors, row: sheets.Row, lookups: _Lookups) -> Village | None:
    village_name = sheets.check(errors, row, VILLAGE, sheets.text)
    if village_name is None:
        return None
    township_name = row.values.get(TOWNSHIP.key)
    matches = lookups.villages_by_name.get(village_name, [])
    if township_name:
        if str(township_name) not in lookups.township_names:
            errors.add(
                row.number,
                TOWNSHIP.header,
                _('There is no township "%(name)s".', name=township_name),
            )
        matches = [v for v in matches if v.township.name == str(township_name)]
    if not matches:
        if lookups.user.role == Role.CADRE:
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
        return None
    if len(matches) > 1:
        errors.add(
            row.number,
            VILLAGE.header,
            _(
                'Several villages are called "%(name)s": please fill in the township.',
                name=village_name,
            ),
        )
        return None
    return matches[0]


def _product_of(errors: RowErrors, row: sheets.Row, products: dict[str, Product]):
    product_ref = sheets.check(errors, row, PRODUCT, sheets.text)
    if product_ref is None:
        return None
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
    return product


def _point_of(errors: RowErrors, row: sheets.Row):
    """The delivery point and, for a field, its WGS-84 coordinates."""
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
    return point, field_lat, field_lon


def _priority_of(errors: RowErrors, row: sheets.Row) -> int | None:
    priority_word = str(row.values.get(PRIORITY.key) or "").strip()
    priority = PRIORITY_WORDS.get(priority_word)
    if priority is None:
        if priority_word.isdigit() and int(priority_word) <= 9:
            priority = int(priority_word)
        else:
            errors.add(row.number, PRIORITY.header, _("Write 是 (yes) or leave it empty."))
    return priority
