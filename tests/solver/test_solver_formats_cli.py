"""Instance files and the command line: Solomon and VRPLIB in, JSON routes out."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

from solver import MaxSolutions, check, solve
from solver.bench import run_bench
from solver.formats import read_instance, routes_of

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "solver", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_solomon_distances_are_truncated_tenths():
    inst = read_instance(DATA / "R101_25.txt")
    d = inst.problem.distance_m
    # Node 0 (35,35) to node 1 (41,49): sqrt(36 + 196) = 15.23..., truncated to 15.2.
    assert d[0][1] == 152
    assert inst.scale == 10 and len(inst.problem.vehicles) == 25
    assert (
        inst.problem.jobs[0].service_s == 100 and inst.problem.jobs[0].time_windows[0].end_s == 1710
    )


def test_vrplib_cvrp_rounds_and_has_no_windows():
    inst = read_instance(DATA / "tiny.vrp")
    assert inst.scale == 1
    assert inst.problem.distance_m[0][5] == 5  # (0,0) to (-3,-4)
    assert all(not j.time_windows for j in inst.problem.jobs)


def test_solve_prints_routes_over_file_nodes_with_the_recomputed_distance():
    out = _cli("solve", str(DATA / "tiny.vrp"), "--solutions", "50")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    inst = read_instance(DATA / "tiny.vrp")
    coords = [(0, 0), (0, 3), (0, 6), (4, 0), (8, 0), (-3, -4)]
    total = 0
    for route in result["routes"]:
        path = [0, *route, 0]
        total += sum(round(math.dist(coords[a], coords[b])) for a, b in itertools.pairwise(path))
        assert sum(inst.problem.jobs[n - 1].weight_kg for n in route) <= 10
    assert sorted(n for r in result["routes"] for n in r) == [1, 2, 3, 4, 5]
    assert result["distance"] == total
    assert result["vehicles"] == len(result["routes"])


def test_solution_limit_gives_the_same_routes_in_two_processes():
    a = _cli("solve", str(DATA / "R101_25.txt"), "--solutions", "100")
    b = _cli("solve", str(DATA / "R101_25.txt"), "--solutions", "100")
    assert a.returncode == 0, a.stderr
    assert json.loads(a.stdout) == json.loads(b.stdout)


def test_solomon_solution_is_feasible_and_serves_everyone():
    inst = read_instance(DATA / "C101.txt")
    solution = solve(inst.problem, MaxSolutions(150))
    assert check(inst.problem, solution).ok
    assert not solution.unassigned
    assert sorted(n for r in routes_of(solution) for n in r) == list(range(1, 101))


def test_bench_reports_each_instance_and_a_summary(tmp_path, capsys):
    (tmp_path / "R101_25.txt").write_text((DATA / "R101_25.txt").read_text())
    (tmp_path / "bks.csv").write_text("instance,class,distance\nR101_25,R1,617.1\n")
    assert run_bench(str(tmp_path), MaxSolutions(100)) == 0
    out = capsys.readouterr().out
    assert "R101_25" in out and "summary R1" in out and "summary ALL" in out
    row = next(line for line in out.splitlines() if line.startswith("R101_25"))
    assert row.split()[-1] == "yes"


def test_vrplib_vrptw_uses_truncated_tenths_windows_and_fleet():
    inst = read_instance(DATA / "tiny_tw.vrp")
    assert inst.scale == 10 and len(inst.problem.vehicles) == 2
    assert inst.problem.distance_m[0][1] == 14  # sqrt(2) = 1.41... -> 1.4
    assert inst.problem.jobs[1].time_windows[0].start_s == 100  # ready time 10 in tenths
    out = _cli("solve", str(DATA / "tiny_tw.vrp"), "--solutions", "20")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert sorted(n for r in result["routes"] for n in r) == [1, 2, 3]
    assert result["vehicles"] <= 2
    # 4 + 5 + 6 kg exceed one payload of 10: {1,3}+{2} (24.4) beats {1,2}+{3} (24.5).
    assert result["vehicles"] == 2 and [2] in result["routes"]
