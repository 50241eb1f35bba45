"""Matching on hand-made cases whose right answer is obvious."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import Allocation, OrderStatus, Stock, StockChange
from supply_match.services.supply.matching import cancel_order, run_matching
from tests import factories

# Two outlets 25 km apart on a line of latitude; farmers live near one or the other.
NEAR_A = dict(lat=29.30, lon=108.10)
NEAR_B = dict(lat=29.30, lon=108.35)


def _outlets():
    township = factories.township()
    a = factories.outlet(township=township, name="网点A", lat=29.30, lon=108.10)
    b = factories.outlet(township=township, name="网点B", lat=29.30, lon=108.35)
    return a, b


def _stock_of(outlet, product) -> Stock:
    return db.session.scalar(
        select(Stock).where(Stock.outlet_id == outlet.id, Stock.product_id == product.id)
    )


def outlets_of(order) -> set[int]:
    """The outlets an order's lines are allocated at."""
    return {allocation.outlet_id for line in order.lines for allocation in line.allocations}


def test_an_order_is_covered_by_the_nearest_outlet_and_the_stock_reserved(app):
    a, b = _outlets()
    urea = factories.product(name="尿素")
    factories.stock(a, urea, 10)
    factories.stock(b, urea, 10)
    order = factories.order(household=factories.household(**NEAR_B), lines=[(urea, 3)])
    db.session.commit()

    result = run_matching()
    db.session.commit()

    assert order.status == OrderStatus.ALLOCATED
    assert [(x.outlet_name, x.quantity) for x in result.allocations] == [("网点B", Decimal(3))]
    assert _stock_of(b, urea).reserved == 3
    assert _stock_of(a, urea).reserved == 0
    ledger = db.session.scalars(select(StockChange)).all()
    assert [(c.kind, c.reserved_delta, c.reserved_after) for c in ledger] == [("reserved", 3, 3)]


def test_an_order_stays_whole_at_one_outlet_when_stock_allows(app):
    a, b = _outlets()
    urea, seed = (
        factories.product(name="尿素"),
        factories.product(name="玉米种子", unit_weight_kg=1),
    )
    factories.stock(a, urea, 10)  # near, but has only one of the two products
    factories.stock(b, urea, 10)
    factories.stock(b, seed, 10)
    order = factories.order(household=factories.household(**NEAR_A), lines=[(urea, 2), (seed, 2)])
    db.session.commit()

    run_matching()

    assert outlets_of(order) == {b.id}
    assert order.status == OrderStatus.ALLOCATED


def test_an_order_is_split_when_that_is_the_only_way_to_cover_it(app):
    a, b = _outlets()
    urea = factories.product(name="尿素")
    factories.stock(a, urea, 3)
    factories.stock(b, urea, 3)
    order = factories.order(household=factories.household(**NEAR_A), lines=[(urea, 5)])
    db.session.commit()

    run_matching()

    assert sorted((x.outlet_id, x.quantity) for x in order.lines[0].allocations) == [
        (a.id, Decimal(3)),
        (b.id, Decimal(2)),
    ]
    assert order.status == OrderStatus.ALLOCATED


def test_when_stock_is_short_the_priority_order_is_served_first(app):
    a, _b = _outlets()
    seed = factories.product(name="玉米种子", unit_weight_kg=1)
    factories.stock(a, seed, 10)
    ordinary = factories.order(household=factories.household(**NEAR_A), lines=[(seed, 8)])
    urgent = factories.order(household=factories.household(**NEAR_B), lines=[(seed, 8)], priority=1)
    db.session.commit()

    result = run_matching()

    assert urgent.status == OrderStatus.ALLOCATED
    assert ordinary.status == OrderStatus.SUBMITTED
    assert ordinary.lines[0].allocated_quantity == 2
    assert [(s.order_id, s.missing) for s in result.shortfalls] == [(ordinary.id, Decimal(6))]


def test_when_stock_is_short_the_older_order_is_served_first(app):
    a, _b = _outlets()
    seed = factories.product(name="玉米种子", unit_weight_kg=1)
    factories.stock(a, seed, 5)
    newer = factories.order(
        household=factories.household(**NEAR_A),
        lines=[(seed, 5)],
        created_at=datetime(2020, 3, 2, 9),
    )
    older = factories.order(
        household=factories.household(**NEAR_B),
        lines=[(seed, 5)],
        created_at=datetime(2020, 3, 1, 9),
    )
    db.session.commit()

    run_matching()

    assert older.status == OrderStatus.ALLOCATED
    assert newer.status == OrderStatus.SUBMITTED
    assert newer.lines[0].allocated_quantity == 0


def test_no_outlet_is_ever_allocated_more_than_it_holds(app):
    a, b = _outlets()
    urea = factories.product(name="尿素")
    factories.stock(a, urea, 7)
    factories.stock(b, urea, 4)
    for i in range(6):
        factories.order(
            household=factories.household(**(NEAR_A if i % 2 else NEAR_B)), lines=[(urea, 3)]
        )
    db.session.commit()

    run_matching()
    db.session.commit()

    for outlet, held in ((a, 7), (b, 4)):
        allocated = db.session.scalar(
            select(func.sum(Allocation.quantity)).where(Allocation.outlet_id == outlet.id)
        )
        assert allocated == held
        assert _stock_of(outlet, urea).reserved == held


def test_running_matching_twice_changes_nothing_the_second_time(app):
    a, _b = _outlets()
    urea = factories.product(name="尿素")
    factories.stock(a, urea, 4)
    factories.order(household=factories.household(**NEAR_A), lines=[(urea, 3)])
    factories.order(household=factories.household(**NEAR_A), lines=[(urea, 3)])
    db.session.commit()

    first = run_matching()
    db.session.commit()
    ledger_rows = db.session.scalar(select(func.count()).select_from(StockChange))
    second = run_matching()
    db.session.commit()

    assert first.changed
    assert not second.changed
    assert db.session.scalar(select(func.count()).select_from(StockChange)) == ledger_rows


def test_cancelling_an_allocated_order_releases_its_stock(app):
    a, _b = _outlets()
    urea = factories.product(name="尿素")
    factories.stock(a, urea, 10)
    order = factories.order(household=factories.household(**NEAR_A), lines=[(urea, 6)])
    db.session.commit()
    run_matching()
    db.session.commit()

    cancel_order(order, reason="农户已自行购买")
    db.session.commit()

    assert order.status == OrderStatus.CANCELLED
    assert _stock_of(a, urea).reserved == 0
    assert order.lines[0].allocations == []
    kinds = [c.kind for c in db.session.scalars(select(StockChange).order_by(StockChange.id))]
    assert kinds == ["reserved", "released"]


def test_with_no_stock_nothing_changes_and_every_line_shows_its_shortfall(app):
    factories.township()
    urea = factories.product(name="尿素")
    order = factories.order(lines=[(urea, 2)])
    db.session.commit()

    result = run_matching()

    assert not result.changed
    assert order.status == OrderStatus.SUBMITTED
    assert [(s.order_id, s.missing) for s in result.shortfalls] == [(order.id, Decimal(2))]


def test_a_households_two_orders_are_matched_to_one_outlet_so_it_is_visited_once(app):
    # Outlet A is nearer and holds urea but no seed; B holds both. Each order alone would
    # go to its own nearest outlet able to cover it (urea from A, seed from B): two
    # outlets, two visits on the day. Kept together, both come from B.
    a, b = _outlets()
    urea = factories.product(name="尿素")
    seed = factories.product(name="玉米种子", unit_weight_kg=1)
    factories.stock(a, urea, 10)
    factories.stock(b, urea, 10)
    factories.stock(b, seed, 10)
    household = factories.household(**NEAR_A)
    urea_order = factories.order(household=household, lines=[(urea, 2)])
    seed_order = factories.order(household=household, lines=[(seed, 2)])
    neighbour_order = factories.order(household=factories.household(**NEAR_A), lines=[(urea, 2)])
    db.session.commit()

    run_matching()

    assert outlets_of(urea_order) | outlets_of(seed_order) == {b.id}
    assert outlets_of(neighbour_order) == {a.id}  # a household on its own keeps the nearest


def test_a_household_whose_home_stock_is_taken_by_more_urgent_orders_chooses_another(app):
    # B is nearer to both households but holds urea for one of them only; the priority
    # household takes it, and the other's whole order goes to A rather than being split.
    a, b = _outlets()
    urea = factories.product(name="尿素")
    seed = factories.product(name="玉米种子", unit_weight_kg=1)
    factories.stock(a, urea, 10)
    factories.stock(a, seed, 10)
    factories.stock(b, urea, 3)
    factories.stock(b, seed, 10)
    urgent = factories.order(
        household=factories.household(**NEAR_B), lines=[(urea, 3), (seed, 1)], priority=1
    )
    later = factories.order(household=factories.household(**NEAR_B), lines=[(urea, 2), (seed, 1)])
    db.session.commit()

    run_matching()

    assert outlets_of(urgent) == {b.id}
    assert outlets_of(later) == {a.id}


def test_a_households_orders_for_different_weeks_each_keep_their_nearest_outlet(app):
    # The seed is wanted a month after the urea: never one visit, so the urea still comes
    # from the nearest outlet and only the seed from the other.
    a, b = _outlets()
    urea = factories.product(name="尿素")
    seed = factories.product(name="玉米种子", unit_weight_kg=1)
    factories.stock(a, urea, 10)
    factories.stock(b, urea, 10)
    factories.stock(b, seed, 10)
    household = factories.household(**NEAR_A)
    urea_order = factories.order(household=household, lines=[(urea, 2)])
    seed_order = factories.order(
        household=household,
        lines=[(seed, 2)],
        wanted_from=datetime(2020, 4, 6).date(),
        wanted_to=datetime(2020, 4, 10).date(),
    )
    db.session.commit()

    run_matching()

    assert {x.outlet_id for x in urea_order.lines[0].allocations} == {a.id}
    assert {x.outlet_id for x in seed_order.lines[0].allocations} == {b.id}
