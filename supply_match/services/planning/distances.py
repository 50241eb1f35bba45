"""Where distances and travel times come from.

A provider turns a list of WGS-84 points into a road-distance matrix (metres) and one
travel-time matrix (seconds) per speed class. The default estimates mountain roads as the
great-circle distance times a circuity factor, driven at a typical speed per vehicle type;
a road-network provider can replace it behind the same interface.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from supply_match.geo import DEFAULT_CIRCUITY, EARTH_RADIUS_M
from supply_match.models import VehicleType

# Average speeds on county and village roads, including the climbs (km/h).
DEFAULT_SPEEDS_KMH: dict[str, float] = {
    VehicleType.ELECTRIC_TRICYCLE: 18,
    VehicleType.MOTOR_TRICYCLE: 25,
    VehicleType.MOTORCYCLE: 30,
    VehicleType.MINIVAN: 35,
    VehicleType.PICKUP: 35,
    VehicleType.LIGHT_TRUCK: 30,
}


class DistanceError(ValueError):
    """Distances cannot be computed for these places (the message says why)."""


@dataclass(frozen=True)
class Matrices:
    distance_m: np.ndarray
    duration_s: Mapping[str, np.ndarray]


class DistanceProvider(Protocol):
    def matrices(
        self, points: Sequence[tuple[float, float]], speed_classes: Iterable[str]
    ) -> Matrices:
        """Distances between every pair of ``points`` and travel times per speed class."""


@dataclass(frozen=True)
class GreatCircleProvider:
    circuity: float = DEFAULT_CIRCUITY
    speeds_kmh: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS_KMH))

    def matrices(
        self, points: Sequence[tuple[float, float]], speed_classes: Iterable[str]
    ) -> Matrices:
        """Great-circle distances (m) times ``circuity``, and durations (s) per speed class."""
        coordinates = np.radians(np.asarray(points, dtype=np.float64).reshape(-1, 2))
        lat, lon = coordinates[:, 0:1], coordinates[:, 1:2]
        # Haversine over all pairs at once: 2,000 points take well under a second.
        d_lat = lat - lat.T
        d_lon = lon - lon.T
        a = np.sin(d_lat / 2) ** 2 + np.cos(lat) * np.cos(lat.T) * np.sin(d_lon / 2) ** 2
        straight = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        road = np.rint(straight * self.circuity).astype(np.int64)
        durations = {}
        for speed_class in set(speed_classes):
            metres_per_second = self.speeds_kmh.get(speed_class, 25) / 3.6
            durations[speed_class] = np.rint(road / metres_per_second).astype(np.int64)
        return Matrices(distance_m=road, duration_s=durations)


def provider_for(circuity: float = DEFAULT_CIRCUITY, *, remember: bool = True) -> DistanceProvider:
    """Road distances when a road network is loaded, else the straight-line estimate.

    ``remember=False`` stores no newly computed legs (for callers inside a transaction that
    already wrote, where a second connection would wait for it)."""
    # Imported here: scipy and the network are only needed once a network is loaded.
    from supply_match.services.planning.roads.store import current_provider

    return current_provider(remember=remember) or GreatCircleProvider(circuity=circuity)


def road_network_loaded() -> bool:
    """Whether distances come from a road network (else they are straight-line estimates)."""
    from supply_match.services.planning.roads.store import current_network

    return current_network() is not None
