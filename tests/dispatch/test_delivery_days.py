"""The dispatcher's list of days with goods waiting."""

from datetime import date, timedelta

from supply_match.extensions import db
from supply_match.models import OrderStatus
from supply_match.services.planning.delivery_days import upcoming
from supply_match.services.supply.matching import run_matching
from tests import factories
from tests.days import DAY, household


def _orders(county, ranges):
    orders = [
        factories.order(
            household=household(county, i),
            lines=[(county["urea"], 2)],
            wanted_from=start,
            wanted_to=end,
        )
        for i, (start, end) in enumerate(ranges)
    ]
    db.session.commit()
    run_matching()
    db.session.commit()
    return orders


def test_each_day_counts_the_orders_that_can_go_and_those_due(county):
    next_day = DAY + timedelta(days=1)
    _orders(county, [(DAY, DAY), (DAY, next_day), (next_day, next_day)])
    days = upcoming(today=DAY).days
    assert [(d.day, d.orders, d.last_day_orders) for d in days] == [
        (DAY, 2, 1),
        (next_day, 2, 2),
    ]
    assert days[0].weight_kg == 200  # two orders of 2 x 50 kg
    # Both county volunteers work every day by default.
    assert days[0].volunteers == 2 and days[0].payload_kg == 900


def test_past_ranges_start_the_list_at_their_first_day_and_today_trims_it(county):
    _orders(county, [(DAY, DAY + timedelta(days=3))])
    assert upcoming(today=date(2030, 1, 1)).first_day == DAY
    later = DAY + timedelta(days=2)
    result = upcoming(today=later)
    assert result.first_day == later and len(result.days) == 2


def test_orders_past_their_range_are_counted_apart_when_others_are_current(county):
    _orders(county, [(DAY, DAY), (DAY + timedelta(days=5), DAY + timedelta(days=6))])
    result = upcoming(today=DAY + timedelta(days=3))
    assert result.overdue_orders == 1
    assert [d.day for d in result.days] == [DAY + timedelta(days=5), DAY + timedelta(days=6)]


def test_cancelled_and_submitted_orders_do_not_count(county):
    (order,) = _orders(county, [(DAY, DAY)])
    order.transition_to(OrderStatus.CANCELLED)
    db.session.commit()
    assert upcoming(today=DAY).days == []
