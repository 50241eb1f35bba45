"""Stock counts from a sheet: each row sets one outlet's count of one product.

Validated like the order import (every row first, errors by row and column, nothing
written on any error). Each change goes through the stock ledger with the file named as
its reason; a count equal to the current one changes nothing, so a re-import is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Outlet, Product, Stock, User
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, RowErrors
from supply_match.services.supply import stock as ledger
from supply_match.services.unit_of_work import use_case

OUTLET = Column(
    "outlet", "网点", aliases=("网点名称", "销售网点"), example="彭水县农资公司汉葭门市部", width=28,
    english="Outlet",
)  # fmt: skip
PRODUCT = Column(
    "product", "产品", aliases=("产品名称",), example="尿素（46%）", width=22, english="Product"
)
COUNT = Column(
    "count",
    "库存数量",
    aliases=("数量", "库存"),
    example="120",
    width=10,
    english="Quantity in stock",
)
NOTE = Column(
    "note", "说明", required=False, example="3月1日盘点", width=20, english="Note",
    english_example="counted on 1 March",
)  # fmt: skip
STOCK_COLUMNS = [OUTLET, PRODUCT, COUNT, NOTE]


@dataclass
class StockImportResult:
    rows: int = 0
    changed: int = 0
    created: int = 0
    unchanged: int = 0


TEMPLATE_NOTES = [
    _l(
        "One row per product at an outlet: write the quantity counted (not the change since "
        "the last count)."
    ),
    _l(
        "Outlets and products by their names in the system (a product also by its code); a "
        "quantity cannot be below what the outlet has already reserved for orders."
    ),
]


def template_xlsx() -> bytes:
    """The blank stock import sheet (.xlsx) with its headers, an example row and notes."""
    return sheets.template_xlsx(STOCK_COLUMNS, _("Stock"), TEMPLATE_NOTES)


@dataclass
class _PlannedCount:
    outlet: Outlet
    product: Product
    count: Decimal
    note: str | None
    row: int


@use_case
def import_stock(filename: str, data: bytes, user: User) -> StockImportResult:
    """Check a whole stock sheet (.xlsx or .csv), then set each outlet's counted stock,
    one ledger entry per change. Raises ``sheets.SheetError`` (unreadable file) or
    ``RowErrors`` (every bad cell) and then writes nothing."""
    rows = sheets.read_table(filename, data, STOCK_COLUMNS)
    stock_rows = {(s.outlet_id, s.product_id): s for s in db.session.scalars(select(Stock))}
    planned = _check_rows(rows, stock_rows)
    return _write_counts(planned, stock_rows, filename, user, len(rows))


def _check_rows(rows, stock_rows) -> dict[tuple[int, int], _PlannedCount]:
    """Every row checked against the catalogue, the outlets and what is allocated; raises
    ``RowErrors`` naming every bad cell, or returns the counts to set by (outlet, product)."""
    errors = RowErrors()
    outlets = {o.name: o for o in db.session.scalars(select(Outlet))}
    products: dict[str, Product] = {}
    for product in db.session.scalars(select(Product)):
        products[product.name] = product
        products[product.code.lower()] = product
    planned: dict[tuple[int, int], _PlannedCount] = {}
    for row in rows:
        outlet_name = sheets.check(errors, row, OUTLET, sheets.text)
        outlet = outlets.get(outlet_name) if outlet_name else None
        if outlet_name and outlet is None:
            errors.at(row, OUTLET, _('There is no outlet "%(name)s".', name=outlet_name))
        product_ref = sheets.check(errors, row, PRODUCT, sheets.text)
        product = (
            (products.get(product_ref) or products.get(product_ref.lower()))
            if product_ref
            else None
        )
        if product_ref and product is None:
            errors.at(
                row,
                PRODUCT,
                _('"%(product)s" is not in the catalogue.', product=product_ref),
            )
        count = sheets.check(errors, row, COUNT, sheets.non_negative_quantity)
        if outlet is None or product is None or count is None:
            continue
        key = (outlet.id, product.id)
        if key in planned:
            errors.at(
                row,
                PRODUCT,
                _("Repeats row %(row)s (same outlet, same product).", row=planned[key].row),
            )
            continue
        existing = stock_rows.get(key)
        if existing is not None and count < existing.reserved:
            errors.at(
                row,
                COUNT,
                _(
                    "Less than the %(reserved)s already allocated to orders: change the "
                    "allocations first.",
                    reserved=existing.reserved,
                ),
            )
            continue
        note = row.values.get(NOTE.key)
        planned[key] = _PlannedCount(
            outlet, product, count, str(note) if note else None, row.number
        )
    errors.raise_if_any()
    return planned


def _write_counts(planned, stock_rows, filename: str, user: User, rows: int) -> StockImportResult:
    """Set each planned count through the ledger, the file named as the reason."""
    result = StockImportResult(rows=rows)
    for key, plan in planned.items():
        # The ledger keeps the reason as text, in the language of whoever imported.
        if plan.note:
            reason = _("Import %(file)s: %(note)s", file=filename, note=plan.note)
        else:
            reason = _("Import %(file)s", file=filename)
        existing = stock_rows.get(key)
        if existing is None:
            if plan.count == 0:
                result.unchanged += 1
                continue
            existing = Stock(
                outlet=plan.outlet, product=plan.product, quantity=Decimal(0), reserved=Decimal(0)
            )
            db.session.add(existing)
            result.created += 1
        if ledger.set_count(existing, plan.count, reason, user) is None:
            result.unchanged += 1
        else:
            result.changed += 1
    db.session.flush()
    audit.record_import(
        AuditKind.STOCK,
        filename,
        created=result.created,
        updated=result.changed,
        unchanged=result.unchanged,
    )
    return result
