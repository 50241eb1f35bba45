"""The demo's money: every outlet's price for every product it stocks (``data/prices.csv``,
spring 2020 levels; sources in ``data/README.md``), the county's guide prices for
fertilizer, two subsidy programmes, a mix of payment ways over the orders, and one staff
login per outlet.

A random generator of its own, seeded from the demo's seed, so that adding money leaves
every other figure of the demo as it was.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm.attributes import flag_modified

from supply_match.demo.facts import DATA_DIR
from supply_match.models import (
    GuidePrice,
    Order,
    Outlet,
    OutletPrice,
    PaymentMethod,
    Product,
    Role,
    Stock,
    SubsidyProgramme,
    User,
)
from supply_match.services.county import accounts

OUTLET_PASSWORD = "wangdian-2020"
PRICED_AT = datetime(2020, 2, 18, 1, 0)
# The county company sells at the reference price; other outlets within a few percent,
# drawn in basis points so that no price goes through a float.
PRICE_SPREAD_BP = (-400, 300)
# (name, share in percent, product codes it covers)
PROGRAMMES = [
    ("有机肥替代化肥试点补贴", 50, {"HF-YJ-001"}),
    ("脱毒马铃薯种薯补贴", 30, {"ZZ-MLS-001"}),
]
PREPAID_SHARE = 0.3  # paid at the outlet or by WeChat before the delivery day


def _reference_prices() -> dict[str, tuple[int, int | None]]:
    with (DATA_DIR / "prices.csv").open(encoding="utf-8") as sheet:
        rows = list(csv.DictReader(sheet))
    return {
        row["code"]: (
            int(Decimal(row["price_yuan"]) * 100),
            int(Decimal(row["guide_yuan"]) * 100) if row["guide_yuan"] else None,
        )
        for row in rows
    }


def staff_username(index: int) -> str:
    return f"wangdian-{index + 1:02d}"


def build_money(
    seed: int,
    outlets: Sequence[Outlet],
    products: Sequence[Product],
    stock: Sequence[Stock],
    orders: Sequence[Order],
) -> list:
    """The rows to add (prices, guide prices, programmes); sets each order's payment way."""
    rng = random.Random(f"{seed}-money")
    reference = _reference_prices()
    by_code = {product.code: product for product in products}
    rows: list = []
    for code, (_price, guide) in sorted(reference.items()):
        if guide is not None and code in by_code:
            rows.append(GuidePrice(product=by_code[code], price_fen=guide, set_at=PRICED_AT))
    stocked = sorted(
        {(row.outlet.name, row.product.code): row for row in stock}.values(),
        key=lambda row: (row.outlet.name, row.product.code),
    )
    for row in stocked:
        price, guide = reference[row.product.code]
        if row.outlet is not outlets[0]:
            factor = Decimal(10_000 + rng.randint(*PRICE_SPREAD_BP)) / 10_000
            # Rounded to half a yuan as shops price, and never above the cap.
            price = int((price * factor / 50).to_integral_value()) * 50 or price
        if guide is not None:
            price = min(price, guide)
        rows.append(
            OutletPrice(outlet=row.outlet, product=row.product, price_fen=price, set_at=PRICED_AT)
        )
    programmes = []
    for name, share, codes in PROGRAMMES:
        programme = SubsidyProgramme(name=name, share_percent=share, active=True)
        programmes.append((programme, codes))
        rows.append(programme)
    for order in orders:
        codes = {line.product.code for line in order.lines}
        covered = next((p for p, c in programmes if codes & c), None)
        if covered is not None and rng.random() < 0.8:
            order.payment_method = PaymentMethod.SUBSIDY
            order.subsidy_programme = covered
        elif rng.random() < PREPAID_SHARE:
            order.payment_method = PaymentMethod.PREPAID
        else:
            order.payment_method = PaymentMethod.ON_DELIVERY
        # The payment way is part of the order as entered, not a later change: keep its
        # demo timestamp instead of the clock's (the same seed builds the same rows).
        order.updated_at = order.created_at
        flag_modified(order, "updated_at")
    return rows


def create_staff(outlets: Sequence[Outlet], mobile: Callable[[], str]) -> list[User]:
    """One outlet staff login per outlet, made by the use case an admin's form calls (so
    the demo checks it), each with the demo's documented password."""
    staff = []
    for index, outlet in enumerate(outlets):
        staff.append(
            accounts.create_user(
                username=staff_username(index),
                display_name=f"{outlet.contact_name}（{outlet.name}）",
                password=OUTLET_PASSWORD,
                role=Role.OUTLET_STAFF,
                mobile=mobile(),
                outlet_id=outlet.id,
            )
        )
    return staff
