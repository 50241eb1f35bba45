"""What each vehicle type can do in a day, beyond its payload: how far it goes on a charge or
a tank, whether it is topped up between two trips, and how many packages it holds.

Defaults per vehicle type with their sources are in the README ("Vehicles"); a volunteer's
own ``range_km`` replaces the default for their vehicle.
"""

from __future__ import annotations

from supply_match.models import VehicleType, Volunteer

# On a charge or a full tank, loaded, on mountain roads.
RANGE_KM: dict[str, int] = {
    VehicleType.ELECTRIC_TRICYCLE: 50,
    VehicleType.MOTOR_TRICYCLE: 250,
    VehicleType.MOTORCYCLE: 300,
    VehicleType.MINIVAN: 400,
    VehicleType.PICKUP: 500,
    VehicleType.LIGHT_TRUCK: 500,
}

# A tank fills in minutes at the filling station on the way back; a battery charges for
# hours, so an electric tricycle's second trip has only what the first one left.
RECHARGED_BETWEEN_TRIPS = frozenset(RANGE_KM) - {VehicleType.ELECTRIC_TRICYCLE}

# Packages (bags, bottles, boxes) tied on a motorcycle's rack; other vehicles' beds hold
# more packages than their payload allows.
ITEM_LIMIT: dict[str, int] = {VehicleType.MOTORCYCLE: 8}


def range_m(volunteer: Volunteer) -> int:
    """How far the volunteer's vehicle goes in a run (metres)."""
    km = volunteer.range_km or RANGE_KM.get(volunteer.vehicle_type, RANGE_KM[VehicleType.MINIVAN])
    return int(km * 1000)


def item_limit(vehicle_type: str) -> int | None:
    """Packages the vehicle holds at once, or None where its payload is the only limit."""
    return ITEM_LIMIT.get(vehicle_type)


def recharged_between_trips(vehicle_type: str) -> bool:
    return vehicle_type in RECHARGED_BETWEEN_TRIPS
