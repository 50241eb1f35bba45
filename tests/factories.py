"""Small builders for model objects: each test makes exactly the data it needs.

Each builder adds the object to the session and flushes, so ids are set; defaults are
plausible Pengshui values and every argument can be overridden.
"""

from __future__ import annotations

import itertools
from datetime import date, time
from decimal import Decimal

from supply_match.extensions import db
from supply_match.models import (
    Household,
    Order,
    OrderLine,
    Outlet,
    Product,
    Role,
    Stock,
    Township,
    User,
    Village,
    Volunteer,
)

_sequence = itertools.count(1)

PASSWORD = "Pengshui-2020"


def _next() -> int:
    return next(_sequence)


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def township(**fields) -> Township:
    n = _next()
    values = dict(
        code=f"500243{n % 1000:03d}",
        name=f"测试{n}镇",
        name_pinyin=f"Ceshi{n}",
        kind="镇",
        lat=29.3,
        lon=108.2,
    )
    values.update(fields)
    return _add(Township(**values))


def village(township: Township | None = None, **fields) -> Village:
    n = _next()
    township = township or globals()["township"]()
    values = dict(
        township=township,
        code=f"{township.code}{n % 1000:03d}",
        name=f"测试{n}村",
        lat=29.31,
        lon=108.21,
        collection_point="村委会",
        collection_lat=29.31,
        collection_lon=108.21,
        group_count=6,
    )
    values.update(fields)
    return _add(Village(**values))


def household(village: Village | None = None, **fields) -> Household:
    n = _next()
    values = dict(
        village=village or globals()["village"](),
        name=f"张{n}",
        mobile=f"138{n:08d}",
        group_no=1,
        lat=29.312,
        lon=108.212,
    )
    values.update(fields)
    return _add(Household(**values))


def product(**fields) -> Product:
    n = _next()
    values = dict(
        code=f"P{n:04d}",
        name=f"复合肥{n}",
        category="fertilizer",
        unit="袋",
        unit_weight_kg=Decimal("50"),
        hazard_class=None,
    )
    values.update(fields)
    return _add(Product(**values))


def outlet(township: Township | None = None, **fields) -> Outlet:
    n = _next()
    values = dict(
        name=f"农资网点{n}",
        township=township or globals()["township"](),
        address="街上1号",
        lat=29.29,
        lon=108.17,
        opens_at=time(8),
        closes_at=time(18),
        contact_name="李老板",
        contact_mobile=f"139{n:08d}",
    )
    values.update(fields)
    return _add(Outlet(**values))


def stock(outlet: Outlet, product: Product, quantity: int | Decimal = 100, **fields) -> Stock:
    return _add(Stock(outlet=outlet, product=product, quantity=Decimal(quantity), **fields))


def volunteer(township: Township | None = None, **fields) -> Volunteer:
    n = _next()
    values = dict(
        name=f"王{n}",
        mobile=f"137{n:08d}",
        party_branch="汉葭街道第一党支部",
        township=township or globals()["township"](),
        vehicle_type="motor_tricycle",
        payload_kg=500,
        home_lat=29.30,
        home_lon=108.18,
        shift_start=time(8),
        shift_end=time(17),
    )
    values.update(fields)
    return _add(Volunteer(**values))


def order(household: Household | None = None, lines=None, **fields) -> Order:
    # Build everything the order refers to before the order itself, so that no flush
    # meets a half-attached order.
    household = household or globals()["household"]()
    lines = lines if lines is not None else [(product(), 2)]
    values = dict(household=household, wanted_from=date(2020, 3, 2), wanted_to=date(2020, 3, 6))
    values.update(fields)
    new_order = Order(**values)
    for product_obj, quantity in lines:
        new_order.lines.append(OrderLine(product=product_obj, quantity=Decimal(quantity)))
    return _add(new_order)


def user(
    role: Role | str = Role.DISPATCHER, villages=(), password: str = PASSWORD, **fields
) -> User:
    n = _next()
    values = dict(username=f"user{n}", display_name=f"用户{n}", role=str(role))
    values.update(fields)
    new_user = User(**values)
    new_user.set_password(password)
    new_user.villages.extend(villages)
    return _add(new_user)


def save_county_settings(**changes) -> None:
    """Save the county's settings as they stand (the Pengshui code and name, the service
    title ``春耕农资配送`` where none is set) with ``changes`` (``save_settings``' fields)."""
    from supply_match.services.county import settings as county_settings

    now = county_settings.current()
    fields = {
        "county_code": "500243",
        "county_name": "彭水苗族土家族自治县",
        "service_title": now.service_title or "春耕农资配送",
        "time_zone": now.time_zone,
        "default_shift_start": now.default_shift_start.strftime("%H:%M"),
        "default_shift_end": now.default_shift_end.strftime("%H:%M"),
        "keep_pesticide_apart": now.keep_pesticide_apart,
        "circuity": str(now.circuity),
    }
    county_settings.save_settings(**(fields | changes))
    county_settings.forget_cached()  # as the next request would read them afresh
