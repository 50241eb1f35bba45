"""Pooling rules: what merges into one stop and what stays apart."""

from decimal import Decimal

from supply_match.services.planning.pooling import PoolItem, PoolOrder, pool_orders

_line_ids = iter(range(1, 10_000))


def item(order_id, category="fertilizer", quantity=2, weight=50, outlet=1):
    return PoolItem(
        order_id,
        next(_line_ids),
        hash(category) % 100,
        category,
        Decimal(quantity),
        Decimal(weight),
        outlet,
    )


def order(
    order_id,
    household=1,
    village=1,
    point="home",
    lat=29.3,
    lon=108.2,
    window=None,
    priority=0,
    items=None,
):
    return PoolOrder(
        order_id,
        household,
        village,
        point,
        lat,
        lon,
        f"户{household}",
        window,
        priority,
        tuple(items or [item(order_id)]),
    )


def test_two_orders_of_one_household_become_one_stop():
    stops = pool_orders([order(1), order(2)])
    assert len(stops) == 1
    assert stops[0].order_ids == [1, 2]
    assert stops[0].weight_kg == 200


def test_orders_for_one_collection_point_merge_across_households():
    stops = pool_orders(
        [
            order(1, household=1, point="collection"),
            order(2, household=2, point="collection"),
            order(3, household=3, point="home"),
        ]
    )
    assert sorted(s.order_ids for s in stops) == [[1, 2], [3]]
    collection = next(s for s in stops if s.delivery_point == "collection")
    assert collection.household_id is None


def test_a_field_point_is_another_stop_than_the_home():
    stops = pool_orders([order(1), order(2, point="field", lat=29.31, lon=108.22)])
    assert len(stops) == 2


def test_goods_from_two_outlets_are_two_stops():
    stops = pool_orders([order(1, items=[item(1, outlet=1), item(1, outlet=2)])])
    assert sorted(s.outlet_id for s in stops) == [1, 2]


def test_pesticide_gets_its_own_stop_when_the_rule_is_on():
    mixed = order(
        1, items=[item(1, "seed", weight=1), item(1, "pesticide", weight=1), item(1, "fertilizer")]
    )
    separate = pool_orders([mixed], separate_pesticide=True)
    assert sorted(sorted(s.classes) for s in separate) == [["fertilizer", "seed"], ["pesticide"]]
    together = pool_orders([mixed], separate_pesticide=False)
    assert len(together) == 1


def test_different_time_windows_do_not_merge():
    stops = pool_orders(
        [order(1, window=(8 * 3600, 12 * 3600)), order(2, window=(14 * 3600, 18 * 3600))]
    )
    assert len(stops) == 2


def test_a_stop_takes_the_highest_priority_and_service_grows_with_units():
    stops = pool_orders(
        [order(1, items=[item(1, quantity=1)]), order(2, priority=1, items=[item(2, quantity=20)])]
    )
    assert stops[0].priority == 1
    small = pool_orders([order(3, items=[item(3, quantity=1)])])[0]
    assert stops[0].service_s > small.service_s
    assert stops[0].units == 21


def test_pesticide_stays_with_fertilizer_in_one_stop_when_no_seed_comes():
    """The household is visited once: only seed forces pesticide onto another run."""
    mixed = order(1, items=[item(1, "pesticide", weight=1), item(1, "fertilizer")])
    (stop,) = pool_orders([mixed], separate_pesticide=True)
    assert stop.classes == {"pesticide", "fertilizer"}


def test_a_household_s_pesticide_order_joins_its_fertilizer_order_in_one_stop():
    fertilizer = order(1, items=[item(1, "fertilizer")])
    spray = order(2, items=[item(2, "pesticide", weight=1)])
    (stop,) = pool_orders([fertilizer, spray], separate_pesticide=True)
    assert stop.order_ids == [1, 2]
