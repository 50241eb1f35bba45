"""An outlet's prices from a sheet, and back out to one.

Each row prices one product (by code or name) in yuan. Validated like the other imports:
every row first, each problem named by row and column (not a number, negative, more than
two decimals, above the guide price, unknown or repeated product), and nothing written
on any error. A price equal to the current one changes nothing, so a re-import is
harmless.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Outlet, Product, User
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, RowErrors
from supply_match.services.supply import prices
from supply_match.services.supply.money import parse_yuan, yuan
from supply_match.services.unit_of_work import use_case

PRODUCT = Column(
    "product",
    "产品",
    aliases=("产品名称", "产品编码", "编码"),
    example="HF-NS-001",
    width=30,
    english="Product",
)
PRICE = Column(
    "price",
    "价格（元）",
    aliases=("价格", "单价", "零售价"),
    example="105.00",
    width=12,
    english="Price (yuan)",
)
UNIT = Column("unit", "单位", required=False, example="袋", width=8, english="Unit")
PRICE_COLUMNS = [PRODUCT, PRICE, UNIT]
TEMPLATE_NOTES = [
    _l(
        "One row per product: its code or name and this outlet's retail price (yuan, at most two decimals)."
    ),
    _l(
        "A price may not exceed the county's published guide price; rows with the current price change nothing."
    ),
    _l(
        "A new price applies to orders matched from now on; orders matched before keep their price."
    ),
]


def template_xlsx() -> bytes:
    return sheets.template_xlsx(PRICE_COLUMNS, _("Prices"), TEMPLATE_NOTES)


def export_xlsx(outlet: Outlet) -> bytes:
    """The outlet's prices in the import's layout, so the sheet can be edited and sent back."""
    rows = [
        [row.product.code, yuan(row.price_fen), row.product.unit]
        for row in prices.price_sheet(outlet)
        if row.price_fen is not None
    ]
    return sheets.write_xlsx(PRICE_COLUMNS, rows, _("Prices"))


@use_case
def import_prices(outlet: Outlet, filename: str, data: bytes, user: User | None) -> int:
    """Set the outlet's prices from an .xlsx or .csv sheet; returns how many changed.

    Raises ``SheetError`` naming every bad cell by row and column; writes nothing then."""
    rows = sheets.read_table(filename, data, PRICE_COLUMNS)
    errors = RowErrors()
    products: dict[str, Product] = {}
    for product in db.session.scalars(select(Product)):
        products[product.name] = product
        products[product.code.lower()] = product
    guides = prices.current_guide_prices()
    texts: dict[int, str] = {}
    seen: dict[int, int] = {}
    for row in rows:
        key = str(row.values.get("product") or "").strip()
        product = products.get(key) or products.get(key.lower())
        if not key:
            errors.at(row, PRODUCT, _("Must not be empty."))
        elif product is None:
            errors.at(row, PRODUCT, _("No such product: %(name)s", name=key))
        elif product.id in seen:
            errors.at(
                row,
                PRODUCT,
                _("This product is priced on row %(row)s already.", row=seen[product.id]),
            )
        repeated = product is not None and product.id in seen
        if product is not None and not repeated:
            seen[product.id] = row.number
        fen = sheets.check(errors, row, PRICE, parse_yuan)
        if product is None or fen is None or repeated:
            continue
        guide = guides.get(product.id)
        if guide is not None and fen > guide:
            errors.at(
                row,
                PRICE,
                _(
                    "%(product)s: %(price)s yuan is above the county's guide price of "
                    "%(guide)s yuan.",
                    product=product.name,
                    price=yuan(fen),
                    guide=yuan(guide),
                ),
            )
        texts[product.id] = yuan(fen)
    if not rows:
        errors.add(None, None, _("The sheet has no rows to import."))
    errors.raise_if_any()
    return prices.set_outlet_prices(outlet, texts, user)
