"""Before the search: split oversized jobs and find what no vehicle can ever serve.

Each job becomes one or more *parts* (one part unless it is heavier than every vehicle that
loads at its outlet). A part that no single vehicle could serve even alone in its run gets a
reason code here, and never reaches the search; for every other part we keep the vehicles
that could serve it alone, which the search then restricts it to.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Job, Problem, Reason, TimeWindow, Vehicle, to_grams


@dataclass(frozen=True)
class Part:
    """A deliverable piece of a job (the whole job unless it was split)."""

    job_index: int
    part: int
    parts: int
    grams: int
    items: int


@dataclass(frozen=True)
class Prepared:
    parts: tuple[Part, ...]
    """Parts that go to the search."""
    allowed: tuple[tuple[int, ...], ...]
    """For each part in ``parts``, the vehicle indices that could serve it alone."""
    rejected: tuple[tuple[Part, Reason], ...]
    """Parts no vehicle could serve, with the reason."""


def split_weights(total: int, n: int) -> list[int]:
    """``total`` split into ``n`` integers as equal as possible (larger ones first)."""
    base, extra = divmod(total, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def split_job(job_index: int, job: Job, max_grams: int, max_items: int | None) -> list[Part]:
    """Split a job into the fewest parts that each fit ``max_grams`` and ``max_items``."""
    grams = to_grams(job.weight_kg)
    n = max(1, _ceil_div(grams, max_grams) if max_grams > 0 else 1)
    if max_items is not None and job.items > 0:
        n = max(n, _ceil_div(job.items, max_items) if max_items > 0 else 1)
    by_weight = _ceil_div(grams, max_grams) if max_grams > 0 else 1
    if n == by_weight and n > 1:
        # Full loads for the biggest vehicles and the remainder for whichever fits it.
        weights = [max_grams] * (n - 1) + [grams - max_grams * (n - 1)]
    else:
        weights = split_weights(grams, n)
    items = split_weights(job.items, n)
    return [Part(job_index, i, n, weights[i], items[i]) for i in range(n)]


def _windows(job: Job, shift: TimeWindow) -> tuple[TimeWindow, ...]:
    return job.time_windows or (shift,)


# Failure stages, ordered by how far a vehicle got before failing.
_OUTSIDE, _UNREACHABLE, _LIMITS, _OK = 0, 1, 2, 3


def _alone_in_run(problem: Problem, v: Vehicle, job: Job) -> int:
    """How far ``job`` gets when it is the only delivery of ``v``'s run."""
    tt = problem.duration_s[v.speed_class]
    dd = problem.distance_m
    o, loc = v.load_at, job.location
    windows = _windows(job, v.shift)
    if not any(w.start_s <= v.shift.end_s and w.end_s >= v.shift.start_s for w in windows):
        return _OUTSIDE
    to_job = tt[v.start][o] + tt[o][loc]
    back = tt[loc][v.end]
    arrive = v.shift.start_s + to_job
    best = _UNREACHABLE
    for w in sorted(windows, key=lambda w: w.start_s):
        if w.end_s < arrive:
            continue
        serve = max(arrive, w.start_s)
        finish = serve + job.service_s + back
        if finish > v.shift.end_s:
            continue
        best = _LIMITS
        duration = to_job + job.service_s + back  # departure can be delayed to avoid waiting
        distance = dd[v.start][o] + dd[o][loc] + dd[loc][v.end]
        if (v.max_duration_s is None or duration <= v.max_duration_s) and (
            v.max_distance_m is None or distance <= v.max_distance_m
        ):
            return _OK
    return best


def prepare(problem: Problem) -> Prepared:
    """Split oversized jobs and sort parts into searchable and rejected (with reasons)."""
    by_outlet: dict[int, list[int]] = {}
    for vi, v in enumerate(problem.vehicles):
        by_outlet.setdefault(v.load_at, []).append(vi)

    parts: list[Part] = []
    allowed: list[tuple[int, ...]] = []
    rejected: list[tuple[Part, Reason]] = []
    for ji, job in enumerate(problem.jobs):
        vehicles = by_outlet.get(job.outlet, [])
        whole = Part(ji, 0, 1, to_grams(job.weight_kg), job.items)
        if not vehicles:
            rejected.append((whole, Reason.NO_VEHICLE_AT_OUTLET))
            continue
        if job.vehicles:
            vehicles = [vi for vi in vehicles if problem.vehicles[vi].id in job.vehicles]
            if not vehicles:
                rejected.append((whole, Reason.NO_ALLOWED_VEHICLE))
                continue
        max_grams = max(to_grams(problem.vehicles[vi].payload_kg) for vi in vehicles)
        item_caps = [problem.vehicles[vi].max_items for vi in vehicles]
        max_items = None if any(c is None for c in item_caps) else max(item_caps)  # type: ignore[type-var]
        fits = whole.grams <= max_grams and (max_items is None or whole.items <= max_items)
        if fits:
            job_parts = [whole]
        elif problem.split_oversized and max_grams > 0 and max_items != 0:
            job_parts = split_job(ji, job, max_grams, max_items)
        else:
            rejected.append((whole, Reason.TOO_HEAVY))
            continue

        # All parts of a job share location and windows, so reachability is judged once.
        stage_by_vehicle = {
            vi: _alone_in_run(problem, problem.vehicles[vi], job) for vi in vehicles
        }
        for p in job_parts:
            ok = tuple(
                vi
                for vi in vehicles
                if stage_by_vehicle[vi] == _OK
                and to_grams(problem.vehicles[vi].payload_kg) >= p.grams
                and (
                    problem.vehicles[vi].max_items is None
                    or problem.vehicles[vi].max_items >= p.items
                )
            )
            if ok:
                parts.append(p)
                allowed.append(ok)
                continue
            carriers = [
                vi
                for vi in vehicles
                if to_grams(problem.vehicles[vi].payload_kg) >= p.grams
                and (
                    problem.vehicles[vi].max_items is None
                    or problem.vehicles[vi].max_items >= p.items
                )
            ]
            if not carriers:
                rejected.append((p, Reason.TOO_HEAVY))
                continue
            stage = max(stage_by_vehicle[vi] for vi in carriers)
            reason = {
                _OUTSIDE: Reason.OUTSIDE_SHIFTS,
                _UNREACHABLE: Reason.TIME_WINDOW_UNREACHABLE,
                _LIMITS: Reason.BEYOND_RUN_LIMITS,
            }[stage]
            rejected.append((p, reason))
    return Prepared(tuple(parts), tuple(allowed), tuple(rejected))
