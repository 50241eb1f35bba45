"""Idle volunteers get the stops their colleagues at another outlet had to drop."""

from dataclasses import replace

import solver
from supply_match.services.rebalance import second_round
from tests.solver.builders import job, plane, van

LIMIT = solver.MaxSolutions(30)

# Outlet A at 1, outlet B at 2; homes at 0 (near A) and 3 (near B); stops 4..7 around A.
POINTS = [(0, 0), (10, 0), (500, 0), (490, 0), (20, 0), (20, 10), (30, 0), (30, 10)]


def _day(b_payload=100, pinned=()):
    problem = plane(
        POINTS,
        [van("a", at=0, payload_kg=100, outlet=1), van("b", at=3, payload_kg=b_payload, outlet=2)],
        [job(f"s{i}", i, 50, outlet=1, vehicles=pinned) for i in range(4, 8)],
    )
    return problem


def test_an_idle_volunteer_moves_to_the_outlet_that_dropped_stops():
    problem = _day()
    first = solver.solve(problem, LIMIT)
    assert len(first.unassigned) == 2 and [r.vehicle_id for r in first.runs] == ["a"]

    result = second_round(problem, first, LIMIT)

    assert result.moved == {"b": 1}
    assert not result.solution.unassigned
    assert sorted(r.vehicle_id for r in result.solution.runs) == ["a", "b"]
    assert solver.check(result.problem, result.solution).ok
    # The first round's run is kept as it was.
    assert result.solution.runs[0] == first.runs[0]


def test_what_the_second_round_cannot_take_stays_unassigned_with_a_reason():
    problem = _day(b_payload=50)
    first = solver.solve(problem, LIMIT)
    result = second_round(problem, first, LIMIT)
    assert len(result.solution.unassigned) == 1
    assert result.solution.unassigned[0].reason == solver.Reason.DROPPED_FOR_PRIORITY
    assert solver.check(result.problem, result.solution).ok


def test_nothing_changes_without_idle_volunteers_or_dropped_stops():
    problem = _day()
    busy = replace(problem, vehicles=problem.vehicles[:1])
    first = solver.solve(busy, LIMIT)
    assert second_round(busy, first, LIMIT).solution is first

    light = replace(problem, jobs=problem.jobs[:2])
    first = solver.solve(light, LIMIT)
    assert not first.unassigned
    assert second_round(light, first, LIMIT).solution is first


def test_stops_pinned_to_a_volunteer_are_not_handed_to_another():
    problem = _day(pinned=("a",))
    first = solver.solve(problem, LIMIT)
    result = second_round(problem, first, LIMIT)
    assert result.solution is first and result.moved == {}
