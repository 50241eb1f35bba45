"""The data the solver reads and writes: plain, immutable dataclasses.

Units are in the names: ``_kg`` kilograms, ``_s`` seconds, ``_m`` metres. Locations are
referred to by their index in ``Problem.locations``; matrices are indexed the same way.
Times are seconds from an origin the caller chooses (e.g. midnight of the delivery day).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Matrix = Sequence[Sequence[int]]


@dataclass(frozen=True)
class TimeWindow:
    """Service may start at any time in ``[start_s, end_s]`` (both inclusive)."""

    start_s: int
    end_s: int

    def __post_init__(self) -> None:
        if self.end_s < self.start_s:
            raise ValueError(f"time window ends before it starts: {self}")


@dataclass(frozen=True)
class Location:
    """A place: a home, an outlet or a delivery point. Coordinates are informative only."""

    id: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Vehicle:
    """A volunteer's vehicle for one day: it makes at most one run.

    The run leaves ``start`` no earlier than ``shift.start_s``, loads at ``outlet`` (by
    default the start location), delivers its jobs and reaches ``end`` no later than
    ``shift.end_s``. ``speed_class`` selects the travel-time matrix in ``Problem.duration_s``.
    ``fixed_cost`` is added to the objective (in metres of driving) if the vehicle is used.
    """

    id: str
    start: int
    end: int
    payload_kg: float
    shift: TimeWindow
    speed_class: str = "default"
    outlet: int | None = None
    max_items: int | None = None
    max_duration_s: int | None = None
    max_distance_m: int | None = None
    fixed_cost: int = 0

    def __post_init__(self) -> None:
        if not self.payload_kg >= 0:
            raise ValueError(f"vehicle {self.id!r}: payload_kg must be >= 0, got {self.payload_kg}")
        for name in ("max_items", "max_duration_s", "max_distance_m"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"vehicle {self.id!r}: {name} must be >= 0, got {value}")
        if self.fixed_cost < 0:
            raise ValueError(f"vehicle {self.id!r}: fixed_cost must be >= 0, got {self.fixed_cost}")
        if not isinstance(self.shift, TimeWindow):
            raise ValueError(f"vehicle {self.id!r}: shift must be a TimeWindow, got {self.shift!r}")

    @property
    def load_at(self) -> int:
        """The location where this vehicle loads its goods."""
        return self.start if self.outlet is None else self.outlet


@dataclass(frozen=True)
class Job:
    """One delivery: ``weight_kg`` loaded at ``outlet`` and handed over at ``location``.

    ``time_windows`` empty means any time within the vehicle's shift. ``priority`` (>= 1)
    scales what leaving the job undone costs: when not everything fits, lower priorities
    are dropped first. ``classes`` are product classes (e.g. ``"pesticide"``) checked against
    ``Problem.incompatible``. ``vehicles``, when not empty, are the ids of the only vehicles
    the job may ride with (a dispatcher's locked stop stays with its volunteer).
    """

    id: str
    location: int
    outlet: int
    weight_kg: float
    service_s: int = 0
    time_windows: tuple[TimeWindow, ...] = ()
    items: int = 0
    priority: int = 1
    classes: frozenset[str] = frozenset()
    vehicles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # ``not x >= 0`` also refuses NaN.
        if not self.weight_kg >= 0:
            raise ValueError(f"job {self.id!r}: weight_kg must be >= 0, got {self.weight_kg}")
        if self.service_s < 0:
            raise ValueError(f"job {self.id!r}: service_s must be >= 0, got {self.service_s}")
        if self.items < 0:
            raise ValueError(f"job {self.id!r}: items must be >= 0, got {self.items}")
        if self.priority < 1:
            raise ValueError(f"job {self.id!r}: priority must be >= 1, got {self.priority}")
        if not all(isinstance(w, TimeWindow) for w in self.time_windows):
            raise ValueError(f"job {self.id!r}: time_windows must be TimeWindows")


@dataclass(frozen=True)
class Problem:
    """Everything one solve needs.

    ``distance_m[i][j]`` is the road distance from location i to j; ``duration_s[c][i][j]``
    the travel time for vehicles of speed class ``c``. ``incompatible`` lists pairs of job
    classes that must never share a run (empty: the rule is off). Jobs heavier than every
    vehicle loading at their outlet are split into parts that fit when ``split_oversized``.
    The objective is total distance plus used vehicles' fixed costs plus, for every job part
    left undone, ``drop_cost * priority``.
    """

    locations: Sequence[Location]
    distance_m: Matrix
    duration_s: Mapping[str, Matrix]
    vehicles: Sequence[Vehicle]
    jobs: Sequence[Job]
    incompatible: Sequence[tuple[str, str]] = ()
    split_oversized: bool = True
    drop_cost: int | None = None
    """Objective cost (in metres of driving) of leaving one priority point undone. ``None``:
    large enough that serving one more job is always worth more than the detour."""

    def __post_init__(self) -> None:
        """Every index names a location, every matrix is square over the locations, every
        vehicle's speed class has a matrix, ids are unique: a clear error here rather than
        an IndexError deep in the search."""
        n = len(self.locations)
        _check_square("distance_m", self.distance_m, n)
        for speed_class, matrix in self.duration_s.items():
            _check_square(f"duration_s[{speed_class!r}]", matrix, n)
        for v in self.vehicles:
            for name in ("start", "end", "outlet"):
                index = getattr(v, name)
                if index is not None and not 0 <= index < n:
                    raise ValueError(
                        f"vehicle {v.id!r}: {name} {index} is not a location (0..{n - 1})"
                    )
            if v.speed_class not in self.duration_s:
                raise ValueError(
                    f"vehicle {v.id!r}: no duration_s matrix for speed class {v.speed_class!r}"
                )
        for j in self.jobs:
            for name in ("location", "outlet"):
                index = getattr(j, name)
                if not 0 <= index < n:
                    raise ValueError(f"job {j.id!r}: {name} {index} is not a location (0..{n - 1})")
        for what, ids in (
            ("job", [j.id for j in self.jobs]),
            ("vehicle", [v.id for v in self.vehicles]),
        ):
            if len(set(ids)) < len(ids):
                twice = sorted({i for i in ids if ids.count(i) > 1})[:3]
                raise ValueError(f"{what} ids must be unique; repeated: {twice}")
        if self.drop_cost is not None and self.drop_cost < 0:
            raise ValueError(f"drop_cost must be >= 0, got {self.drop_cost}")

    def conflicts(self, a: frozenset[str], b: frozenset[str]) -> bool:
        """True when goods of classes ``a`` and ``b`` may not ride in the same run."""
        return any((x in a and y in b) or (y in a and x in b) for x, y in self.incompatible)


def _check_square(name: str, matrix: Matrix, n: int) -> None:
    shape = getattr(matrix, "shape", None)
    if shape is not None:
        ok = tuple(shape) == (n, n)
    else:
        ok = len(matrix) == n and all(len(row) == n for row in matrix)
    if not ok:
        raise ValueError(f"{name} must be {n} x {n} (one row and column per location)")


class Reason(enum.StrEnum):
    """Why a job (or a part of a split job) is not in any run."""

    TOO_HEAVY = "too_heavy"
    """Heavier (or more items) than every vehicle that loads at its outlet, and not split."""
    NO_VEHICLE_AT_OUTLET = "no_vehicle_at_outlet"
    """No vehicle loads at the job's outlet."""
    NO_ALLOWED_VEHICLE = "no_allowed_vehicle"
    """The job is restricted to vehicles (``Job.vehicles``) none of which loads at its outlet."""
    OUTSIDE_SHIFTS = "outside_shifts"
    """None of its time windows overlaps the shift of a vehicle that could carry it."""
    TIME_WINDOW_UNREACHABLE = "time_window_unreachable"
    """No vehicle can get there within a time window and still end its shift in time."""
    BEYOND_RUN_LIMITS = "beyond_run_limits"
    """Even alone in a run it exceeds every vehicle's max run duration or distance."""
    DROPPED_FOR_PRIORITY = "dropped_for_priority"
    """Feasible on its own, but capacity or time ran out and other jobs were preferred."""
    SEARCH_LIMIT = "search_limit"
    """The search stopped before it found any plan for this job's outlet: give it more time."""


@dataclass(frozen=True)
class Stop:
    """A delivery of (a part of) one job within a run."""

    job_id: str
    part: int
    parts: int
    location: int
    weight_kg: float
    items: int
    arrival_s: int
    service_start_s: int
    departure_s: int


@dataclass(frozen=True)
class Run:
    """One vehicle's trip: leave ``start_s``, load at the outlet, stops in order, end ``end_s``."""

    vehicle_id: str
    outlet: int
    stops: tuple[Stop, ...]
    start_s: int
    end_s: int
    load_kg: float
    items: int
    distance_m: int

    @property
    def duration_s(self) -> int:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Unassigned:
    """(A part of) a job that no run serves, and why."""

    job_id: str
    part: int
    parts: int
    weight_kg: float
    reason: Reason


@dataclass(frozen=True)
class Solution:
    """Runs and unassigned jobs; ``objective`` is what the search minimised."""

    runs: tuple[Run, ...]
    unassigned: tuple[Unassigned, ...]
    objective: int
    wall_time_s: float = 0.0
    stats: Mapping[str, object] = field(default_factory=dict)

    @property
    def distance_m(self) -> int:
        return sum(r.distance_m for r in self.runs)

    @property
    def vehicles_used(self) -> int:
        return len(self.runs)

    def explain(self) -> str:
        """A human-readable account of the plan, one line per run and stop."""
        lines = [
            f"{len(self.runs)} runs, {self.distance_m} m, "
            f"{sum(len(r.stops) for r in self.runs)} stops, {len(self.unassigned)} unassigned"
        ]
        for r in self.runs:
            lines.append(
                f"run {r.vehicle_id}: load {r.load_kg:g} kg, {r.distance_m} m, "
                f"{r.start_s}s -> {r.end_s}s ({r.duration_s}s)"
            )
            for s in r.stops:
                part = f" part {s.part + 1}/{s.parts}" if s.parts > 1 else ""
                lines.append(
                    f"  job {s.job_id}{part} at {s.location}: arrive {s.arrival_s}s, "
                    f"serve {s.service_start_s}s, leave {s.departure_s}s, {s.weight_kg:g} kg"
                )
        for u in self.unassigned:
            part = f" part {u.part + 1}/{u.parts}" if u.parts > 1 else ""
            lines.append(f"unassigned job {u.job_id}{part}: {u.reason.value}")
        return "\n".join(lines)


@dataclass(frozen=True)
class SolveLimits:
    """When to stop searching. A solution limit (without time) makes results reproducible.

    ``time_s``: wall-clock seconds. ``solutions``: number of improving solutions the search
    may find. At least one should be set; both may be, and the first reached stops.
    """

    time_s: float | None = None
    solutions: int | None = None


def MaxRuntime(seconds: float) -> SolveLimits:  # noqa: N802 (reads like PyVRP's class)
    """Stop after ``seconds`` of wall time."""
    return SolveLimits(time_s=seconds)


def MaxSolutions(count: int) -> SolveLimits:  # noqa: N802
    """Stop after ``count`` solutions: deterministic."""
    return SolveLimits(solutions=count)


GRAMS_PER_KG = 1000


def to_grams(weight_kg: float) -> int:
    """The integer unit capacities are computed in (the solver and the checker agree on it)."""
    return round(weight_kg * GRAMS_PER_KG)
