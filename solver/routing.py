"""The OR-Tools model: parts become nodes, vehicles become routes. Nothing of OR-Tools leaves.

Node layout: one node per part, then one start node per distinct (start, outlet) pair and one
end node per distinct end location. A start node's outgoing arcs already include the leg to
the outlet (start -> outlet -> first stop), so loading at the outlet costs no extra node and
the arcs stay plain matrices registered in C++ (no Python callback in the search).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from .lns import FastModel
from .model import Problem, Reason, Run, Solution, SolveLimits, Stop, Unassigned, to_grams
from .options import FirstSearch, SearchOptions
from .prepare import Part, Prepared, prepare

GUARD_FAILURES_PER_SOLUTION = 200
MAX_POLISH_ATTEMPTS = 200
PAIR_EJECTION_MAX_ROUTE = 12
MAX_FILL_CANDIDATES = 12
FILL_ALL_POSITIONS_MAX_RUN = 12


class _Layout:
    """Maps model nodes to parts, start and end locations, and builds the arc matrices."""

    def __init__(self, problem: Problem, parts: tuple[Part, ...]) -> None:
        self.problem = problem
        self.parts = parts
        vs = problem.vehicles
        self.start_keys = sorted({(v.start, v.load_at) for v in vs})
        self.end_keys = sorted({v.end for v in vs})
        p = len(parts)
        self.first_start = p
        self.first_end = p + len(self.start_keys)
        self.size = self.first_end + len(self.end_keys)
        start_node = {k: p + i for i, k in enumerate(self.start_keys)}
        end_node = {e: self.first_end + i for i, e in enumerate(self.end_keys)}
        self.vehicle_start = [start_node[(v.start, v.load_at)] for v in vs]
        self.vehicle_end = [end_node[v.end] for v in vs]
        self.part_loc = np.array(
            [problem.jobs[pt.job_index].location for pt in parts], dtype=np.int64
        )

    def matrix(self, base, service: np.ndarray | None = None) -> np.ndarray:
        """Node-to-node arcs from a location matrix (plus service time of the from-node)."""
        m = np.asarray(base, dtype=np.int64)
        p, loc = len(self.parts), self.part_loc
        out = np.zeros((self.size, self.size), dtype=np.int64)
        out[:p, :p] = m[np.ix_(loc, loc)]
        ends = np.array(self.end_keys, dtype=np.int64)
        out[:p, self.first_end :] = m[np.ix_(loc, ends)]
        starts = np.array([s for s, _ in self.start_keys], dtype=np.int64)
        outlets = np.array([o for _, o in self.start_keys], dtype=np.int64)
        out[self.first_start : self.first_end, :p] = (
            m[starts, outlets][:, None] + m[np.ix_(outlets, loc)]
        )
        if service is not None:
            out[:p, :] += service[:, None]
        np.fill_diagonal(out, 0)  # never used as an arc; keeps the matrix tidy
        return out


def _register(routing: pywrapcp.RoutingModel, matrix: np.ndarray) -> int:
    # RegisterTransitMatrix copies into C++; the Python copy is dropped right after.
    return routing.RegisterTransitMatrix(matrix.tolist())


def _search_parameters(limits: SolveLimits, options: FirstSearch):
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, options.first_solution
    )
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, options.metaheuristic
    )
    params.guided_local_search_lambda_coefficient = options.gls_lambda
    params.ls_operator_neighbors_ratio = options.neighbors_ratio
    params.ls_operator_min_neighbors = options.min_neighbors
    params.use_multi_armed_bandit_concatenate_operators = options.bandit
    for name in options.extra_operators:
        setattr(params.local_search_operators, name, optional_boolean_pb2.BOOL_TRUE)
    for name in options.disabled_operators:
        setattr(params.local_search_operators, name, optional_boolean_pb2.BOOL_FALSE)
    if limits.time_s is not None:
        params.time_limit.FromMilliseconds(max(1, int(limits.time_s * 1000)))
    if limits.solutions is not None:
        params.solution_limit = limits.solutions
        if limits.time_s is None:
            # LNS sub-searches are cut by wall time (0.1 s by default): on a loaded machine
            # that would make solution-limited runs differ. Let them finish instead.
            params.lns_time_limit.FromSeconds(60)
    params.log_search = options.log_search
    return params


def _drop_penalty_unit(layout: _Layout, dist: np.ndarray, problem: Problem) -> int:
    """A penalty per priority point larger than anything serving one more part can cost."""
    if problem.drop_cost is not None:
        return problem.drop_cost
    max_arc = int(dist.max()) if dist.size else 0
    max_fixed = max((v.fixed_cost for v in problem.vehicles), default=0)
    return 4 * max_arc + max_fixed + 1


def solve_model(
    problem: Problem, limits: SolveLimits, options: SearchOptions, seed: int = 1
) -> Solution:
    """Solve, one outlet at a time when there are several.

    A job rides only with vehicles loading at its outlet, so outlets share nothing: the day
    splits exactly into one independent problem per outlet. Each gets a share of the time
    proportional to its jobs (what an outlet leaves unused passes on to the next). On 2,000
    stops this turns one model that found no first solution in 120 s into a dozen small ones.
    """
    t0 = time.perf_counter()
    outlets = sorted({v.load_at for v in problem.vehicles} | {j.outlet for j in problem.jobs})
    if len(outlets) < 2:
        return _solve_one(problem, limits, options, seed)
    groups = []
    for o in outlets:
        jobs = [j for j in problem.jobs if j.outlet == o]
        vehicles = [v for v in problem.vehicles if v.load_at == o]
        if jobs:
            groups.append(replace(problem, jobs=jobs, vehicles=vehicles))
    runs, unassigned, objective, stats = [], [], 0, {"outlets": len(groups)}
    remaining_jobs = sum(len(g.jobs) for g in groups)
    for g in sorted(groups, key=lambda g: -len(g.jobs)):
        share = limits
        if limits.time_s is not None:
            left = limits.time_s - (time.perf_counter() - t0)
            share = SolveLimits(
                time_s=max(0.05, left * len(g.jobs) / remaining_jobs), solutions=limits.solutions
            )
        remaining_jobs -= len(g.jobs)
        part = _solve_one(g, share, options, seed)
        runs += part.runs
        unassigned += part.unassigned
        objective += part.objective
        for key, value in part.stats.items():
            if isinstance(value, int) and key != "status":
                stats[key] = stats.get(key, 0) + value
    order = {v.id: i for i, v in enumerate(problem.vehicles)}
    runs.sort(key=lambda r: order[r.vehicle_id])
    return Solution(tuple(runs), tuple(unassigned), objective, time.perf_counter() - t0, stats)


def _solve_one(
    problem: Problem, limits: SolveLimits, options: SearchOptions, seed: int
) -> Solution:
    t0 = time.perf_counter()
    prepared = prepare(problem)
    parts = prepared.parts
    unassigned = [_unassigned(problem, p, r) for p, r in prepared.rejected]
    vehicles = problem.vehicles
    if not parts or not vehicles:
        return Solution((), tuple(unassigned), 0, time.perf_counter() - t0)

    layout = _Layout(problem, parts)
    manager = pywrapcp.RoutingIndexManager(
        layout.size, len(vehicles), layout.vehicle_start, layout.vehicle_end
    )
    routing = pywrapcp.RoutingModel(manager)

    dist = layout.matrix(problem.distance_m)
    penalty_unit = _drop_penalty_unit(layout, dist, problem)
    dist_cb = _register(routing, dist)
    routing.SetArcCostEvaluatorOfAllVehicles(dist_cb)
    if any(v.max_distance_m is not None for v in vehicles):
        cap = [
            v.max_distance_m if v.max_distance_m is not None else int(dist.sum()) for v in vehicles
        ]
        routing.AddDimensionWithVehicleCapacity(dist_cb, 0, cap, True, "distance")
    del dist

    for vi, v in enumerate(vehicles):
        if v.fixed_cost:
            routing.SetFixedCostOfVehicle(int(v.fixed_cost), vi)

    # Capacities: weight in grams, optionally items. Demands are a per-node vector.
    grams = [pt.grams for pt in parts] + [0] * (layout.size - len(parts))
    weight_cb = routing.RegisterUnaryTransitVector(grams)
    routing.AddDimensionWithVehicleCapacity(
        weight_cb, 0, [to_grams(v.payload_kg) for v in vehicles], True, "weight"
    )
    if any(pt.items for pt in parts):
        items = [pt.items for pt in parts] + [0] * (layout.size - len(parts))
        items_cb = routing.RegisterUnaryTransitVector(items)
        big = sum(items)
        routing.AddDimensionWithVehicleCapacity(
            items_cb,
            0,
            [v.max_items if v.max_items is not None else big for v in vehicles],
            True,
            "items",
        )

    # Time: one matrix per speed class, travel plus service at the from-node.
    service = np.array([problem.jobs[pt.job_index].service_s for pt in parts], dtype=np.int64)
    time_cb_by_class = {}
    for cls in sorted({v.speed_class for v in vehicles}):
        time_cb_by_class[cls] = _register(routing, layout.matrix(problem.duration_s[cls], service))
    horizon = max(v.shift.end_s for v in vehicles)
    routing.AddDimensionWithVehicleTransits(
        [time_cb_by_class[v.speed_class] for v in vehicles], horizon, horizon, False, "time"
    )
    time_dim = routing.GetDimensionOrDie("time")
    for vi, v in enumerate(vehicles):
        time_dim.CumulVar(routing.Start(vi)).SetRange(v.shift.start_s, v.shift.end_s)
        time_dim.CumulVar(routing.End(vi)).SetRange(v.shift.start_s, v.shift.end_s)
        if v.max_duration_s is not None:
            time_dim.SetSpanUpperBoundForVehicle(int(v.max_duration_s), vi)

    for node, pt in enumerate(parts):
        index = manager.NodeToIndex(node)
        job = problem.jobs[pt.job_index]
        if job.time_windows:
            ws = sorted(job.time_windows, key=lambda w: w.start_s)
            var = time_dim.CumulVar(index)
            var.SetRange(ws[0].start_s, max(w.end_s for w in ws))
            covered = ws[0].end_s
            for w in ws[1:]:
                if w.start_s > covered + 1:
                    var.RemoveInterval(covered + 1, w.start_s - 1)
                covered = max(covered, w.end_s)
        routing.AddDisjunction([index], penalty_unit * max(1, job.priority))

    _add_incompatibilities(problem, parts, manager, routing)
    _restrict_vehicles(problem, prepared, layout, routing)

    model_s = time.perf_counter() - t0
    search_limits = limits
    if limits.time_s is not None:
        # The limit covers the whole call: model building so far, the search, and the
        # eject-and-fill polish, which gets the last 5 %.
        left = limits.time_s - (time.perf_counter() - t0)
        first = 0.95 * left * (1 - options.ruin_recreate.share)
        search_limits = SolveLimits(time_s=max(0.05, first), solutions=limits.solutions)
    params = _search_parameters(search_limits, options.first)
    guard = None
    if limits.solutions is not None and limits.time_s is None:
        # A metaheuristic can wander forever without finding a new solution on a tiny problem;
        # a failure count is deterministic, unlike a clock.
        guard = routing.solver().FailuresLimit(GUARD_FAILURES_PER_SOLUTION * limits.solutions)
        routing.AddSearchMonitor(guard)
    assignment = routing.SolveWithParameters(params)
    first_s = time.perf_counter() - t0
    status = routing.status()
    if assignment is None:
        # With every part optional this only happens when the limit hit before a first solution.
        unassigned += [_unassigned(problem, pt, Reason.SEARCH_LIMIT) for pt in parts]
        return Solution((), tuple(unassigned), 0, time.perf_counter() - t0, {"status": int(status)})

    search = _Search(problem, prepared, routing, manager, penalty_unit, limits, t0, options, seed)
    best = _Incumbent(
        _routes(routing, manager, assignment), int(assignment.ObjectiveValue()), assignment
    )
    rr_iterations = 0
    if options.ruin_recreate.share > 0:
        best, rr_iterations = _sisr(search, best)
    loop_s = time.perf_counter() - t0
    routes, objective, moves = _eject_and_fill(search, best)

    runs = []
    served: set[int] = set()
    for v, route in zip(vehicles, routes, strict=True):
        if route:
            served.update(route)
            runs.append(_schedule_run(problem, v, [parts[n] for n in route]))
    for node, pt in enumerate(parts):
        if node not in served:
            unassigned.append(_unassigned(problem, pt, Reason.DROPPED_FOR_PRIORITY))
    return Solution(
        tuple(runs),
        tuple(unassigned),
        objective,
        time.perf_counter() - t0,
        {
            "status": int(status),
            "nodes": layout.size,
            "ruin_recreate_iterations": rr_iterations,
            "eject_fill_moves": moves,
            # Seconds from the start of this (outlet's) solve to the end of each stage.
            "model_built_ms": round(model_s * 1000),
            "first_search_ms": round(first_s * 1000),
            "ruin_recreate_ms": round(loop_s * 1000),
        },
    )


@dataclass
class _Search:
    """One (single-outlet) solve: the OR-Tools model and what the stages after the first
    search share."""

    problem: Problem
    prepared: Prepared
    routing: pywrapcp.RoutingModel
    manager: pywrapcp.RoutingIndexManager
    penalty_unit: int
    limits: SolveLimits
    started: float  # perf_counter at the start of the solve
    options: SearchOptions
    seed: int

    def routes_of(self, assignment) -> list[list[int]]:
        return _routes(self.routing, self.manager, assignment)

    def read_routes(self, routes: list[list[int]]):
        """OR-Tools' assignment of ``routes`` (None when its constraints reject them)."""
        return self.routing.ReadAssignmentFromRoutes(
            [[self.manager.NodeToIndex(x) for x in r] for r in routes], True
        )


@dataclass
class _Incumbent:
    """The best solution so far: part nodes per vehicle, objective, OR-Tools assignment."""

    routes: list[list[int]]
    objective: int
    assignment: object


def _sisr(search: _Search, best: _Incumbent) -> tuple[_Incumbent, int]:
    """Our own ruin-and-recreate (``lns.py``) from the OR-Tools solution; its best routes
    go back into OR-Tools: ReadAssignmentFromRoutes re-checks them and a greedy descent of
    OR-Tools' operators polishes them. Returns the better of the two and the number of
    steps; OR-Tools' solution unchanged (and a negative count) if anything does not add up."""
    options, limits = search.options, search.limits
    fast = FastModel(
        search.problem, search.prepared, search.penalty_unit, options.ruin_recreate, search.seed
    )
    if not all(fast.run_ok(v, r) for v, r in enumerate(best.routes)):
        return best, 0
    if limits.time_s is not None:
        end = search.started + (0.97 - options.polish.share) * limits.time_s
        found, _, steps = fast.search(best.routes, end, None)
        polish_until = max(time.perf_counter() + 0.01, search.started + 0.97 * limits.time_s)
    else:
        budget = (limits.solutions or 0) * options.ruin_recreate.steps_per_solution
        found, _, steps = fast.search(best.routes, None, budget)
        polish_until = None
    polished = _polish(search, best.assignment, found, polish_until)
    if polished is None:
        return best, -steps  # never seen; the sign flags it
    if int(polished.ObjectiveValue()) <= best.objective:
        best = _Incumbent(search.routes_of(polished), int(polished.ObjectiveValue()), polished)
    return best, steps


def _renew_search_limit(routing, assignment) -> None:
    """After a time-limited OR-Tools search the model's search limit is spent, and
    ReadAssignmentFromRoutes then rejects every route set, silently (found on RC208: all
    17,000 steps of an earlier loop rejected). A search that stops at its first solution
    (the given assignment) renews it at no cost."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.solution_limit = 1
    routing.SolveFromAssignmentWithParameters(assignment, params)


def _polish(search: _Search, assignment, routes: list[list[int]], until: float | None):
    """``routes`` read into OR-Tools and improved by a greedy descent (until ``until``, a
    perf_counter time, or to the end); a copy of the resulting assignment, or None if
    OR-Tools rejects the routes."""
    routing, polish = search.routing, search.options.polish
    _renew_search_limit(routing, assignment)
    initial = search.read_routes(routes)
    if initial is None:
        return None
    initial = routing.solver().Assignment(initial)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic,
        polish.metaheuristic if until is not None else "GREEDY_DESCENT",
    )
    params.guided_local_search_lambda_coefficient = search.options.first.gls_lambda
    if until is not None:
        params.time_limit.FromMilliseconds(max(1, int((until - time.perf_counter()) * 1000)))
        params.lns_time_limit.FromMilliseconds(polish.lns_ms)
    else:
        params.lns_time_limit.FromSeconds(60)
    result = routing.SolveFromAssignmentWithParameters(initial, params)
    if result is not None and result.ObjectiveValue() <= initial.ObjectiveValue():
        return routing.solver().Assignment(result)
    return initial


def _routes(routing, manager, assignment) -> list[list[int]]:
    """Part nodes per vehicle, in visit order."""
    routes = []
    for vi in range(routing.vehicles()):
        route = []
        index = assignment.Value(routing.NextVar(routing.Start(vi)))
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = assignment.Value(routing.NextVar(index))
        routes.append(route)
    return routes


def _eject_and_fill(search: _Search, best: _Incumbent) -> tuple[list[list[int]], int, int]:
    """Our own move around OR-Tools: a run gives up some parts so dropped parts can ride.

    OR-Tools' operators insert, remove or swap one node at a time, and the drop penalty is
    large, so "drop one 15 kg job, take two 5 kg jobs" or "drop the seed, take two pesticide
    jobs" is never reached one step at a time. Here a run ejects one or two parts (or every part
    that conflicts with a dropped class), takes in dropped parts while it stays feasible,
    then a greedy descent re-places everything; the result is kept when the objective drops.
    Returns the routes, their objective and the number of moves kept.
    """
    problem, prepared, manager, routing = (
        search.problem,
        search.prepared,
        search.manager,
        search.routing,
    )
    routes, objective = best.routes, best.objective
    parts = prepared.parts
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    limits = search.limits
    deadline = None if limits.time_s is None else search.started + limits.time_s
    allowed = [set(ok) for ok in prepared.allowed]
    classes = [problem.jobs[pt.job_index].classes for pt in parts]
    priority = [problem.jobs[pt.job_index].priority for pt in parts]
    # Fill greedily by priority, then by priority per kilogram (a knapsack's usual greedy).
    fill_orders = (
        lambda n: (-priority[n], _opens(problem, parts[n]), n),
        lambda n: (-priority[n] / max(1, parts[n].grams), _opens(problem, parts[n]), n),
    )
    moves, attempts = 0, 0
    improved = True
    if any(n not in {m for r in routes for m in r} for n in range(len(parts))) and (
        deadline is not None
    ):
        _renew_search_limit(routing, best.assignment)
    while improved and attempts < MAX_POLISH_ATTEMPTS:
        improved = False
        served = {n for r in routes for n in r}
        dropped = [n for n in range(len(parts)) if n not in served]
        if not dropped:
            break
        for vi, route in enumerate(routes):
            fits = [n for n in dropped if vi in allowed[n]]
            if not fits:
                continue
            ejections = [[n] for n in route]
            if len(route) <= PAIR_EJECTION_MAX_ROUTE:
                ejections += [[a, b] for i, a in enumerate(route) for b in route[i + 1 :]]
            for cls in sorted({classes[n] for n in fits if classes[n]}, key=sorted):
                clash = [n for n in route if problem.conflicts(classes[n], cls)]
                if clash:
                    ejections.append(clash)
            for eject in ejections:
                if attempts >= MAX_POLISH_ATTEMPTS or (
                    deadline is not None and time.perf_counter() > deadline
                ):
                    return routes, objective, moves
                attempts += 1
                keep = [n for n in route if n not in eject]
                result = None
                for order in fill_orders:
                    trial_route = _fill(
                        problem, parts, routing, manager, routes, vi, keep, fits, order, classes
                    )
                    if trial_route is None:
                        continue
                    trial = [list(r) for r in routes]
                    trial[vi] = trial_route
                    initial = routing.ReadAssignmentFromRoutes(
                        [[manager.NodeToIndex(n) for n in r] for r in trial], True
                    )
                    if deadline is not None:
                        left = max(0.01, deadline - time.perf_counter())
                        params.time_limit.FromMilliseconds(int(left * 1000))
                    result = routing.SolveFromAssignmentWithParameters(initial, params)
                    if result is not None and result.ObjectiveValue() < objective:
                        break
                # Assignments belong to the model and are reused by the next solve: copy out.
                if result is not None and result.ObjectiveValue() < objective:
                    objective = int(result.ObjectiveValue())
                    routes = _routes(routing, manager, result)
                    moves, improved = moves + 1, True
                    break
            if improved:
                break
    return routes, objective, moves


def _fill(problem, parts, routing, manager, routes, vi, keep, fits, order, classes):
    """``keep`` plus as many dropped parts as stay feasible (taken in ``order``), or None
    when none fits. Each part goes where its window opening says, or else at the first
    position OR-Tools accepts (every position is tried on short runs)."""
    current = list(keep)
    added = False
    for n in sorted(fits, key=order)[:MAX_FILL_CANDIDATES]:
        if any(problem.conflicts(classes[n], classes[m]) for m in current):
            continue
        opens = _opens(problem, parts[n])
        by_window = sum(1 for m in current if _opens(problem, parts[m]) <= opens)
        positions = [by_window]
        if len(current) <= FILL_ALL_POSITIONS_MAX_RUN:
            positions += [p for p in range(len(current) + 1) if p != by_window]
        for pos in positions:
            candidate = [*current[:pos], n, *current[pos:]]
            trial = [list(r) for r in routes]
            trial[vi] = candidate
            if routing.ReadAssignmentFromRoutes(
                [[manager.NodeToIndex(m) for m in r] for r in trial], True
            ):
                current, added = candidate, True
                break
    return current if added else None


def _opens(problem: Problem, pt: Part) -> int:
    windows = problem.jobs[pt.job_index].time_windows
    return min((w.start_s for w in windows), default=0)


def _unassigned(problem: Problem, pt: Part, reason: Reason) -> Unassigned:
    job = problem.jobs[pt.job_index]
    return Unassigned(job.id, pt.part, pt.parts, pt.grams / 1000, reason)


def _restrict_vehicles(problem: Problem, prepared, layout: _Layout, routing) -> None:
    """Jobs that name their vehicles (``Job.vehicles``) ride with no other.

    ``SetAllowedVehiclesForIndex`` cannot be called from Python in OR-Tools 9.15, and
    restricting ``VehicleVar`` domains is invisible to the local-search filters. Instead a
    dimension of capacity 0 gives each vehicle a unary vector with 1 at the parts it may not
    carry: the filters reject such a move at once, and the vectors stay in C++. Vehicles with
    the same forbidden parts share one vector.
    """
    if not any(problem.jobs[pt.job_index].vehicles for pt in prepared.parts):
        return
    allowed = [set(ok) for ok in prepared.allowed]
    callbacks: dict[tuple[int, ...], int] = {}
    per_vehicle = []
    for vi in range(len(problem.vehicles)):
        forbidden = tuple(n for n, ok in enumerate(allowed) if vi not in ok)
        if forbidden not in callbacks:
            vector = [0] * layout.size
            for n in forbidden:
                vector[n] = 1
            callbacks[forbidden] = routing.RegisterUnaryTransitVector(vector)
        per_vehicle.append(callbacks[forbidden])
    routing.AddDimensionWithVehicleTransits(per_vehicle, 0, 0, True, "allowed_vehicles")


def _add_incompatibilities(problem: Problem, parts, manager, routing) -> None:
    """Each distinct class set is a visit type; conflicting types may not share a route."""
    if not problem.incompatible:
        return
    types: dict[frozenset[str], int] = {}
    for node, pt in enumerate(parts):
        classes = problem.jobs[pt.job_index].classes
        if not classes:
            continue
        t = types.setdefault(classes, len(types))
        routing.SetVisitType(
            manager.NodeToIndex(node), t, pywrapcp.RoutingModel.TYPE_ADDED_TO_VEHICLE
        )
    for a, ta in types.items():
        for b, tb in types.items():
            if ta <= tb and problem.conflicts(a, b):
                routing.AddHardTypeIncompatibility(ta, tb)
                if ta != tb:
                    routing.AddHardTypeIncompatibility(tb, ta)


def _schedule_run(problem: Problem, v, route: list[Part]) -> Run:
    """Times of a run: earliest feasible schedule, then departure delayed to cut waiting."""
    tt = problem.duration_s[v.speed_class]
    dd = problem.distance_m
    o = v.load_at
    t = v.shift.start_s + tt[v.start][o]
    prev = o
    dist = dd[v.start][o]
    arrivals, starts, latest = [], [], []
    for pt in route:
        job = problem.jobs[pt.job_index]
        arrive = t + tt[prev][job.location]
        windows = sorted(job.time_windows or (v.shift,), key=lambda w: w.start_s)
        w = next((w for w in windows if w.end_s >= arrive), windows[-1])
        serve = max(arrive, w.start_s)
        arrivals.append(arrive)
        starts.append(serve)
        latest.append(w.end_s)
        t = serve + job.service_s
        dist += dd[prev][job.location]
        prev = job.location
    end = t + tt[prev][v.end]
    dist += dd[prev][v.end]
    # Delay the departure by as much waiting as can be absorbed without breaking a window.
    waits = 0
    delay = None
    for a, s, lat in zip(arrivals, starts, latest, strict=True):
        waits += s - a
        room = lat - s + waits
        delay = room if delay is None else min(delay, room)
    delay = max(0, min(waits, delay if delay is not None else 0, v.shift.end_s - v.shift.start_s))
    stops = []
    shift_by = delay
    for pt, a, s in zip(route, arrivals, starts, strict=True):
        job = problem.jobs[pt.job_index]
        a2 = a + shift_by
        s2 = max(s, a2)
        shift_by = s2 - s
        stops.append(
            Stop(
                job.id,
                pt.part,
                pt.parts,
                job.location,
                pt.grams / 1000,
                pt.items,
                a2,
                s2,
                s2 + job.service_s,
            )
        )
    end += shift_by
    return Run(
        vehicle_id=v.id,
        outlet=o,
        stops=tuple(stops),
        start_s=v.shift.start_s + delay,
        end_s=end,
        load_kg=sum(pt.grams for pt in route) / 1000,
        items=sum(pt.items for pt in route),
        distance_m=int(dist),
    )
