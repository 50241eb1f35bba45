"""Vehicles as they are: a run never goes farther than its vehicle's range, a battery is not
charged between two trips, and a motorcycle holds only so many packages."""

from supply_match.extensions import db
from supply_match.models import VehicleType
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.loading import load_day
from supply_match.services.planning.problem import build_problem
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.planning.vehicles import ITEM_LIMIT, RANGE_KM
from tests import factories
from tests.days import DAY, allocated_orders

SETTINGS = PlanningSettings(solution_limit=30)


def _vehicle_of(built, volunteer):
    return next(v for v in built.problem.vehicles if v.id == str(volunteer.id))


def test_each_vehicle_gets_its_types_range_unless_the_volunteer_has_their_own(county):
    allocated_orders(county, [[(county["seed"], 2)]])
    motor_tricycle, electric_tricycle = county["volunteers"]
    electric_tricycle.range_km = 30
    db.session.commit()
    built = build_problem(load_day(DAY), SETTINGS)
    assert _vehicle_of(built, motor_tricycle).max_distance_m == (
        RANGE_KM[VehicleType.MOTOR_TRICYCLE] * 1000
    )
    assert _vehicle_of(built, electric_tricycle).max_distance_m == 30_000


def test_only_a_motorcycle_has_an_item_limit(county):
    allocated_orders(county, [[(county["seed"], 2)]])
    motorcycle = factories.volunteer(
        township=county["township"], vehicle_type="motorcycle", payload_kg=100
    )
    db.session.commit()
    built = build_problem(load_day(DAY), SETTINGS)
    assert _vehicle_of(built, motorcycle).max_items == ITEM_LIMIT[VehicleType.MOTORCYCLE]
    assert all(_vehicle_of(built, v).max_items is None for v in county["volunteers"])


def test_an_order_beyond_every_vehicles_range_is_not_planned_and_says_why(county):
    near, far = allocated_orders(county, [[(county["seed"], 2)], [(county["seed"], 2)]])
    far.household.lat, far.household.lon = 29.40, 108.30  # some 24 km out, 34 km by road
    for volunteer in county["volunteers"]:
        volunteer.range_km = 25
    db.session.commit()
    plan = plan_day(DAY, SETTINGS)
    assert [missing.order_id for missing in plan.unassigned] == [far.id]
    assert plan.unassigned[0].reason == "beyond_run_limits"
    assert {i.order_id for r in plan.runs for s in r.stops for i in s.items} == {near.id}
    assert all(run.distance_m <= 25_000 for run in plan.runs)


def _tricycle_day(county, range_km):
    """800 kg of urea for the electric tricycle alone (400 kg a trip): two trips of some
    14 km each."""
    orders = allocated_orders(county, [[(county["urea"], 4)] for _ in range(4)])
    tricycle = county["volunteers"][1]
    tricycle.range_km = range_km
    db.session.commit()
    plan = plan_day(DAY, SETTINGS, volunteer_ids=[tricycle.id])
    return orders, plan


def test_an_electric_tricycle_with_charge_enough_makes_both_trips(county):
    orders, plan = _tricycle_day(county, 40)
    assert [run.trip for run in plan.runs] == [1, 2]
    assert not plan.unassigned
    assert sum(run.distance_m for run in plan.runs) <= 40_000


def test_an_electric_tricycles_second_trip_has_only_what_the_first_left_of_the_charge(county):
    """A battery is not charged between trips; a tank would be filled on the way."""
    orders, plan = _tricycle_day(county, 20)
    assert sum(run.distance_m for run in plan.runs) <= 20_000
    assert plan.unassigned
