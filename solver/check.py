"""An independent feasibility checker: it reads only the Problem and the Solution.

It shares nothing with the OR-Tools model except the weight unit (``to_grams``), and
recomputes every time and distance from the matrices. Every solver test and benchmark run
goes through it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .model import Problem, Reason, Solution, to_grams


@dataclass(frozen=True)
class CheckResult:
    violations: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.violations

    def __bool__(self) -> bool:
        return self.ok


def check(problem: Problem, solution: Solution) -> CheckResult:
    """Every violation of the problem's rules that ``solution`` commits, in plain words."""
    bad: list[str] = []
    jobs = {j.id: j for j in problem.jobs}
    vehicles = {v.id: v for v in problem.vehicles}
    seen_parts: set[tuple[str, int]] = set()
    part_indices: dict[str, set[int]] = defaultdict(set)
    grams_accounted: dict[str, int] = defaultdict(int)
    parts_of: dict[str, set[int]] = defaultdict(set)

    def account(job_id: str, part: int, parts: int, weight_kg: float, where: str) -> None:
        if job_id not in jobs:
            bad.append(f"{where}: unknown job {job_id}")
            return
        if (job_id, part) in seen_parts:
            bad.append(f"{where}: job {job_id} part {part} appears twice")
        seen_parts.add((job_id, part))
        part_indices[job_id].add(part)
        if not 0 <= part < parts:
            bad.append(f"{where}: job {job_id} part index {part} out of {parts}")
        parts_of[job_id].add(parts)
        grams_accounted[job_id] += to_grams(weight_kg)

    used_vehicles: set[str] = set()
    total_distance = 0
    for r in solution.runs:
        where = f"run {r.vehicle_id}"
        v = vehicles.get(r.vehicle_id)
        if v is None:
            bad.append(f"{where}: unknown vehicle")
            continue
        if r.vehicle_id in used_vehicles:
            bad.append(f"{where}: vehicle makes more than one run")
        used_vehicles.add(r.vehicle_id)
        if not r.stops:
            bad.append(f"{where}: run without stops")
        if r.outlet != v.load_at:
            bad.append(f"{where}: loads at {r.outlet}, vehicle loads at {v.load_at}")
        tt = problem.duration_s[v.speed_class]
        dd = problem.distance_m

        # Load: everything is loaded at the outlet, so the peak is at departure.
        grams = sum(to_grams(s.weight_kg) for s in r.stops)
        if grams > to_grams(v.payload_kg):
            bad.append(f"{where}: load {grams / 1000} kg exceeds payload {v.payload_kg} kg")
        if grams != to_grams(r.load_kg):
            bad.append(f"{where}: reported load {r.load_kg} kg, stops carry {grams / 1000} kg")
        items = sum(s.items for s in r.stops)
        if v.max_items is not None and items > v.max_items:
            bad.append(f"{where}: {items} items exceed {v.max_items}")

        # Times and distance, leg by leg: start -> outlet -> stops -> end.
        if r.start_s < v.shift.start_s:
            bad.append(f"{where}: leaves at {r.start_s} before shift start {v.shift.start_s}")
        t = r.start_s + tt[v.start][r.outlet]
        prev = r.outlet
        dist = dd[v.start][r.outlet]
        classes: list[tuple[str, frozenset[str]]] = []
        for s in r.stops:
            account(s.job_id, s.part, s.parts, s.weight_kg, where)
            job = jobs.get(s.job_id)
            if job is None:
                continue
            if job.outlet != r.outlet:
                bad.append(f"{where}: job {job.id} loads at {job.outlet}, run at {r.outlet}")
            if job.vehicles and r.vehicle_id not in job.vehicles:
                bad.append(f"{where}: job {job.id} may only ride with {', '.join(job.vehicles)}")
            if s.location != job.location:
                bad.append(f"{where}: job {job.id} delivered to {s.location}, not {job.location}")
            arrive = t + tt[prev][job.location]
            dist += dd[prev][job.location]
            if s.arrival_s != arrive:
                bad.append(
                    f"{where}: job {job.id} reported arrival {s.arrival_s}, recomputed {arrive}"
                )
            if s.service_start_s < arrive:
                bad.append(
                    f"{where}: job {job.id} served at {s.service_start_s} before arrival {arrive}"
                )
            windows = job.time_windows or (v.shift,)
            if not any(w.start_s <= s.service_start_s <= w.end_s for w in windows):
                bad.append(
                    f"{where}: job {job.id} served at {s.service_start_s} outside its windows"
                )
            if s.departure_s != s.service_start_s + job.service_s:
                bad.append(f"{where}: job {job.id} departure {s.departure_s} != start + service")
            t = s.service_start_s + job.service_s
            prev = job.location
            classes.append((job.id, job.classes))
        back = t + tt[prev][v.end]
        dist += dd[prev][v.end]
        if r.end_s < back:
            bad.append(f"{where}: reported end {r.end_s} before recomputed return {back}")
        if r.end_s > v.shift.end_s:
            bad.append(f"{where}: ends at {r.end_s} after shift end {v.shift.end_s}")
        if v.max_duration_s is not None and r.end_s - r.start_s > v.max_duration_s:
            bad.append(f"{where}: duration {r.end_s - r.start_s} s exceeds {v.max_duration_s} s")
        if v.max_distance_m is not None and dist > v.max_distance_m:
            bad.append(f"{where}: distance {dist} m exceeds {v.max_distance_m} m")
        if dist != r.distance_m:
            bad.append(f"{where}: reported distance {r.distance_m} m, recomputed {dist} m")
        total_distance += dist
        for i, (a_id, a) in enumerate(classes):
            for b_id, b in classes[i + 1 :]:
                if problem.conflicts(a, b):
                    bad.append(f"{where}: jobs {a_id} and {b_id} have incompatible classes")

    for u in solution.unassigned:
        account(u.job_id, u.part, u.parts, u.weight_kg, "unassigned")
        if not isinstance(u.reason, Reason):
            bad.append(f"unassigned job {u.job_id}: no reason code")

    for job in problem.jobs:
        if job.id not in grams_accounted:
            bad.append(f"job {job.id} neither served nor reported unassigned")
            continue
        if len(parts_of[job.id]) != 1:
            bad.append(f"job {job.id}: parts disagree on how many parts there are")
        else:
            (n,) = parts_of[job.id]
            missing = set(range(n)) - part_indices[job.id]
            if missing:
                bad.append(f"job {job.id}: parts {sorted(missing)} missing")
        if grams_accounted[job.id] != to_grams(job.weight_kg):
            bad.append(
                f"job {job.id}: parts weigh {grams_accounted[job.id] / 1000} kg, "
                f"job weighs {job.weight_kg} kg"
            )
    if total_distance != solution.distance_m:
        bad.append(f"total distance {solution.distance_m}, recomputed {total_distance}")
    return CheckResult(tuple(bad))
