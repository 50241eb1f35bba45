"""Every form of VRPLIB file the conventions allow, on small files written here: service
times, demands and time windows once in the header or as sections, VEHICLES given or not,
the depot anywhere, explicit edge weights."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from solver import MaxSolutions, check, solve
from solver.formats import read_instance, routes_of

ROOT = Path(__file__).parents[2]

COORDS = """NODE_COORD_SECTION
1 0 0
2 3 4
3 6 0
4 0 8
5 10 10
"""
WINDOWS = """TIME_WINDOW_SECTION
1 0 1000
2 0 100
3 50 200
4 0 300
5 0 900
"""

# How the 1,000-customer VRPTW instances are distributed: one SERVICE_TIME in the header.
GH_LIKE = (
    "NAME : gh_like\nTYPE : VRPTW\nDIMENSION : 5\nVEHICLES : 3\nCAPACITY : 20\n"
    "SERVICE_TIME : 9\nEDGE_WEIGHT_TYPE : EUC_2D\n" + COORDS + "DEMAND_SECTION\n"
    "1 0\n2 5\n3 5\n4 5\n5 5\n" + WINDOWS + "DEPOT_SECTION\n1\n-1\nEOF\n"
)


def _write(tmp_path: Path, text: str, name: str = "x.vrp") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _solved(path: Path):
    instance = read_instance(path)
    solution = solve(instance.problem, MaxSolutions(30))
    assert check(instance.problem, solution).ok
    assert not solution.unassigned
    return instance, solution


def test_service_time_once_in_the_header_applies_to_every_customer_not_the_depot(tmp_path):
    # How the 1,000-customer VRPTW instances are distributed (the reader crashed on it).
    path = _write(
        tmp_path,
        GH_LIKE,
    )
    instance, solution = _solved(path)
    assert instance.scale == 10
    assert [j.service_s for j in instance.problem.jobs] == [90, 90, 90, 90]
    assert len(instance.problem.vehicles) == 3
    assert instance.problem.jobs[1].time_windows[0].start_s == 500
    assert instance.problem.vehicles[0].shift.end_s == 10_000
    assert sorted(n for r in routes_of(solution) for n in r) == [1, 2, 3, 4]


def test_the_command_line_solves_the_header_service_time_form(tmp_path):
    path = _write(
        tmp_path,
        GH_LIKE,
    )
    out = subprocess.run(
        [sys.executable, "-m", "solver", "solve", str(path), "--solutions", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert sorted(n for r in json.loads(out.stdout)["routes"] for n in r) == [1, 2, 3, 4]


def test_sections_for_service_times_and_no_vehicles_give_a_fleet_bound(tmp_path):
    path = _write(
        tmp_path,
        "NAME : sections\nTYPE : VRPTW\nDIMENSION : 5\nCAPACITY : 10\n"
        "EDGE_WEIGHT_TYPE : EUC_2D\n"
        + COORDS
        + "DEMAND_SECTION\n1 0\n2 4\n3 4\n4 4\n5 4\n"
        + WINDOWS
        + "SERVICE_TIME_SECTION\n1 0\n2 1\n3 2\n4 3\n5 4\nDEPOT_SECTION\n1\n-1\nEOF\n",
    )
    instance, _ = _solved(path)
    assert [j.service_s for j in instance.problem.jobs] == [10, 20, 30, 40]
    # 16 kg over payloads of 10: at least 2 runs, so max(2 * 2, 2 + 5) = 7, capped at 4 customers.
    assert len(instance.problem.vehicles) == 4


def test_demand_and_time_window_once_in_the_header(tmp_path):
    path = _write(
        tmp_path,
        "NAME : scalars\nTYPE : VRPTW\nDIMENSION : 5\nCAPACITY : 2\nDEMAND : 1\n"
        "TIME_WINDOW : 0 500\nSERVICE_TIME : 1\nEDGE_WEIGHT_TYPE : EUC_2D\n" + COORDS + "EOF\n",
    )
    instance, solution = _solved(path)
    assert [j.weight_kg for j in instance.problem.jobs] == [1, 1, 1, 1]
    assert all(j.time_windows[0].end_s == 5000 for j in instance.problem.jobs)
    assert instance.problem.vehicles[0].shift.end_s == 5000
    assert len(solution.runs) >= 2  # payload 2 for four unit demands


def test_a_depot_that_is_not_the_first_node(tmp_path):
    path = _write(
        tmp_path,
        "NAME : depot3\nTYPE : CVRP\nDIMENSION : 5\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : EUC_2D\n"
        + COORDS
        + "DEMAND_SECTION\n1 3\n2 3\n3 0\n4 3\n5 3\nDEPOT_SECTION\n3\n-1\nEOF\n",
    )
    instance, solution = _solved(path)
    assert instance.depot == 2
    assert all(v.start == v.end == 2 for v in instance.problem.vehicles)
    assert sorted(n for r in routes_of(solution) for n in r) == [0, 1, 3, 4]
    assert instance.scale == 1  # CVRP: Euclid rounded to integers
    assert instance.problem.distance_m[2][0] == 6


def test_explicit_edge_weights_without_coordinates(tmp_path):
    path = _write(
        tmp_path,
        "NAME : explicit\nTYPE : CVRP\nDIMENSION : 4\nCAPACITY : 10\n"
        "EDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : FULL_MATRIX\n"
        "EDGE_WEIGHT_SECTION\n0 4 5 6\n4 0 2 9\n5 2 0 3\n6 9 3 0\n"
        "DEMAND_SECTION\n1 0\n2 3\n3 3\n4 3\nDEPOT_SECTION\n1\n-1\nEOF\n",
    )
    instance, solution = _solved(path)
    assert instance.problem.distance_m[1][3] == 9
    assert solution.distance_m == 4 + 2 + 3 + 6  # one run 0-1-2-3-0


def test_several_depots_are_refused_clearly(tmp_path):
    path = _write(
        tmp_path,
        "NAME : two\nTYPE : CVRP\nDIMENSION : 5\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : EUC_2D\n"
        + COORDS
        + "DEMAND_SECTION\n1 0\n2 3\n3 3\n4 3\n5 3\nDEPOT_SECTION\n1\n2\n-1\nEOF\n",
    )
    with pytest.raises(ValueError, match="2 depots"):
        read_instance(path)


def test_a_section_with_the_wrong_number_of_rows_is_refused(tmp_path):
    path = _write(
        tmp_path,
        "NAME : short\nTYPE : CVRP\nDIMENSION : 5\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : EUC_2D\n"
        + COORDS
        + "DEMAND_SECTION\n1 0\n2 3\n3 3\nDEPOT_SECTION\n1\n-1\nEOF\n",
    )
    with pytest.raises(ValueError, match="DEMAND_SECTION has 3 rows for 5 nodes"):
        read_instance(path)
