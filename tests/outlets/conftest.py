"""A priced, published day at one outlet: the `priced_day` fixture."""

import pytest

from supply_match.extensions import db
from supply_match.models import PaymentMethod, SubsidyProgramme
from supply_match.services.planning.day import PlanningSettings, plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.supply import prices
from tests.days import DAY, allocated_orders
from tests.web.conftest import auth, county_people, fast_password_hashing  # noqa: F401

UREA_FEN = 14_000  # 140.00 yuan a 50 kg bag
SEED_FEN = 3_850  # 38.50 yuan a 1 kg bag


@pytest.fixture
def priced_day(county):
    outlet = county["outlet"]
    prices.set_outlet_prices(outlet, {county["urea"].id: "140", county["seed"].id: "38.50"}, None)
    programme = SubsidyProgramme(name="春耕化肥补贴", share_percent=30)
    db.session.add(programme)
    db.session.commit()
    orders = allocated_orders(
        county, [[(county["urea"], 2)], [(county["seed"], 3)], [(county["urea"], 1)]]
    )
    orders[1].payment_method = PaymentMethod.PREPAID
    orders[2].payment_method = PaymentMethod.SUBSIDY
    orders[2].subsidy_programme = programme
    db.session.commit()
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    db.session.commit()
    return dict(county=county, outlet=outlet, orders=orders, plan=plan, programme=programme)
