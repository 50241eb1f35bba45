"""How fast each vehicle type goes on each road class (km/h), on the county's mountain roads.

A vehicle goes at the road class's speed, or at its own top speed where that is lower.
The figures and their sources are listed in the README ("Road distances").
"""

from __future__ import annotations

from supply_match.models import VehicleType

# OpenStreetMap ``highway`` values a delivery vehicle may drive on, with a typical speed on
# winding, climbing county roads (well below the legal limits: 70 km/h outside towns on a
# road with one lane per direction, 40 km/h without a centre line).
ROAD_CLASS_SPEEDS_KMH: dict[str, float] = {
    "motorway": 80,
    "motorway_link": 40,
    "trunk": 50,
    "trunk_link": 30,
    "primary": 45,
    "primary_link": 30,
    "secondary": 40,
    "secondary_link": 25,
    "tertiary": 30,
    "tertiary_link": 20,
    "unclassified": 25,
    "road": 20,
    "residential": 20,
    "living_street": 10,
    "service": 15,
    "track": 12,
}

# Road classes where a place may be snapped to: nobody hands goods over on an expressway.
NO_STOPPING = frozenset({"motorway", "motorway_link"})

# Top speed of a loaded vehicle on a mountain road.
VEHICLE_TOP_SPEEDS_KMH: dict[str, float] = {
    VehicleType.ELECTRIC_TRICYCLE: 25,
    VehicleType.MOTOR_TRICYCLE: 35,
    VehicleType.MOTORCYCLE: 45,
    VehicleType.MINIVAN: 60,
    VehicleType.PICKUP: 60,
    VehicleType.LIGHT_TRUCK: 50,
}

# Vehicles designed for less than 70 km/h may not enter an expressway (Road Traffic Safety
# Law of the PRC, article 67); tricycles are.
NO_EXPRESSWAY = frozenset(
    {VehicleType.ELECTRIC_TRICYCLE, VehicleType.MOTOR_TRICYCLE, VehicleType.MOTORCYCLE}
)

# A speed class the solver may ask for that names no vehicle type drives at this speed.
FALLBACK_TOP_SPEED_KMH = 30.0


def speed_kmh(vehicle_type: str, road_class: str) -> float | None:
    """Speed of ``vehicle_type`` on ``road_class``; None where it may not drive."""
    if road_class in NO_STOPPING and vehicle_type in NO_EXPRESSWAY:
        return None
    road = ROAD_CLASS_SPEEDS_KMH.get(road_class)
    if road is None:
        return None
    return min(road, VEHICLE_TOP_SPEEDS_KMH.get(vehicle_type, FALLBACK_TOP_SPEED_KMH))
