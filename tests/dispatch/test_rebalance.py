"""Further rounds: idle volunteers and second trips take the stops the first solve dropped."""

from dataclasses import replace

import solver
from supply_match.services.planning.rebalance import further_rounds, vehicle_id, volunteer_and_trip
from tests.solver.builders import job, plane, van

LIMIT = solver.MaxSolutions(30)

# Outlet A at 1, outlet B at 2; homes at 0 (near A) and 3 (near B); stops 4..7 around A.
POINTS = [(0, 0), (10, 0), (500, 0), (490, 0), (20, 0), (20, 10), (30, 0), (30, 10)]
# Long enough for volunteer 2 to come over (about 1,000 s), too short for a second trip
# (under the hour a next trip needs).
SHORT_SHIFT = solver.TimeWindow(0, 2000)


def _day(b_payload=100, pinned=(), shift=SHORT_SHIFT):
    return plane(
        POINTS,
        [
            van("1", at=0, payload_kg=100, outlet=1, shift=shift),
            van("2", at=3, payload_kg=b_payload, outlet=2, shift=shift),
        ],
        [job(f"s{i}", i, 50, outlet=1, vehicles=pinned) for i in range(4, 8)],
    )


def test_vehicle_ids_carry_the_trip():
    assert vehicle_id(12) == "12" and vehicle_id(12, 2) == "12/2"
    assert volunteer_and_trip("12") == (12, 1) and volunteer_and_trip("12/3") == (12, 3)


def test_an_idle_volunteer_moves_to_the_outlet_that_dropped_stops():
    problem = _day()
    first = solver.solve(problem, LIMIT)
    assert len(first.unassigned) == 2 and [r.vehicle_id for r in first.runs] == ["1"]

    result = further_rounds(problem, first, LIMIT)

    assert not result.solution.unassigned
    assert sorted(r.vehicle_id for r in result.solution.runs) == ["1", "2"]
    assert solver.check(result.problem, result.solution).ok
    moved = next(v for v in result.problem.vehicles if v.id == "2")
    assert moved.outlet == 1
    # The first round's run is kept as it was.
    assert result.solution.runs[0] == first.runs[0]


def test_a_volunteer_back_early_makes_a_second_trip():
    long_day = solver.TimeWindow(0, 4 * 3600)
    problem = _day(shift=long_day)
    problem = replace(problem, vehicles=problem.vehicles[:1])
    first = solver.solve(problem, LIMIT)
    assert len(first.unassigned) == 2

    result = further_rounds(problem, first, LIMIT)

    assert not result.solution.unassigned
    first_trip, second_trip = result.solution.runs
    assert (first_trip.vehicle_id, second_trip.vehicle_id) == ("1", "1/2")
    assert second_trip.start_s >= first_trip.end_s
    assert solver.check(result.problem, result.solution).ok


def test_what_further_rounds_cannot_take_stays_unassigned_with_a_reason():
    problem = _day(b_payload=50)
    first = solver.solve(problem, LIMIT)
    result = further_rounds(problem, first, LIMIT)
    assert len(result.solution.unassigned) == 1
    assert result.solution.unassigned[0].reason == solver.Reason.DROPPED_FOR_PRIORITY
    assert solver.check(result.problem, result.solution).ok


def test_nothing_changes_without_candidates_or_dropped_stops():
    problem = _day()
    busy = replace(problem, vehicles=problem.vehicles[:1])
    first = solver.solve(busy, LIMIT)
    assert further_rounds(busy, first, LIMIT).solution is first

    light = replace(problem, jobs=problem.jobs[:2])
    first = solver.solve(light, LIMIT)
    assert not first.unassigned
    assert further_rounds(light, first, LIMIT).solution is first


def test_stops_pinned_to_a_volunteer_are_not_handed_to_another():
    problem = _day(pinned=("1",))
    first = solver.solve(problem, LIMIT)
    result = further_rounds(problem, first, LIMIT)
    assert result.solution is first and result.rounds == 0
