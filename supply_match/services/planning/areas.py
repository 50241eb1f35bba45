"""Volunteers' service areas in planning: each stop goes only to volunteers whose area holds
it (in the Pengshui practice party members carried goods within their own villages).

A stop that no volunteer on duty covers never reaches the solver; it is reported with its
own reason, naming the township, so that the dispatcher knows whom to call on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from supply_match.models import Volunteer
from supply_match.services.planning.pooling import PooledStop

# Stored as ``UnassignedOrder.reason`` next to the solver's reason codes.
NO_VOLUNTEER_IN_AREA = "no_volunteer_in_area"


@dataclass
class Coverage:
    """Which volunteers may serve each stop, by stop key; stops nobody covers; volunteers
    who cover at least one stop (the only ones worth giving to the solver)."""

    volunteers_of: dict[str, frozenset[int]] = field(default_factory=dict)
    uncovered: list[PooledStop] = field(default_factory=list)
    useful_volunteers: list[Volunteer] = field(default_factory=list)


def coverage(
    stops: Sequence[PooledStop],
    volunteers: Sequence[Volunteer],
    township_of_village: Mapping[int, int],
    pinned: Mapping[str, frozenset[int]] | None = None,
) -> Coverage:
    """Who covers each of ``stops``. ``pinned`` stops (locked to volunteers by the
    dispatcher) go to those volunteers whatever their areas: a lock is a decision."""
    pinned = pinned or {}
    result = Coverage()
    useful: set[int] = set()
    for stop in stops:
        if stop.key in pinned:
            allowed = pinned[stop.key]
        else:
            township_id = township_of_village[stop.village_id]
            allowed = frozenset(v.id for v in volunteers if v.covers(stop.village_id, township_id))
        if not allowed:
            result.uncovered.append(stop)
            continue
        result.volunteers_of[stop.key] = allowed
        useful |= allowed
    result.useful_volunteers = [v for v in volunteers if v.id in useful]
    return result
