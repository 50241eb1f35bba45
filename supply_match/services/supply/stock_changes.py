"""A dispatcher's stock change at one outlet: goods received, or a count that sets the
figure. The form is checked here, the ledger records the change (``stock.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Outlet, Product, Stock, StockChange, User
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.fields import MAX_STOCK_QUANTITY, parse_quantity
from supply_match.services.supply import stock as ledger
from supply_match.services.unit_of_work import use_case

KINDS = ("received", "count")


class StockChangeError(ValueError):
    """The stock change form had problems: ``errors`` holds a message per field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass
class StockChangeInput:
    """The form as typed: product id, kind (``received`` or ``count``), quantity in the
    product's unit, and the reason the ledger keeps."""

    product_id: int | None
    kind: str | None
    quantity: str | None
    reason: str | None


@dataclass
class StockChangeOutcome:
    product: Product
    change: StockChange | None  # None: a count equal to the figure changes nothing


def _check(data: StockChangeInput) -> tuple[Product, str, Decimal, str]:
    errors: dict[str, str] = {}
    product = db.session.get(Product, data.product_id or 0)
    if product is None:
        errors["product_id"] = _("Please choose a product from the list.")
    if data.kind not in KINDS:
        errors["kind"] = _("Please choose goods received or a count.")
    quantity = parse_quantity(
        data.quantity, errors, "quantity", high=MAX_STOCK_QUANTITY, allow_zero=True
    )
    reason = (data.reason or "").strip()
    if not reason:
        errors["reason"] = _("Please say why the stock changes (delivery note, count…).")
    if errors:
        raise StockChangeError(errors)
    return product, data.kind, quantity, reason


@use_case
def change_stock(outlet: Outlet, data: StockChangeInput, user: User) -> StockChangeOutcome:
    """Record goods received at ``outlet`` (added to its stock) or a count (sets the
    stock to the counted figure), in one transaction. Raises ``StockChangeError`` with a
    message per field, the ledger's refusal under ``quantity``; nothing is written then."""
    product, kind, quantity, reason = _check(data)
    row = db.session.scalar(
        select(Stock).where(Stock.outlet_id == outlet.id, Stock.product_id == product.id)
    )
    if row is None:
        row = Stock(outlet=outlet, product=product, quantity=Decimal(0), reserved=Decimal(0))
        db.session.add(row)
    try:
        if kind == "received":
            change = ledger.receive(row, quantity, reason, user)
        else:
            change = ledger.set_count(row, quantity, reason, user)
    except ledger.StockError as error:
        raise StockChangeError({"quantity": str(error)}) from error
    db.session.flush()
    audit.record(
        AuditKind.STOCK,
        kind,
        record_id=row.id,
        actor=user,
        summary=f"{outlet.name} {audit.lines_text([(product, quantity)])}: {reason}",
        detail={"outlet_id": outlet.id, "product_id": product.id},
    )
    return StockChangeOutcome(product=product, change=change)
