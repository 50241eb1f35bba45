"""A small county day shared by the dispatch and delivery tests (the `county` fixture is
registered in tests/conftest.py)."""

from datetime import date, time

import pytest

from supply_match.extensions import db
from supply_match.models import OrderStatus
from supply_match.services.supply.matching import run_matching
from tests import factories

DAY = date(2020, 3, 3)  # a Tuesday


@pytest.fixture
def county(app):
    township = factories.township(name="汉葭街道", lat=29.29, lon=108.17)
    village = factories.village(township=township, lat=29.32, lon=108.20)
    outlet = factories.outlet(township=township, lat=29.29, lon=108.17)
    urea = factories.product(name="尿素", unit_weight_kg=50)
    seed = factories.product(name="玉米种子", category="seed", unit_weight_kg=1)
    spray = factories.product(
        name="吡虫啉", category="pesticide", unit_weight_kg=1, hazard_class="low_toxicity"
    )
    for product in (urea, seed, spray):
        factories.stock(outlet, product, 500)
    volunteers = [
        factories.volunteer(
            township=township,
            payload_kg=500,
            home_lat=29.30,
            home_lon=108.18,
            shift_start=time(8),
            shift_end=time(17),
        ),
        factories.volunteer(
            township=township,
            payload_kg=400,
            vehicle_type="electric_tricycle",
            home_lat=29.31,
            home_lon=108.19,
            shift_start=time(8),
            shift_end=time(17),
        ),
    ]
    db.session.commit()
    return dict(
        township=township,
        village=village,
        outlet=outlet,
        urea=urea,
        seed=seed,
        spray=spray,
        volunteers=volunteers,
    )


def household(county, i):
    return factories.household(
        village=county["village"], lat=29.32 + i * 0.004, lon=108.20 + i * 0.003
    )


def allocated_orders(county, specs):
    orders = [
        factories.order(household=household(county, i), lines=lines, wanted_from=DAY, wanted_to=DAY)
        for i, lines in enumerate(specs)
    ]
    db.session.commit()
    run_matching()
    db.session.commit()
    assert all(o.status == OrderStatus.ALLOCATED for o in orders)
    return orders
