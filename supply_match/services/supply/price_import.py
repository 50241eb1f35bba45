"""An outlet's prices, and the county's guide prices, from a sheet and back out to one.

Each row prices one product (by code or name) in yuan. Validated like the other imports:
every row first, each problem named by row and column (not a number, negative, more than
two decimals, an outlet price above the guide price or a guide price below what an
outlet charges, unknown or repeated product), and nothing written on any error. A price
equal to the current one changes nothing, so a re-import is harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Outlet, Product, User
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, Row, RowErrors
from supply_match.services.supply import prices
from supply_match.services.supply.money import parse_yuan, yuan
from supply_match.services.unit_of_work import use_case

PRODUCT = Column(
    "product", "产品", aliases=("产品名称", "产品编码", "编码"), example="HF-NS-001", width=30,
    english="Product",
)  # fmt: skip
PRICE = Column(
    "price", "价格（元）", aliases=("价格", "单价", "零售价"), example="105.00", width=12,
    english="Price (yuan)",
)  # fmt: skip
UNIT = Column("unit", "单位", required=False, example="袋", width=8, english="Unit",
              english_example="bag")  # fmt: skip
PRICE_COLUMNS = [PRODUCT, PRICE, UNIT]
TEMPLATE_NOTES = [
    _l(
        "One row per product: its code or name, and this outlet's retail price in yuan (at "
        "most two decimals)."
    ),
    _l(
        "A price may not be above the county's guide price; a row equal to the current "
        "price changes nothing."
    ),
    _l(
        "A new price applies to orders allocated from now on; orders allocated before keep "
        "their price."
    ),
]
GUIDE = Column(
    "guide", "指导价（元）", required=False, aliases=("指导价", "最高限价", "限价"),
    example="110.00", width=14, english="Guide price (yuan)",
)  # fmt: skip
GUIDE_COLUMNS = [PRODUCT, GUIDE, UNIT]
GUIDE_NOTES = [
    _l(
        "One row per product: its code or name, and the county's guide price in yuan (at "
        "most two decimals); outlets may not charge more."
    ),
    _l(
        "A blank guide price lifts the cap. A guide price below what an outlet charges now "
        "is refused: the outlet lowers its price first."
    ),
]


def template_xlsx() -> bytes:
    return sheets.template_xlsx(PRICE_COLUMNS, _("Prices"), TEMPLATE_NOTES)


def guide_template_xlsx() -> bytes:
    return sheets.template_xlsx(GUIDE_COLUMNS, _("Guide prices"), GUIDE_NOTES)


def export_xlsx(outlet: Outlet) -> bytes:
    """The outlet's prices in the import's layout, so the sheet can be edited and sent back."""
    rows = [
        [row.product.code, yuan(row.price_fen), row.product.unit]
        for row in prices.price_sheet(outlet)
        if row.price_fen is not None
    ]
    return sheets.write_xlsx(PRICE_COLUMNS, rows, _("Prices"))


def guide_export_xlsx() -> bytes:
    """Every active product with its guide price (blank: no cap), in the import's layout."""
    rows = [
        [row.product.code, yuan(row.guide_fen), row.product.unit]
        for row in prices.price_sheet_for_county()
    ]
    return sheets.write_xlsx(GUIDE_COLUMNS, rows, _("Guide prices"))


def _priced_rows(
    rows: list[Row], column: Column, errors: RowErrors
) -> tuple[dict[int, str], dict[int, Row]]:
    """Product id -> the yuan text of ``column`` (blank where the cell is), and the row
    it came from; every bad cell goes to ``errors``: product missing, unknown or
    repeated, amount not a number, negative or with more than two decimals."""
    products: dict[str, Product] = {}
    for product in db.session.scalars(select(Product)):
        products[product.name] = product
        products[product.code.lower()] = product
    texts: dict[int, str] = {}
    row_of: dict[int, Row] = {}
    for row in rows:
        key = str(row.values.get(PRODUCT.key) or "").strip()
        product = products.get(key) or products.get(key.lower())
        fen = sheets.check(errors, row, column, parse_yuan)
        if not key:
            errors.at(row, PRODUCT, _("Must not be empty."))
        elif product is None:
            errors.at(row, PRODUCT, _("No such product: %(name)s", name=key))
        elif product.id in row_of:
            errors.at(
                row,
                PRODUCT,
                _("This product is priced on row %(row)s already.", row=row_of[product.id].number),
            )
        else:
            row_of[product.id] = row
            texts[product.id] = yuan(fen) if fen is not None else ""
    if not rows:
        errors.add(None, None, _("The sheet has no rows to import."))
    return texts, row_of


def _import_rows(
    rows: list[Row], column: Column, set_prices: Callable[[Mapping[int, str]], int]
) -> int:
    """Check every row, run ``set_prices`` on the good ones so that the prices it refuses
    (guide price rules) are named by row and column with the rest, and raise
    ``SheetError`` if anything was wrong: the caller's unit of work then writes nothing."""
    errors = RowErrors()
    texts, row_of = _priced_rows(rows, column, errors)
    changed = 0
    try:
        changed = set_prices(texts)
    except prices.PriceError as refused:
        for product_id, message in sorted(refused.errors.items()):
            errors.at(row_of[product_id], column, message)
    errors.raise_if_any()
    return changed


@use_case
def import_prices(outlet: Outlet, filename: str, data: bytes, user: User | None) -> int:
    """Set the outlet's prices from an .xlsx or .csv sheet; returns how many changed.

    Raises ``SheetError`` naming every bad cell by row and column; writes nothing then."""
    rows = sheets.read_table(filename, data, PRICE_COLUMNS)
    return _import_rows(rows, PRICE, lambda texts: prices.set_outlet_prices(outlet, texts, user))


@use_case
def import_guide_prices(filename: str, data: bytes, user: User | None) -> int:
    """Set the county's guide prices from a sheet (a blank lifts the cap); returns how
    many changed. Raises ``SheetError`` naming every bad cell; writes nothing then."""
    rows = sheets.read_table(filename, data, GUIDE_COLUMNS)
    return _import_rows(rows, GUIDE, lambda texts: prices.set_guide_prices(texts, user))
