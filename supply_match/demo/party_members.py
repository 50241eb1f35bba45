"""Each township's own party members (党员志愿者), as in the Pengshui practice: they carry
goods to the homes and fields of their own villages, in the vehicles people there own.

Added after the builder's county-wide volunteers (who keep to their home townships too),
with the builder's random generator, so everything built before stays row for row.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from supply_match.models import Township, VehicleType, Village, Volunteer

if TYPE_CHECKING:
    from supply_match.demo.builder import _Builder

# Members per township: a couple for the township community plus about one per village.
BASE_PER_TOWNSHIP = 2
PER_VILLAGE = 1
# What people own by kind of township (relative frequencies): electric tricycles and
# minivans in the streets of the county seat, farm tricycles and motorcycles up the hills.
VEHICLES_BY_KIND = {
    "街道": {
        VehicleType.ELECTRIC_TRICYCLE: 30,
        VehicleType.MINIVAN: 30,
        VehicleType.MOTOR_TRICYCLE: 15,
        VehicleType.PICKUP: 10,
        VehicleType.LIGHT_TRUCK: 10,
        VehicleType.MOTORCYCLE: 5,
    },
    "镇": {
        VehicleType.MOTOR_TRICYCLE: 35,
        VehicleType.MINIVAN: 20,
        VehicleType.ELECTRIC_TRICYCLE: 20,
        VehicleType.PICKUP: 10,
        VehicleType.MOTORCYCLE: 10,
        VehicleType.LIGHT_TRUCK: 5,
    },
    "乡": {
        VehicleType.MOTOR_TRICYCLE: 40,
        VehicleType.MOTORCYCLE: 20,
        VehicleType.MINIVAN: 15,
        VehicleType.ELECTRIC_TRICYCLE: 10,
        VehicleType.PICKUP: 10,
        VehicleType.LIGHT_TRUCK: 5,
    },
}
# Share of members on duty every day; the others give three to five days a week.
EVERY_DAY_SHARE = 0.2
DUTY_DAYS_PER_WEEK = (3, 5)


def _nearest_other(township: Township, townships: list[Township]) -> Township:
    return min(
        (t for t in townships if t is not township),
        key=lambda t: math.hypot(t.lat - township.lat, t.lon - township.lon),
    )


def township_party_members(
    builder: _Builder, townships: list[Township], villages: list[Village]
) -> list[Volunteer]:
    """A handful of volunteers for every township, living in its villages, on duty on some
    days of the week. In each 乡 one of them also covers the nearest township, as
    neighbours help out where few people live."""
    from supply_match.demo.builder import ALL_DAYS, SHIFTS, VEHICLES, _weighted

    rng = builder.rng
    payloads = {vehicle: (span, plated) for vehicle, _share, span, plated in VEHICLES}
    members = []
    for township in townships:
        own = [v for v in villages if v.township is township]
        kinds = VEHICLES_BY_KIND[township.kind]
        for number in range(BASE_PER_TOWNSHIP + PER_VILLAGE * len(own)):
            village = rng.choice(own)
            vehicle = _weighted(rng, list(kinds.items()))
            (low, high), plated = payloads[vehicle]
            home_lat, home_lon = builder.near(village.lat, village.lon, 0.1, 1.5)
            shift_start, shift_end = _weighted(rng, SHIFTS)
            if rng.random() < EVERY_DAY_SHARE:
                duty_days = ALL_DAYS
            else:
                days = rng.sample(range(7), rng.randint(*DUTY_DAYS_PER_WEEK))
                duty_days = sum(1 << day for day in days)
            member = Volunteer(
                name=builder.person(younger=True),
                mobile=builder.mobile(),
                party_branch=f"{township.name}{village.name}党支部",
                township=township,
                vehicle_type=vehicle,
                plate=builder.plate() if plated else None,
                payload_kg=rng.randrange(low, high + 1, 10 if high < 200 else 50),
                home_lat=home_lat,
                home_lon=home_lon,
                duty_days=duty_days,
                shift_start=shift_start,
                shift_end=shift_end,
                active=True,
                token_version=1,
            )
            if township.kind == "乡" and number == 0:
                member.area_townships = [township, _nearest_other(township, townships)]
            members.append(member)
    return members
