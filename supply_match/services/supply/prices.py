"""Prices (价格): what each outlet charges per product, with its history, under the
county's guide price (指导价) where the county sets one.

A price is never changed in place: setting one adds a row from that moment on, so an
allocation is priced at the row in force when it was made (``unit_prices_at``), and an
order keeps the price it was matched at.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import GuidePrice, Outlet, OutletPrice, Product, User
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.errors import NotFoundError, ServiceError
from supply_match.services.supply.money import parse_yuan, yuan
from supply_match.services.unit_of_work import use_case


class PriceError(ServiceError, ValueError):
    """Prices that cannot be set; ``errors`` maps each product id to its message."""

    def __init__(self, errors: Mapping[int, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


@dataclass(frozen=True)
class PriceRow:
    product: Product
    price_fen: int | None
    guide_fen: int | None
    set_at: datetime | None


def current_guide_prices() -> dict[int, int]:
    """Product id -> the guide price in force, for products that have one."""
    latest: dict[int, int | None] = {}
    for row in db.session.scalars(select(GuidePrice).order_by(GuidePrice.set_at, GuidePrice.id)):
        latest[row.product_id] = row.price_fen
    return {product_id: fen for product_id, fen in latest.items() if fen is not None}


def current_prices(outlet_id: int) -> dict[int, OutletPrice]:
    """Product id -> the outlet's price row in force."""
    rows = db.session.scalars(
        select(OutletPrice)
        .where(OutletPrice.outlet_id == outlet_id)
        .order_by(OutletPrice.set_at, OutletPrice.id)
    )
    return {row.product_id: row for row in rows}


def price_sheet(outlet: Outlet) -> list[PriceRow]:
    """Every active product with the outlet's price and the guide price, for the page."""
    prices = current_prices(outlet.id)
    guides = current_guide_prices()
    products = db.session.scalars(
        select(Product).where(Product.active.is_(True)).order_by(Product.category, Product.code)
    )
    return [
        PriceRow(
            product,
            prices[product.id].price_fen if product.id in prices else None,
            guides.get(product.id),
            prices[product.id].set_at if product.id in prices else None,
        )
        for product in products
    ]


def price_history(outlet_id: int, product_id: int | None = None) -> list[OutletPrice]:
    """The outlet's price rows, newest first, optionally of one product."""
    statement = select(OutletPrice).where(OutletPrice.outlet_id == outlet_id)
    if product_id is not None:
        statement = statement.where(OutletPrice.product_id == product_id)
    return list(db.session.scalars(statement.order_by(OutletPrice.set_at.desc(), OutletPrice.id)))


def _read_prices(texts: Mapping[int, object], *, allow_blank: bool) -> tuple[dict, dict]:
    values: dict[int, int | None] = {}
    errors: dict[int, str] = {}
    for product_id, text in texts.items():
        if text is None or not str(text).strip():
            if allow_blank:
                values[product_id] = None
            continue
        try:
            values[product_id] = parse_yuan(text)
        except ValueError as error:
            errors[product_id] = str(error)
    return values, errors


def _products(ids: Iterable[int]) -> dict[int, Product]:
    ids = set(ids)
    found = {p.id: p for p in db.session.scalars(select(Product).where(Product.id.in_(ids)))}
    missing = ids - set(found)
    if missing:
        raise NotFoundError(f"products {sorted(missing)}")
    return found


@use_case
def set_outlet_prices(outlet: Outlet, texts: Mapping[int, object], user: User | None) -> int:
    """Set an outlet's prices from yuan texts by product id; blanks are left as they are.

    Each changed price becomes a new history row from now on. Returns how many changed.
    Raises ``PriceError`` naming every bad price (negative, more than two decimals, above
    the guide price) and writes none; ``NotFoundError`` for an unknown product."""
    values, errors = _read_prices(texts, allow_blank=False)
    products = _products(values)
    guides = current_guide_prices()
    for product_id, fen in values.items():
        guide = guides.get(product_id)
        if guide is not None and fen > guide:
            errors[product_id] = _(
                "%(product)s: %(price)s yuan is above the county's guide price of %(guide)s yuan.",
                product=products[product_id].name,
                price=yuan(fen),
                guide=yuan(guide),
            )
    if errors:
        raise PriceError(errors)
    current = current_prices(outlet.id)
    changed, priced = 0, []
    for product_id, fen in sorted(values.items()):
        if product_id in current and current[product_id].price_fen == fen:
            continue
        db.session.add(
            OutletPrice(outlet_id=outlet.id, product_id=product_id, price_fen=fen, set_by=user)
        )
        changed += 1
        priced.append(f"{products[product_id].name} {yuan(fen)}")
    db.session.flush()
    audit.record(
        AuditKind.PRICE,
        "outlet_prices",
        record_id=outlet.id,
        actor=user,
        summary=f"{outlet.name}: {', '.join(priced)}",
        detail={"changed": changed},
    )
    return changed


@use_case
def set_guide_prices(texts: Mapping[int, object], user: User | None) -> int:
    """Set the county's guide prices from yuan texts by product id; a blank lifts the cap.

    Refuses (``PriceError``) a bad amount, and a cap below what an outlet charges now:
    the outlet lowers its price first, so that no price in force is above its cap."""
    values, errors = _read_prices(texts, allow_blank=True)
    products = _products(values)
    guides = current_guide_prices()
    above = _highest_outlet_prices()
    for product_id, fen in values.items():
        if fen is not None and above.get(product_id, (0, ""))[0] > fen:
            highest, outlet_name = above[product_id]
            errors[product_id] = _(
                "%(product)s: %(outlet)s charges %(price)s yuan, above this guide price; "
                "it must lower its price first.",
                product=products[product_id].name,
                outlet=outlet_name,
                price=yuan(highest),
            )
    if errors:
        raise PriceError(errors)
    changed, priced = 0, []
    for product_id, fen in sorted(values.items()):
        if guides.get(product_id) == fen:
            continue
        db.session.add(GuidePrice(product_id=product_id, price_fen=fen, set_by_id=_id(user)))
        changed += 1
        priced.append(f"{products[product_id].name} {yuan(fen) if fen is not None else '-'}")
    db.session.flush()
    audit.record(
        AuditKind.PRICE,
        "guide_prices",
        actor=user,
        summary=", ".join(priced),
        detail={"changed": changed},
    )
    return changed


def _id(user: User | None) -> int | None:
    return user.id if user is not None else None


def _highest_outlet_prices() -> dict[int, tuple[int, str]]:
    """Product id -> (the highest price in force at any outlet, that outlet's name)."""
    latest: dict[tuple[int, int], OutletPrice] = {}
    for row in db.session.scalars(select(OutletPrice).order_by(OutletPrice.set_at, OutletPrice.id)):
        latest[(row.outlet_id, row.product_id)] = row
    highest: dict[int, tuple[int, str]] = {}
    for (_outlet_id, product_id), row in latest.items():
        if product_id not in highest or row.price_fen > highest[product_id][0]:
            highest[product_id] = (row.price_fen, row.outlet.name)
    return highest


def unit_prices_at(
    wanted: Iterable[tuple[int, int, datetime]],
) -> dict[tuple[int, int, datetime], int | None]:
    """For each (outlet id, product id, moment): the price in force then, or None."""
    wanted = set(wanted)
    if not wanted:
        return {}
    outlet_ids = {outlet_id for outlet_id, _p, _w in wanted}
    product_ids = {product_id for _o, product_id, _w in wanted}
    history: dict[tuple[int, int], list[OutletPrice]] = defaultdict(list)
    rows = db.session.scalars(
        select(OutletPrice)
        .where(OutletPrice.outlet_id.in_(outlet_ids), OutletPrice.product_id.in_(product_ids))
        .order_by(OutletPrice.set_at, OutletPrice.id)
    )
    for row in rows:
        history[(row.outlet_id, row.product_id)].append(row)
    found: dict[tuple[int, int, datetime], int | None] = {}
    for outlet_id, product_id, moment in wanted:
        price = None
        for row in history.get((outlet_id, product_id), ()):
            if row.set_at > moment:
                break
            price = row.price_fen
        found[(outlet_id, product_id, moment)] = price
    return found


@dataclass(frozen=True)
class GuideRow:
    product: Product
    guide_fen: int | None
    highest_fen: int | None  # the highest price any outlet charges now


def price_sheet_for_county() -> list[GuideRow]:
    """Every active product with its guide price and the highest outlet price."""
    guides = current_guide_prices()
    highest = _highest_outlet_prices()
    products = db.session.scalars(
        select(Product).where(Product.active.is_(True)).order_by(Product.category, Product.code)
    )
    return [
        GuideRow(
            product,
            guides.get(product.id),
            highest[product.id][0] if product.id in highest else None,
        )
        for product in products
    ]
