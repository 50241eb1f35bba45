"""How long a cadre waits for a big sheet: import N order rows from .xlsx and .csv.

    .venv/bin/python -m benchmarks.import_orders [--rows 5000] [--database-url URL]

Builds a throwaway database (SQLite by default), writes a sheet of N rows for ~N/2
households, and prints the seconds for reading + validating + writing + committing.
Target: 5,000 rows well under 10 s.
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from flask_migrate import upgrade
from openpyxl import Workbook

from supply_match import create_app
from supply_match.extensions import db
from supply_match.models import Product, Role, Township, User, Village
from supply_match.services.intake.order_import import import_orders

HEADERS = [
    "村",
    "组",
    "户主姓名",
    "手机号",
    "产品",
    "数量",
    "最早送货日期",
    "最晚送货日期",
    "送货时段",
]


def _setup(villages: int) -> tuple[User, list[str], list[str]]:
    township = Township(
        code="500243001", name="汉葭街道", name_pinyin="Hanjia", kind="街道", lat=29.29, lon=108.17
    )
    names = []
    for i in range(villages):
        village = Village(
            township=township,
            code=f"500243001{i + 1:03d}",
            name=f"第{i + 1}村",
            lat=29.3,
            lon=108.2,
            collection_point="村委会",
            collection_lat=29.3,
            collection_lon=108.2,
            group_count=10,
        )
        db.session.add(village)
        names.append(village.name)
    products = []
    for i in range(30):
        product = Product(
            code=f"P{i:03d}",
            name=f"农资{i}",
            category="fertilizer",
            unit="袋",
            unit_weight_kg=Decimal(40),
        )
        db.session.add(product)
        products.append(product.name)
    user = User(username="bench", display_name="基准", role=Role.DISPATCHER, password_hash="x")
    db.session.add(user)
    db.session.commit()
    return user, names, products


def _rows(count: int, villages: list[str], products: list[str]) -> list[list[object]]:
    rng = random.Random(5000)
    rows = []
    household = 0
    while len(rows) < count:
        household += 1
        village = rng.choice(villages)
        picks = rng.sample(products, k=min(rng.randint(1, 3), count - len(rows)))
        for product in picks:
            rows.append(
                [
                    village,
                    rng.randint(1, 10),
                    f"农户{household}",
                    f"139{household:08d}",
                    product,
                    rng.randint(1, 6),
                    "2020-03-02",
                    "2020-03-06",
                    "08:00-12:00",
                ]
            )
    return rows


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows) -> bytes:
    lines = [",".join(HEADERS)] + [",".join(str(v) for v in row) for row in rows]
    return "\n".join(lines).encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    for kind, encode in (("xlsx", _xlsx), ("csv", _csv)):
        url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
        with app.app_context():
            upgrade()
            user, villages, products = _setup(40)
            rows = _rows(args.rows, villages, products)
            data = encode(rows)
            started = time.perf_counter()
            result = import_orders(f"orders.{kind}", data, user)
            db.session.commit()
            elapsed = time.perf_counter() - started
            print(
                f"{kind}: {len(rows)} rows ({len(data) // 1024} KB) -> {result.orders_created} orders, "
                f"{result.households_created} households in {elapsed:.2f} s "
                f"({db.engine.dialect.name})"
            )
            db.engine.dispose()


if __name__ == "__main__":
    main()
