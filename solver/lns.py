"""Our own ruin-and-recreate search, outside OR-Tools (SISR-style, simulated annealing).

OR-Tools finds the first solution and polishes the last one; in between this module runs
thousands of ruin-and-recreate steps per second where a step through OR-Tools' greedy
descent cost ~90 ms. Ideas from Christiaens & Vanden Berghe (2020), "Slack induction by
string removals for vehicle routing problems" (string removal, insertion with blinks,
simulated annealing); the code is ours.

Every constraint of the OR-Tools model is checked here too: payload (grams) and items,
time windows (several per part), shifts, max run distance, max run duration (an exact
check of the whole run, only for vehicles that have one), incompatible classes, the
vehicles each part may use (``prepare(...).allowed``), fixed vehicle costs and drop
penalties. Feasibility of an insertion is O(1) per position from the earliest service
start ``earliest`` (forward) and the latest feasible service start ``latest`` (backward) of
each node;
all positions of all runs are evaluated at once with numpy.

Node numbering: parts ``0..n-1``, then the start node of each vehicle ``n..n+V-1``, then
its end node ``n+V..n+2V-1``. A start node's arcs include the leg to the outlet.
"""

from __future__ import annotations

import math
import random
import time

import numpy as np

from .model import Problem, to_grams
from .options import RuinRecreate
from .prepare import Prepared

BIG = 1 << 60
NEIGHBOURS = 100  # nearest parts kept per part for the ruin step
# Transposed copies of the arc matrices while all matrices together stay under this: a
# 1,000-customer VRPTW (1,500 nodes, 2 matrices: 36 MB) gets them, a 2,000-stop single-outlet
# county day (2,200 nodes, 6 matrices: 232 MB) does not.
TRANSPOSE_MAX_BYTES = 160 * 1024 * 1024
# Granular insertion (as in Toth & Vigo's granular tabu search and HGS): on models with more
# than ``RuinRecreate.granular_min_parts`` parts a part is tried only next to its GRANULAR
# nearest parts (after or before each) and at the start of one idle vehicle of each kind.
GRANULAR = 40
FEASIBLE_SHARE = (0.4, 0.6)  # soft mode: the share of steps without violations aimed at


class FastModel:
    """Arrays of one (single-outlet or whole) problem, and the state of one solution."""

    def __init__(
        self,
        problem: Problem,
        prepared: Prepared,
        penalty_unit: int,
        options: RuinRecreate | None = None,
        seed: int = 1,
    ) -> None:
        options = options or RuinRecreate()
        parts = prepared.parts
        vehicles = list(problem.vehicles)
        n, nv = len(parts), len(vehicles)
        self.n, self.nv = n, nv
        self.size = size = n + 2 * nv
        self.blink = options.blink
        self.max_string = options.ruin.max_string
        self.avg_removed = options.ruin.avg_removed
        self.route_removal = options.ruin.route_removal
        self.vehicle_swap = options.ruin.vehicle_swap
        self.annealing = options.annealing
        # Soft mode: late arrivals ("time warp", Vidal et al. 2013) and overloads are
        # allowed at a price per second and per gram that adapts during the search; only
        # solutions without either can become the best. Vehicles with a max run duration
        # stay hard (their check needs a real schedule).
        # Not with many vehicles: with a hundred runs some run nearly always carries a
        # violation, the solution is seldom violation-free as a whole, and the best stops
        # improving (1,000-customer VRPTW, 250 vehicles: not once in 1,500 steps, where the
        # feasible-only loop went from 77,164 to 60,792).
        self.soft = options.soft.enabled and nv <= options.soft.max_vehicles
        self.clean_drops = options.soft.clean_drops
        self.warp_price = 10.0  # cost (metres) per second of time warp, to start with
        self.overload_price = 0.1  # cost per gram over payload, to start with
        self.rng = random.Random(seed)
        self.nrng = np.random.default_rng(seed)
        jobs = [problem.jobs[pt.job_index] for pt in parts]
        loc = np.array([j.location for j in jobs], dtype=np.int64)
        starts = np.array([v.start for v in vehicles], dtype=np.int64)
        outlets = np.array([v.load_at for v in vehicles], dtype=np.int64)
        ends = np.array([v.end for v in vehicles], dtype=np.int64)
        service = np.array([j.service_s for j in jobs], dtype=np.int64)

        def arcs(base, with_service: bool) -> np.ndarray:
            m = np.asarray(base, dtype=np.int64)
            out = np.zeros((size, size), dtype=np.int64)
            out[:n, :n] = m[np.ix_(loc, loc)]
            out[:n, n + nv :] = m[np.ix_(loc, ends)]
            out[n : n + nv, :n] = m[starts, outlets][:, None] + m[np.ix_(outlets, loc)]
            if with_service:
                out[:n, :] += service[:, None]
            np.fill_diagonal(out, 0)
            return out  # start -> end (empty run) stays 0, as in OR-Tools

        self.dist = arcs(problem.distance_m, False)
        # Python loops index these through memoryviews: Python ints without nested lists
        # (lists of lists took ~1 GB on a 2,000-stop single-outlet model).
        self.dist_view = memoryview(self.dist)
        classes = sorted({v.speed_class for v in vehicles})
        self.travel = np.stack([arcs(problem.duration_s[c], True) for c in classes])
        self.travel_view = [memoryview(t) for t in self.travel]
        self.speed_class = np.array(
            [classes.index(v.speed_class) for v in vehicles], dtype=np.int64
        )
        self.speed_class_of = self.speed_class.tolist()

        horizon = max(v.shift.end_s for v in vehicles)
        self.grams = np.array([pt.grams for pt in parts], dtype=np.int64)
        self.items = np.array([pt.items for pt in parts], dtype=np.int64)
        self.cap = np.array([to_grams(v.payload_kg) for v in vehicles], dtype=np.int64)
        self.cap_items = np.array(
            [v.max_items if v.max_items is not None else BIG for v in vehicles], dtype=np.int64
        )
        self.max_dist = np.array(
            [v.max_distance_m if v.max_distance_m is not None else BIG for v in vehicles],
            dtype=np.int64,
        )
        self.max_dur = [v.max_duration_s for v in vehicles]
        self.hard = np.array([v.max_duration_s is not None for v in vehicles], dtype=bool)
        kinds: dict[tuple, int] = {}
        self.kind = [
            kinds.setdefault(
                (
                    v.start,
                    v.end,
                    v.load_at,
                    v.payload_kg,
                    v.max_items,
                    v.shift,
                    v.speed_class,
                    v.max_duration_s,
                    v.max_distance_m,
                    v.fixed_cost,
                ),
                len(kinds),
            )
            for v in vehicles
        ]
        self.fixed = np.array([int(v.fixed_cost) for v in vehicles], dtype=np.int64)
        self.shift_start = [v.shift.start_s for v in vehicles]
        self.shift_end = [v.shift.end_s for v in vehicles]
        self.penalty_unit = penalty_unit
        self.prio = [max(1, j.priority) for j in jobs]
        self.penalty = [penalty_unit * p for p in self.prio]
        allowed = np.zeros((n, nv), dtype=bool)
        for i, ok in enumerate(prepared.allowed):
            allowed[i, list(ok)] = True
        self.allowed = allowed

        # Windows as sorted, merged (start, end) lists, like the OR-Tools cumul domains.
        self.wstart: list[np.ndarray] = []
        self.wend: list[np.ndarray] = []
        self.wins: list[list[tuple[int, int]]] = []
        for j in jobs:
            ws = sorted((w.start_s, w.end_s) for w in j.time_windows) or [(0, horizon)]
            merged = [list(ws[0])]
            for s, e in ws[1:]:
                if s <= merged[-1][1] + 1:
                    merged[-1][1] = max(merged[-1][1], e)
                else:
                    merged.append([s, e])
            self.wins.append([(s, e) for s, e in merged])
            self.wstart.append(np.array([s for s, _ in merged], dtype=np.int64))
            self.wend.append(np.array([e for _, e in merged], dtype=np.int64))

        self.multi = [len(w) > 1 for w in self.wins]
        self.w_lo = [w[0][0] for w in self.wins]
        self.w_hi = [w[-1][1] for w in self.wins]
        self.grams_l = self.grams.tolist()
        # Transposed copies make the column gathers of the insertion step contiguous (a
        # column of a 1,500-node matrix is a cache miss per element); left out on big
        # models, where they would double the memory.
        self.transposed = self.dist.nbytes + self.travel.nbytes <= TRANSPOSE_MAX_BYTES
        if self.transposed:
            self.dist_to = np.ascontiguousarray(self.dist.T)
            self.travel_to = np.ascontiguousarray(self.travel.transpose(0, 2, 1))
        else:  # the kernel takes them either way; it reads them only when transposed
            self.dist_to, self.travel_to = self.dist, self.travel
        self.one_class = len(classes) == 1
        self.has_items = any(v.max_items is not None for v in vehicles)
        self.has_max_dist = any(v.max_distance_m is not None for v in vehicles)
        self.has_fixed = bool(self.fixed.any())
        self.items_l = self.items.tolist()

        # Incompatible classes: one type per distinct class set, a conflict matrix of types.
        types: dict[frozenset[str], int] = {}
        self.part_type = [-1] * n
        if problem.incompatible:
            for i, j in enumerate(jobs):
                if j.classes:
                    self.part_type[i] = types.setdefault(j.classes, len(types))
        nt = len(types)
        self.conflict = np.zeros((max(1, nt), max(1, nt)), dtype=bool)
        for a, ta in types.items():
            for b, tb in types.items():
                self.conflict[ta, tb] = problem.conflicts(a, b)
        self.ntypes = nt

        # Neighbours of each part (both directions of the arc), for the ruin step.
        if n:
            pd = self.dist[:n, :n] + self.dist[:n, :n].T
            order = np.argsort(pd, axis=1, kind="stable")
            self.neighbours = order[:, :NEIGHBOURS].tolist()
            # The part itself sorts first (distance 0); left out of its granular places.
            self.near = np.ascontiguousarray(order[:, 1 : GRANULAR + 1])
            self.outlet_dist = (self.dist[n + 0 : n + nv, :n].min(axis=0)).tolist()
        else:
            self.neighbours, self.outlet_dist = [], []
            self.near = np.zeros((0, GRANULAR), dtype=np.int64)
        self.granular = n > options.granular_min_parts
        self.kind_of = np.array(self.kind, dtype=np.int64)
        # Buffers of the insertion kernel: one slot per place tried.
        self.all_nodes = np.arange(n + nv, dtype=np.int64)
        places = n + nv + 2 * GRANULAR + 1
        self._cost_buf = np.zeros(places, dtype=np.float64)
        self._v_buf = np.zeros(places, dtype=np.int64)
        self._warp_buf = np.zeros(places, dtype=np.int64)
        self._prev = self.all_nodes
        self._no_rnd = np.zeros(1, dtype=np.float64)
        self.any_hard = bool(self.hard.any())
        self.any_max_dur = any(d is not None for d in self.max_dur)
        self.end_of = np.arange(n + nv, n + 2 * nv, dtype=np.int64)

        # Solution state.
        self.routes: list[list[int]] = [[] for _ in range(nv)]
        self.earliest = np.zeros(size, dtype=np.int64)
        self.latest = np.zeros(size, dtype=np.int64)
        self.succ = np.zeros(n + nv, dtype=np.int64)
        self.pred = np.zeros(size, dtype=np.int64)  # kept for parts and end nodes
        self.succ_cost = np.zeros(n + nv, dtype=np.int64)  # metres[node, succ[node]]
        self.veh = np.full(n + nv, -1, dtype=np.int64)
        self.veh[n:] = np.arange(nv)
        self.load = np.zeros(nv, dtype=np.int64)
        self.load_items = np.zeros(nv, dtype=np.int64)
        self.run_dist = np.zeros(nv, dtype=np.int64)
        self.warp = np.zeros(nv, dtype=np.int64)  # time warp of each run (soft mode)
        self.type_count = np.zeros((nv, max(1, nt)), dtype=np.int64)
        for v in range(nv):
            self._refresh(v)

    # ----------------------------------------------------------------- run bookkeeping

    def _earliest(self, x: int, t: int) -> int | None:
        for s, e in self.wins[x]:
            if t <= e:
                return t if t >= s else s
        return None

    def _latest(self, x: int, t: int) -> int | None:
        for s, e in reversed(self.wins[x]):
            if t >= s:
                return t if t <= e else e
        return None

    # Time clipping with time warp (soft mode; feasible runs never warp). The hot loops
    # of _refresh and _insert do the single-window case inline and call these for parts
    # with several windows.

    def _serve(self, x: int, t: int) -> tuple[int, int]:
        """Service start at part x (several windows) when arriving at t, and the time warp
        it takes: arriving after the last window, the run goes back in time to its end."""
        e = self._earliest(x, t)
        if e is None:
            return self.w_hi[x], t - self.w_hi[x]
        return e, 0

    def _latest_start(self, x: int, z: int) -> int:
        """Latest service start at part x (several windows) for a run that must start the
        next leg by z; the first window's start when z is earlier (time warp)."""
        latest = self._latest(x, z)
        return self.w_lo[x] if latest is None else latest

    def _refresh(self, v: int) -> None:
        """Recompute the forward/backward times, load, distance and types of run ``v``."""
        n, nv = self.n, self.nv
        seq = self.routes[v]
        travel, metres = self.travel_view[self.speed_class_of[v]], self.dist_view
        s, e = n + v, n + nv + v
        lo, hi, multi = self.w_lo, self.w_hi, self.multi
        t = self.shift_start[v]
        earliest_starts = []
        prev, dist, warp = s, 0, 0
        for x in seq:
            t += travel[prev, x]
            if multi[x]:
                t, late = self._serve(x, t)
                warp += late
            elif t < lo[x]:
                t = lo[x]
            elif t > hi[x]:
                warp += t - hi[x]
                t = hi[x]
            earliest_starts.append(t)
            dist += metres[prev, x]
            prev = x
        warp += max(0, t + travel[prev, e] - self.shift_end[v])
        self.warp[v] = warp
        z = self.shift_end[v]
        latest_starts = []
        nxt = e
        for x in reversed(seq):
            z -= travel[x, nxt]
            if multi[x]:
                z = self._latest_start(x, z)
            elif z > hi[x]:
                z = hi[x]
            elif z < lo[x]:
                z = lo[x]
            latest_starts.append(z)
            nxt = x
        self.earliest[s] = self.shift_start[v]
        self.latest[e] = self.shift_end[v]
        if seq:
            dist += metres[prev, e]
            self.earliest[seq] = earliest_starts
            latest_starts.reverse()
            self.latest[seq] = latest_starts
            self.succ[[s, *seq]] = [*seq, e]
            self.pred[[*seq, e]] = [s, *seq]
            self.succ_cost[[s, *seq]] = [
                metres[a, b] for a, b in zip([s, *seq], [*seq, e], strict=True)
            ]
            grams, items = self.grams_l, self.items_l
            self.load[v] = sum(grams[x] for x in seq)
            self.load_items[v] = sum(items[x] for x in seq)
        else:
            self.succ[s] = e
            self.pred[e] = s
            self.succ_cost[s] = 0
            self.load[v] = 0
            self.load_items[v] = 0
        self.run_dist[v] = dist
        if self.ntypes:
            self.type_count[v] = 0
            for x in seq:
                if self.part_type[x] >= 0:
                    self.type_count[v, self.part_type[x]] += 1

    def min_duration(self, v: int, seq: list[int]) -> int | None:
        """Shortest run duration of ``seq`` on ``v`` (departure delayed to absorb waiting),
        or None if the times do not work; as in routing._schedule_run."""
        n, nv = self.n, self.nv
        travel = self.travel_view[self.speed_class_of[v]]
        t = self.shift_start[v]
        prev = n + v
        waits, delay = 0, None
        for x in seq:
            arrive = t + travel[prev, x]
            serve = self._earliest(x, arrive)
            if serve is None:
                return None
            waits += serve - arrive
            end_w = next(e for s, e in self.wins[x] if s <= serve <= e)
            room = end_w - serve + waits
            delay = room if delay is None else min(delay, room)
            t, prev = serve, x
        end = t + travel[prev, n + nv + v]
        if end > self.shift_end[v]:
            return None
        delay = max(0, min(waits, delay if delay is not None else 0))
        return end - self.shift_start[v] - delay

    def run_ok(self, v: int, seq: list[int]) -> bool:
        """Exact check of a whole run (every constraint); used for max duration and at the end."""
        if not seq:
            return True
        idx = np.array(seq, dtype=np.int64)
        if (
            int(self.grams[idx].sum()) > self.cap[v]
            or int(self.items[idx].sum()) > (self.cap_items[v])
        ):
            return False
        if not self.allowed[idx, v].all():
            return False
        if self.ntypes:
            ts = [self.part_type[x] for x in seq if self.part_type[x] >= 0]
            if any(self.conflict[a, b] for a in ts for b in ts):
                return False
        n, nv = self.n, self.nv
        nodes = [n + v, *seq, n + nv + v]
        dist = sum(self.dist_view[a, b] for a, b in zip(nodes, nodes[1:], strict=False))
        if dist > self.max_dist[v]:
            return False
        span = self.min_duration(v, seq)
        if span is None:
            return False
        return self.max_dur[v] is None or span <= self.max_dur[v]

    # ----------------------------------------------------------------- objective and state

    def set_routes(self, routes: list[list[int]]) -> None:
        self.routes = [list(r) for r in routes]
        self.veh[: self.n] = -1
        for v, r in enumerate(self.routes):
            for x in r:
                self.veh[x] = v
            self._refresh(v)

    def objective(self) -> int:
        route_cost, dropped = self._costs()
        return route_cost + self.penalty_unit * dropped

    def _costs(self) -> tuple[int, int]:
        """Distance plus fixed costs, and the priority points of dropped parts."""
        used = [v for v in range(self.nv) if self.routes[v]]
        served = int((self.veh[: self.n] >= 0).sum())
        dropped = (
            sum(self.prio[x] for x in range(self.n) if self.veh[x] < 0) if served < self.n else 0
        )
        return int(self.run_dist.sum()) + int(self.fixed[used].sum()), dropped

    def _violations(self) -> float:
        """Soft mode's price of the time warp and overloads of all runs."""
        if not self.soft:
            return 0.0
        over = int(np.maximum(self.load - self.cap, 0).sum())
        return self.warp_price * int(self.warp.sum()) + self.overload_price * over

    def _snapshot(self):
        return (
            [r[:] for r in self.routes],
            self.earliest.copy(),
            self.latest.copy(),
            self.succ.copy(),
            self.pred.copy(),
            self.succ_cost.copy(),
            self.veh.copy(),
            self.load.copy(),
            self.load_items.copy(),
            self.run_dist.copy(),
            self.warp.copy(),
            self.type_count.copy(),
        )

    def _restore(self, snap) -> None:
        (
            self.routes,
            self.earliest,
            self.latest,
            self.succ,
            self.pred,
            self.succ_cost,
            self.veh,
            self.load,
            self.load_items,
            self.run_dist,
            self.warp,
            self.type_count,
        ) = snap

    # ----------------------------------------------------------------- ruin

    def _ruin(self) -> tuple[list[int], int | None]:
        """Remove strings (runs of consecutive parts) from runs near a random part. When
        the random part is a dropped one it is returned too: it goes back first."""
        rng, n = self.rng, self.n
        served = np.flatnonzero(self.veh[:n] >= 0)
        if not len(served):
            return [], None
        used = sum(1 for r in self.routes if r)
        avg_len = len(served) / max(1, used)
        ls_max = min(self.max_string, avg_len)
        ks_max = 4 * self.avg_removed / (1 + ls_max) - 1
        ks = int(rng.uniform(1, ks_max + 1))
        if self.route_removal > 0 and rng.random() < self.route_removal:
            # Empty a whole run, a short one more likely: fewer runs, less driving out.
            used_runs = [v for v in range(self.nv) if self.routes[v]]
            v = min(
                rng.sample(used_runs, min(2, len(used_runs))), key=lambda r: len(self.routes[r])
            )
            out = self.routes[v]
            self.routes[v] = []
            for x in out:
                self.veh[x] = -1
            self._refresh(v)
            return out, None
        if len(served) < n and rng.random() < 0.5:
            # Ruin around a dropped part, so that it can take the place of others.
            dropped = np.flatnonzero(self.veh[:n] < 0)
            seed = int(dropped[rng.randrange(len(dropped))])
            back_first = seed
        else:
            seed = int(served[rng.randrange(len(served))])
            back_first = None
        ruined: set[int] = set()
        removed: list[int] = []
        for c in self.neighbours[seed]:
            if len(ruined) >= ks:
                break
            v = int(self.veh[c])
            if v < 0 or v in ruined:
                continue
            route = self.routes[v]
            lt_max = min(len(route), ls_max)
            lt = int(rng.uniform(1, lt_max + 1))
            pos = route.index(c)
            if rng.random() < 0.5 or lt >= len(route):
                first = rng.randint(max(0, pos - lt + 1), min(pos, len(route) - lt))
                out = route[first : first + lt]
            else:
                # Split string: a longer string around c, of which m consecutive parts stay.
                m = 1
                while m < len(route) - lt and rng.random() > 0.01:
                    m += 1
                span = lt + m
                first = rng.randint(max(0, pos - span + 1), min(pos, len(route) - span))
                keep_at = rng.randint(0, lt)
                window = route[first : first + span]
                out = window[:keep_at] + window[keep_at + m :]
            ruined.add(v)
            gone = set(out)
            self.routes[v] = [x for x in route if x not in gone]
            for x in out:
                self.veh[x] = -1
            removed += out
            self._refresh(v)
        return removed, back_first

    def _fit(self, v: int, seq: list[int]) -> tuple[list[int], list[int]] | None:
        """``seq`` cut down to what vehicle ``v`` can drive: parts it may not carry, parts
        over its payload (heaviest first) and parts whose windows it reaches too late are
        left out. Returns (kept, left out), or None when what is kept still fails."""
        n, nv = self.n, self.nv
        allowed, grams = self.allowed, self.grams_l
        out = [x for x in seq if not allowed[x, v]]
        kept = [x for x in seq if allowed[x, v]]
        load = sum(grams[x] for x in kept)
        if load > self.cap[v]:
            for x in sorted(kept, key=lambda x: -grams[x]):
                if load <= self.cap[v]:
                    break
                load -= grams[x]
                out.append(x)
            gone = set(out)
            kept = [x for x in kept if x not in gone]
        travel = self.travel_view[self.speed_class_of[v]]
        timely: list[int] = []
        starts: list[int] = []  # earliest service start at each kept part
        for x in kept:
            prev, t = (timely[-1], starts[-1]) if timely else (n + v, self.shift_start[v])
            serve = self._earliest(x, t + travel[prev, x])
            if serve is None:
                out.append(x)
            else:
                timely.append(x)
                starts.append(serve)
        # Parts at the end go while the run cannot get back within the shift.
        while timely and starts[-1] + travel[timely[-1], n + nv + v] > self.shift_end[v]:
            out.append(timely.pop())
            starts.pop()
        if not self.run_ok(v, timely):
            return None
        return timely, out

    def _swap_vehicles(self) -> list[int]:
        """Hand a random run to another vehicle (an idle one, or one whose run comes back
        in exchange). Parts a vehicle cannot take (payload, windows at its speed, shift)
        are left out and returned, to be inserted again with the ruined ones. Removal and
        cheapest re-insertion alone never open an idle big vehicle while small ones still
        have room, nor trade the runs of a fast and a slow vehicle."""
        rng = self.rng
        used = [v for v in range(self.nv) if self.routes[v]]
        if not used:
            return []
        a = rng.choice(used)
        others = [b for b in range(self.nv) if self.kind[b] != self.kind[a]]
        if not others:
            return []  # the same vehicle twice: nothing to gain
        b = rng.choice(others)
        ra, rb = self.routes[a], self.routes[b]
        to_b, to_a = self._fit(b, ra), self._fit(a, rb)
        if to_b is None or to_a is None:
            return []
        self.routes[a], self.routes[b] = to_a[0], to_b[0]
        left_out = to_a[1] + to_b[1]
        for x in to_a[0]:
            self.veh[x] = a
        for x in to_b[0]:
            self.veh[x] = b
        for x in left_out:
            self.veh[x] = -1
        self._refresh(a)
        self._refresh(b)
        return left_out

    # ----------------------------------------------------------------- recreate

    def _best_insertion(self, u: int, clean: bool = False) -> tuple[float, int, int, int] | None:
        """(cost, vehicle, prev node, time warp added) of the cheapest feasible insertion of
        part u, with blinks; ``clean``: one that adds no violation, even in soft mode."""
        m, best = self._evaluate(u, clean)
        if best < 0:
            return None
        cost, v, prev, warp = self._cost_buf, self._v_buf, self._prev, self._warp_buf
        if not self.any_max_dur:
            return cost[best], int(v[best]), int(prev[best]), int(warp[best])
        n = self.n
        cost = cost[:m]
        i = best
        for _ in range(20):
            if cost[i] >= BIG:
                return None
            vi, p = int(v[i]), int(prev[i])
            if self.max_dur[vi] is None:
                return cost[i], vi, p, int(warp[i])
            route = self.routes[vi]
            pos = 0 if p >= n else route.index(p) + 1
            if self.run_ok(vi, [*route[:pos], u, *route[pos:]]):
                return cost[i], vi, p, int(warp[i])
            cost[i] = BIG
            i = int(np.argmin(cost))
        return None

    def _insertions(self, u: int, clean: bool = False):
        """Every place tried for part u: arrays of cost (BIG where it does not fit, max run
        duration aside), vehicle, prev node and time warp added; None if there is no place.
        In soft mode the cost includes the price of added time warp and overload, and only
        vehicles with a max duration must stay within windows and payload."""
        m, _ = self._evaluate(u, clean)
        tried = self._v_buf[:m] >= 0
        if not tried.any():
            return None
        return (
            self._cost_buf[:m][tried].copy(),
            self._v_buf[:m][tried].copy(),
            self._prev[:m][tried].copy(),
            self._warp_buf[:m][tried].copy(),
        )

    def _evaluate(self, u: int, clean: bool) -> tuple[int, int]:
        """Run the compiled kernel over the places for part u (solver/kernels.py): fills
        the buffers, returns the number of places and the index of the cheapest (or -1)."""
        # Imported here, not with the module: the web processes import the solver (the
        # planning services do) but never search, and numba with LLVM is 66 MB and half a
        # second of each process's start.
        from . import kernels

        soft = self.soft
        fits = self.load + self.grams_l[u] <= self.cap
        vok = self.allowed[u] & (fits | ~self.hard) if soft else self.allowed[u] & fits
        if self.has_items:
            vok &= self.load_items + self.items_l[u] <= self.cap_items
        if self.ntypes and self.part_type[u] >= 0:
            vok &= ~(self.type_count[:, self.conflict[self.part_type[u]]] > 0).any(axis=1)
        cand = self._granular_places(u) if self.granular else self.all_nodes
        m = len(cand)
        rnd = self.nrng.random(m) if self.blink > 0 else self._no_rnd
        self._prev = cand
        best = kernels.insertion_costs(
            u,
            cand,
            m,
            rnd,
            float(self.blink),
            vok,
            self.veh,
            self.succ,
            self.earliest,
            self.latest,
            self.succ_cost,
            self.dist,
            self.dist_to,
            self.travel,
            self.travel_to,
            self.transposed,
            self.speed_class,
            self.wstart[u],
            self.wend[u],
            soft,
            self.any_hard,
            self.hard,
            clean,
            self.load,
            self.cap,
            self.grams_l[u],
            float(self.warp_price),
            float(self.overload_price),
            self.has_max_dist,
            self.run_dist,
            self.max_dist,
            self.has_fixed,
            self.fixed,
            self.n,
            self._cost_buf,
            self._v_buf,
            self._warp_buf,
        )
        return m, best

    def _granular_places(self, u: int) -> np.ndarray:
        """The nodes after which part u is tried on big models: its nearest served parts,
        the node before each, and the start node of one idle vehicle of each kind."""
        near = self.near[u]
        near = near[self.veh[near] >= 0]
        n, nv = self.n, self.nv
        idle = np.flatnonzero(self.succ[n : n + nv] == self.end_of)
        if len(idle):
            _, first = np.unique(self.kind_of[idle], return_index=True)
            idle = idle[first] + n
        return np.concatenate((near, self.pred[near], idle))

    def _insert(self, u: int, v: int, p: int, warp: int = 0) -> None:
        """Put part u after node p in run v; times are updated only as far as they change."""
        n = self.n
        route = self.routes[v]
        pos = 0 if p >= n else route.index(p) + 1
        nxt = route[pos] if pos < len(route) else n + self.nv + v
        travel, metres = self.travel_view[self.speed_class_of[v]], self.dist_view
        route.insert(pos, u)
        self.veh[u] = v
        self.succ[p] = u
        self.succ[u] = nxt
        self.pred[u] = p
        self.pred[nxt] = u
        self.succ_cost[p] = metres[p, u]
        self.succ_cost[u] = metres[u, nxt]
        self.run_dist[v] += metres[p, u] + metres[u, nxt] - metres[p, nxt]
        self.load[v] += self.grams_l[u]
        self.load_items[v] += self.items_l[u]
        if self.ntypes and self.part_type[u] >= 0:
            self.type_count[v, self.part_type[u]] += 1
        self.warp[v] += warp
        lo, hi, multi, earliest, latest = (
            self.w_lo,
            self.w_hi,
            self.multi,
            self.earliest,
            self.latest,
        )
        t, prev = int(earliest[p]), p
        for x in route[pos:]:
            t += travel[prev, x]
            if multi[x]:
                t = self._serve(x, t)[0]
            elif t < lo[x]:
                t = lo[x]
            elif t > hi[x]:
                t = hi[x]
            if x != u and t == earliest[x]:
                break
            earliest[x] = t
            prev = x
        z, after = int(latest[nxt]), nxt
        for i in range(pos, -1, -1):
            x = route[i]
            z -= travel[x, after]
            if multi[x]:
                z = self._latest_start(x, z)
            elif z > hi[x]:
                z = hi[x]
            elif z < lo[x]:
                z = lo[x]
            if x != u and z == latest[x]:
                break
            latest[x] = z
            after = x

    def _recreate(
        self, todo: list[int], first: int | None = None, clean: frozenset[int] = frozenset()
    ) -> None:
        """Insert the parts of ``todo`` at their cheapest places (or leave them dropped);
        those in ``clean`` only where they add no violation (soft mode)."""
        rng = self.rng
        pick = rng.choices(("random", "demand", "far", "close"), weights=(4, 4, 2, 1))[0]
        if pick == "random":
            rng.shuffle(todo)
        elif pick == "demand":
            todo.sort(key=lambda x: -int(self.grams[x]))
        elif pick == "far":
            todo.sort(key=lambda x: -self.outlet_dist[x])
        else:
            todo.sort(key=lambda x: self.outlet_dist[x])
        if first is not None:
            todo.remove(first)
            todo.insert(0, first)
        for u in todo:
            found = self._best_insertion(u, u in clean)
            if found is not None and found[0] < self.penalty[u]:
                self._insert(u, found[1], found[2], found[3])

    # ----------------------------------------------------------------- the loop

    def search(
        self, routes: list[list[int]], deadline: float | None, budget: int | None
    ) -> tuple[list[list[int]], int, int]:
        """Simulated-annealing ruin and recreate from ``routes``; returns the best routes,
        their objective and the number of iterations. Stops at ``deadline`` (perf_counter)
        or after ``budget`` iterations, whichever comes first."""
        self.set_routes(routes)
        cur_cost, cur_drop = self._costs()
        best = cur_cost + self.penalty_unit * cur_drop
        best_routes = [r[:] for r in self.routes]
        served = int((self.veh[: self.n] >= 0).sum())
        arcs = served + sum(1 for r in self.routes if r)
        mean_arc = max(1.0, float(self.run_dist.sum()) / max(1, arcs))
        t_start = self.annealing.start * mean_arc
        t_end = self.annealing.end * mean_arc
        unit = self.penalty_unit
        start = time.perf_counter()
        done = 0
        cur_viol = self._violations()
        timely = light = 0
        while self.n:
            if budget is not None and done >= budget:
                break
            now = time.perf_counter()
            if deadline is not None and now >= deadline:
                break
            if budget is not None:
                progress = done / max(1, budget)
            else:
                progress = (now - start) / max(1e-9, deadline - start)
            temp = t_start * (t_end / t_start) ** progress if t_start > 0 else 0.0
            done += 1
            snap = self._snapshot()
            swapped = []
            if self.vehicle_swap > 0 and self.rng.random() < self.vehicle_swap:
                swapped = self._swap_vehicles()
            removed, first = self._ruin()
            removed += swapped
            gone = set(removed)
            was_dropped = [
                x for x in np.flatnonzero(self.veh[: self.n] < 0).tolist() if x not in gone
            ]
            # In soft mode a part that was dropped comes back only without violations: else
            # the search trades drop penalties for prices and seldom sees a feasible state.
            clean = frozenset(was_dropped) if self.soft and self.clean_drops else frozenset()
            self._recreate(removed + was_dropped, first, clean)
            cost, drop = self._costs()
            viol = self._violations()
            value, current = cost + unit * drop + viol, cur_cost + unit * cur_drop + cur_viol
            if value <= current or value < current - temp * math.log(1.0 - self.rng.random()):
                cur_cost, cur_drop, cur_viol = cost, drop, viol
                real = cost + self.penalty_unit * drop
                if real < best and not viol:
                    best, best_routes = real, [r[:] for r in self.routes]
            else:
                self._restore(snap)
            if self.soft:
                timely += not self.warp.any()
                light += not (self.load > self.cap).any()
                if done % 100 == 0:
                    self.warp_price = _adapted(self.warp_price, timely / 100, 0.01, 1e6)
                    self.overload_price = _adapted(self.overload_price, light / 100, 1e-4, 1e4)
                    cur_viol = self._violations()
                    timely = light = 0
        return best_routes, best, done


def _adapted(price: float, feasible_share: float, low: float, high: float) -> float:
    """A violation's price, raised when the search spends most steps in violation and
    lowered when it hardly ever does (as HGS adapts its penalties)."""
    if feasible_share < FEASIBLE_SHARE[0]:
        return min(price * 1.3, high)
    if feasible_share > FEASIBLE_SHARE[1]:
        return max(price / 1.3, low)
    return price
