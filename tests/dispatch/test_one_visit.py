"""One visit per household per day: what would make a second visit waits for another day
of the wanted range, and stays open until it is delivered; what cannot wait is a second
visit the plan page names with its reason."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from supply_match.extensions import db
from supply_match.models import Order, OrderStatus, Role
from supply_match.services.delivery import phone_updates
from supply_match.services.planning import visits
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.loading import eligible_orders
from supply_match.services.planning.order_plans import order_on_plan
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.reoptimizing import reoptimize
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.supply.matching import run_matching
from tests import factories
from tests.days import DAY, household
from tests.test_pooling import item, order

SETTINGS = PlanningSettings(solution_limit=30)
NEXT_DAY = DAY + timedelta(days=1)


def _seed_and_spray_order(county, wanted_to):
    new = factories.order(
        household=household(county, 0),
        lines=[(county["seed"], 3), (county["spray"], 2)],
        wanted_from=DAY,
        wanted_to=wanted_to,
    )
    db.session.commit()
    run_matching()
    db.session.commit()
    return new


def _household_stops(plan, household_id):
    return [
        (run, stop) for run in plan.runs for stop in run.stops if stop.household_id == household_id
    ]


def test_pesticide_waits_for_another_day_when_the_household_gets_seed(county):
    wanted = _seed_and_spray_order(county, wanted_to=NEXT_DAY)
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()

    ((_run, stop),) = _household_stops(plan, wanted.household_id)
    assert {i.order_line.product.category for i in stop.items} == {"seed"}
    (missing,) = plan.unassigned
    assert (missing.order_id, missing.reason) == (wanted.id, visits.WAITS_APART_FROM_SEED)
    assert plan.settings["second_visits"] == []
    # The cadre reads that the rest waits for another day, and why.
    on_plan = order_on_plan(wanted)
    assert on_plan.partly and "农药不得与今天送给该户的种子同车" in on_plan.reason


def _deliver(plan, household_id):
    ((run, stop),) = _household_stops(plan, household_id)
    phone_updates.apply_stop_update(
        run.volunteer, change_id=f"c{stop.id}", stop_id=stop.id, action="delivered"
    )
    db.session.commit()


def test_the_waiting_part_stays_open_and_is_planned_the_next_day(county):
    wanted = _seed_and_spray_order(county, wanted_to=NEXT_DAY)
    first_plan = plan_day(DAY, SETTINGS)
    publish(first_plan)
    assert db.session.get(Order, wanted.id).status == OrderStatus.SCHEDULED
    # The seed handed over: the order stays open for its pesticide.
    _deliver(first_plan, wanted.household_id)
    assert db.session.get(Order, wanted.id).status == OrderStatus.SCHEDULED

    # The next day offers only the pesticide, and publishing it keeps the order scheduled.
    assert [o.id for o in eligible_orders(NEXT_DAY)] == [wanted.id]
    next_plan = plan_day(NEXT_DAY, SETTINGS)
    # Re-optimizing the next day plans the rest again, never what the first day carried.
    for planned in (next_plan, reoptimize(next_plan, SETTINGS)):
        ((_run, stop),) = _household_stops(planned, wanted.household_id)
        assert [(i.order_line.product.category, i.quantity) for i in stop.items] == [
            ("pesticide", Decimal(2))
        ]
    assert not next_plan.unassigned
    publish(next_plan)
    assert db.session.get(Order, wanted.id).status == OrderStatus.SCHEDULED
    assert eligible_orders(NEXT_DAY + timedelta(days=1)) == []
    _deliver(next_plan, wanted.household_id)
    assert db.session.get(Order, wanted.id).status == OrderStatus.DELIVERED


def test_goods_that_cannot_wait_make_a_second_visit_named_on_the_plan_page(county, client):
    wanted = _seed_and_spray_order(county, wanted_to=DAY)
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()

    visited = _household_stops(plan, wanted.household_id)
    assert len({run.id for run, _stop in visited}) == 2  # never seed and pesticide on one run
    assert plan.settings["second_visits"] == [
        {
            "household_id": wanted.household_id,
            "label": visited[0][1].label,
            "reason": visits.SECOND_VISIT_PESTICIDE,
        }
    ]
    factories.user(Role.DISPATCHER, username="disp")
    db.session.commit()
    client.post("/login", data={"login": "disp", "password": factories.PASSWORD})
    page = client.get(f"/plans/{DAY.isoformat()}?lang=en").get_data(as_text=True)
    assert "data-second-visits" in page
    assert "Pesticide and seed are both wanted by today and may not ride together" in page
    api = client.get(f"/api/v1/plans/{DAY.isoformat()}").get_json()
    assert api["second_visits"] == plan.settings["second_visits"]


def test_goods_at_a_second_outlet_wait_when_they_can():
    both = order(
        1, items=[item(1, "fertilizer", 2, 50, outlet=1), item(1, "fertilizer", 1, 50, outlet=2)]
    )
    day = visits.plan_visits([replace(both, can_wait=True)])
    assert [stop.outlet_id for stop in day.stops] == [1]
    assert [(w.item.outlet_id, w.reason) for w in day.waiting] == [
        (2, visits.WAITS_FOR_OTHER_OUTLET)
    ]

    today = visits.plan_visits([both])  # wanted by today: both outlets send theirs
    assert sorted(stop.outlet_id for stop in today.stops) == [1, 2]
    assert [v.reason for v in today.second_visits] == [visits.SECOND_VISIT_OUTLETS]


def test_a_household_s_orders_share_the_window_they_all_allow():
    day = visits.plan_visits(
        [
            order(1, window=(8 * 3600, 12 * 3600)),
            order(2, window=(10 * 3600, 16 * 3600)),
            order(3),
        ]
    )
    (stop,) = day.stops
    assert stop.order_ids == [1, 2, 3]
    assert stop.window_s == (10 * 3600, 12 * 3600)
    assert day.second_visits == []
