"""Supply against demand: figures a dispatcher can check by hand."""

from datetime import date
from decimal import Decimal

from supply_match.extensions import db
from supply_match.services.supply.figures import supply_report
from supply_match.services.supply.matching import run_matching
from tests import factories


def test_demand_stock_allocation_and_shortfall_per_product_and_township(app):
    north, south = factories.township(name="保家镇"), factories.township(name="桑柘镇")
    urea = factories.product(name="尿素")
    seed = factories.product(name="玉米种子", category="seed", unit_weight_kg=1)
    outlet = factories.outlet(township=north, lat=29.5, lon=108.2)
    factories.stock(outlet, urea, 10)
    factories.stock(outlet, seed, 100)
    north_home = factories.household(village=factories.village(township=north), lat=29.5, lon=108.2)
    south_home = factories.household(village=factories.village(township=south), lat=29.1, lon=108.3)
    factories.order(household=north_home, lines=[(urea, 6), (seed, 2)])
    factories.order(household=south_home, lines=[(urea, 8)])
    cancelled = factories.order(household=south_home, lines=[(urea, 50)])
    cancelled.transition_to("cancelled")
    db.session.commit()

    before = {p.name: p for p in supply_report().products}
    assert before["尿素"].total.ordered == 14
    assert before["尿素"].by_township[south.id].ordered == 8
    assert before["尿素"].by_township[north.id].stock == 10
    assert before["尿素"].shortfall == 4
    assert before["玉米种子"].shortfall == 0

    run_matching()
    db.session.commit()

    after = {p.name: p for p in supply_report().products}
    assert after["尿素"].total.allocated == 10
    assert after["尿素"].total.available == 0
    assert after["尿素"].total.unallocated == 4
    assert after["尿素"].shortfall == 4  # matching moves figures, not the gap
    assert after["尿素"].shortfall_weight_kg == Decimal(200)


def test_filters_by_date_range_and_category(app):
    urea = factories.product(name="尿素")
    seed = factories.product(name="玉米种子", category="seed", unit_weight_kg=1)
    factories.order(lines=[(urea, 3)], wanted_from=date(2020, 3, 1), wanted_to=date(2020, 3, 3))
    factories.order(lines=[(seed, 2)], wanted_from=date(2020, 4, 1), wanted_to=date(2020, 4, 3))
    db.session.commit()

    march = supply_report(date_from=date(2020, 3, 1), date_to=date(2020, 3, 31))
    assert [(p.name, p.total.ordered) for p in march.products] == [("尿素", 3)]
    seeds = supply_report(category="seed")
    assert [p.name for p in seeds.products] == ["玉米种子"]


def test_demand_for_a_product_no_longer_sold_still_counts(app):
    old = factories.product(name="老品种玉米种子", category="seed", unit_weight_kg=1, active=False)
    factories.order(lines=[(old, 4)])
    db.session.commit()
    report = {p.name: p for p in supply_report().products}
    assert report["老品种玉米种子"].total.ordered == 4
    assert report["老品种玉米种子"].shortfall == 4
