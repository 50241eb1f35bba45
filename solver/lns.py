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
start ``A`` (forward) and the latest feasible service start ``Z`` (backward) of each node;
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
from .prepare import Prepared

BIG = 1 << 60
NEIGHBOURS = 100  # nearest parts kept per part for the ruin step
TRANSPOSE_MAX_NODES = 1200
FEASIBLE_SHARE = (0.4, 0.6)  # soft mode: the share of steps without violations aimed at


class FastModel:
    """Arrays of one (single-outlet or whole) problem, and the state of one solution."""

    def __init__(
        self,
        problem: Problem,
        prepared: Prepared,
        penalty_unit: int,
        seed: int = 1,
        blink: float = 0.01,
        max_string: int = 10,
        avg_removed: int = 10,
        route_removal: float = 0.0,
        vehicle_swap: float = 0.0,
        soft: bool = False,
        clean_drops: bool = True,
    ) -> None:
        parts = prepared.parts
        vehicles = list(problem.vehicles)
        n, nv = len(parts), len(vehicles)
        self.n, self.nv = n, nv
        self.size = size = n + 2 * nv
        self.blink = blink
        self.max_string = max_string
        self.avg_removed = avg_removed
        self.route_removal = route_removal
        self.vehicle_swap = vehicle_swap
        # Soft mode: late arrivals ("time warp", Vidal et al. 2013) and overloads are
        # allowed at a price per second and per gram that adapts during the search; only
        # solutions without either can become the best. Vehicles with a max run duration
        # stay hard (their check needs a real schedule).
        self.soft = soft
        self.clean_drops = clean_drops
        self.lam = 10.0  # cost (metres) per second of time warp, to start with
        self.mu = 0.1  # cost per gram over payload, to start with
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

        self.D = arcs(problem.distance_m, False)
        # Python loops index these through memoryviews: Python ints without nested lists
        # (lists of lists took ~1 GB on a 2,000-stop single-outlet model).
        self.Dl = memoryview(self.D)
        classes = sorted({v.speed_class for v in vehicles})
        self.T3 = np.stack([arcs(problem.duration_s[c], True) for c in classes])
        self.Tl = [memoryview(t) for t in self.T3]
        self.vcls = np.array([classes.index(v.speed_class) for v in vehicles], dtype=np.int64)
        self.vcls_l = self.vcls.tolist()

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
        # Transposed copies make the column gathers of the insertion step contiguous; left
        # out on big models, where they would double the memory.
        self.transposed = size <= TRANSPOSE_MAX_NODES
        if self.transposed:
            self.DT = np.ascontiguousarray(self.D.T)
            self.T3T = np.ascontiguousarray(self.T3.transpose(0, 2, 1))
        self.one_class = len(classes) == 1
        self.has_items = any(v.max_items is not None for v in vehicles)
        self.has_max_dist = any(v.max_distance_m is not None for v in vehicles)
        self.has_fixed = bool(self.fixed.any())
        self.items_l = self.items.tolist()

        # Incompatible classes: one type per distinct class set, a conflict matrix of types.
        types: dict[frozenset[str], int] = {}
        self.ptype = [-1] * n
        if problem.incompatible:
            for i, j in enumerate(jobs):
                if j.classes:
                    self.ptype[i] = types.setdefault(j.classes, len(types))
        nt = len(types)
        self.conflict = np.zeros((max(1, nt), max(1, nt)), dtype=bool)
        for a, ta in types.items():
            for b, tb in types.items():
                self.conflict[ta, tb] = problem.conflicts(a, b)
        self.ntypes = nt

        # Neighbours of each part (both directions of the arc), for the ruin step.
        if n:
            pd = self.D[:n, :n] + self.D[:n, :n].T
            self.neighbours = np.argsort(pd, axis=1, kind="stable")[:, :NEIGHBOURS].tolist()
            self.outlet_dist = (self.D[n + 0 : n + nv, :n].min(axis=0)).tolist()
        else:
            self.neighbours, self.outlet_dist = [], []

        # Solution state.
        self.routes: list[list[int]] = [[] for _ in range(nv)]
        self.A = np.zeros(size, dtype=np.int64)
        self.Z = np.zeros(size, dtype=np.int64)
        self.succ = np.zeros(n + nv, dtype=np.int64)
        self.succ_cost = np.zeros(n + nv, dtype=np.int64)  # D[node, succ[node]]
        self.veh = np.full(n + nv, -1, dtype=np.int64)
        self.veh[n:] = np.arange(nv)
        self.load = np.zeros(nv, dtype=np.int64)
        self.load_items = np.zeros(nv, dtype=np.int64)
        self.rdist = np.zeros(nv, dtype=np.int64)
        self.rtw = np.zeros(nv, dtype=np.int64)  # time warp of each run (soft mode)
        self.tcount = np.zeros((nv, max(1, nt)), dtype=np.int64)
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
        Tc, D = self.Tl[self.vcls_l[v]], self.Dl
        s, e = n + v, n + nv + v
        lo, hi, multi = self.w_lo, self.w_hi, self.multi
        t = self.shift_start[v]
        times = []
        prev, dist, warp = s, 0, 0
        for x in seq:
            t += Tc[prev, x]
            if multi[x]:
                t, late = self._serve(x, t)
                warp += late
            elif t < lo[x]:
                t = lo[x]
            elif t > hi[x]:
                warp += t - hi[x]
                t = hi[x]
            times.append(t)
            dist += D[prev, x]
            prev = x
        warp += max(0, t + Tc[prev, e] - self.shift_end[v])
        self.rtw[v] = warp
        z = self.shift_end[v]
        latest = []
        nxt = e
        for x in reversed(seq):
            z -= Tc[x, nxt]
            if multi[x]:
                z = self._latest_start(x, z)
            elif z > hi[x]:
                z = hi[x]
            elif z < lo[x]:
                z = lo[x]
            latest.append(z)
            nxt = x
        self.A[s] = self.shift_start[v]
        self.Z[e] = self.shift_end[v]
        if seq:
            dist += D[prev, e]
            self.A[seq] = times
            latest.reverse()
            self.Z[seq] = latest
            self.succ[[s, *seq]] = [*seq, e]
            self.succ_cost[[s, *seq]] = [D[a, b] for a, b in zip([s, *seq], [*seq, e], strict=True)]
            grams, items = self.grams_l, self.items_l
            self.load[v] = sum(grams[x] for x in seq)
            self.load_items[v] = sum(items[x] for x in seq)
        else:
            self.succ[s] = e
            self.succ_cost[s] = 0
            self.load[v] = 0
            self.load_items[v] = 0
        self.rdist[v] = dist
        if self.ntypes:
            self.tcount[v] = 0
            for x in seq:
                if self.ptype[x] >= 0:
                    self.tcount[v, self.ptype[x]] += 1

    def min_duration(self, v: int, seq: list[int]) -> int | None:
        """Shortest run duration of ``seq`` on ``v`` (departure delayed to absorb waiting),
        or None if the times do not work; as in routing._schedule_run."""
        n, nv = self.n, self.nv
        Tc = self.Tl[self.vcls_l[v]]
        t = self.shift_start[v]
        prev = n + v
        waits, delay = 0, None
        for x in seq:
            arrive = t + Tc[prev, x]
            serve = self._earliest(x, arrive)
            if serve is None:
                return None
            waits += serve - arrive
            end_w = next(e for s, e in self.wins[x] if s <= serve <= e)
            room = end_w - serve + waits
            delay = room if delay is None else min(delay, room)
            t, prev = serve, x
        end = t + Tc[prev, n + nv + v]
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
            ts = [self.ptype[x] for x in seq if self.ptype[x] >= 0]
            if any(self.conflict[a, b] for a in ts for b in ts):
                return False
        n, nv = self.n, self.nv
        nodes = [n + v, *seq, n + nv + v]
        dist = sum(self.Dl[a, b] for a, b in zip(nodes, nodes[1:], strict=False))
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
        return int(self.rdist.sum()) + int(self.fixed[used].sum()), dropped

    def _violations(self) -> float:
        """Soft mode's price of the time warp and overloads of all runs."""
        if not self.soft:
            return 0.0
        over = int(np.maximum(self.load - self.cap, 0).sum())
        return self.lam * int(self.rtw.sum()) + self.mu * over

    def _snapshot(self):
        return (
            [r[:] for r in self.routes],
            self.A.copy(),
            self.Z.copy(),
            self.succ.copy(),
            self.succ_cost.copy(),
            self.veh.copy(),
            self.load.copy(),
            self.load_items.copy(),
            self.rdist.copy(),
            self.rtw.copy(),
            self.tcount.copy(),
        )

    def _restore(self, snap) -> None:
        (
            self.routes,
            self.A,
            self.Z,
            self.succ,
            self.succ_cost,
            self.veh,
            self.load,
            self.load_items,
            self.rdist,
            self.rtw,
            self.tcount,
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
        Tc = self.Tl[self.vcls_l[v]]
        timely: list[int] = []
        starts: list[int] = []  # earliest service start at each kept part
        for x in kept:
            prev, t = (timely[-1], starts[-1]) if timely else (n + v, self.shift_start[v])
            serve = self._earliest(x, t + Tc[prev, x])
            if serve is None:
                out.append(x)
            else:
                timely.append(x)
                starts.append(serve)
        # Parts at the end go while the run cannot get back within the shift.
        while timely and starts[-1] + Tc[timely[-1], n + nv + v] > self.shift_end[v]:
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
        found = self._insertions(u, clean)
        if found is None:
            return None
        cost, v, prev, warp = found
        n = self.n
        for _ in range(20):
            i = int(np.argmin(cost))
            if cost[i] >= BIG:
                return None
            vi, p = int(v[i]), int(prev[i])
            if self.max_dur[vi] is None:
                return cost[i].item(), vi, p, int(warp[i])
            route = self.routes[vi]
            pos = 0 if p >= n else route.index(p) + 1
            if self.run_ok(vi, [*route[:pos], u, *route[pos:]]):
                return cost[i].item(), vi, p, int(warp[i])
            cost[i] = BIG
        return None

    def _insertions(self, u: int, clean: bool = False):
        """Every place for part u at once: arrays of cost (BIG where it does not fit, max
        run duration aside), vehicle, prev node and time warp added; None if there is no
        place. In soft mode the cost includes the price of added time warp and overload,
        and only vehicles with a max duration must stay within windows and payload."""
        n, soft = self.n, self.soft
        fits = self.load + self.grams_l[u] <= self.cap
        vok = self.allowed[u] & (fits | ~self.hard) if soft else self.allowed[u] & fits
        if self.has_items:
            vok &= self.load_items + self.items_l[u] <= self.cap_items
        if self.ntypes and self.ptype[u] >= 0:
            vok &= ~(self.tcount[:, self.conflict[self.ptype[u]]] > 0).any(axis=1)
        ok = vok[self.veh]
        ok &= self.veh >= 0
        if self.blink > 0:
            ok &= self.nrng.random(len(ok)) >= self.blink
        prev = np.flatnonzero(ok)
        if not len(prev):
            return None
        v = self.veh[prev]
        nxt = self.succ[prev]
        if self.one_class:
            to_u = self.T3T[0, u][prev] if self.transposed else self.T3[0][prev, u]
            back = self.T3[0, u][nxt]
        else:
            c = self.vcls[v]
            to_u = self.T3T[c, u, prev] if self.transposed else self.T3[c, prev, u]
            back = self.T3[c, u, nxt]
        at_prev, z_next = self.A[prev], self.Z[nxt]
        arrive = at_prev + to_u
        if self.multi[u]:
            ws, we = self.wstart[u], self.wend[u]
            k = np.minimum(np.searchsorted(we, arrive), len(we) - 1)
            serve = np.maximum(arrive, ws[k])
            late = np.maximum(serve - we[k], 0)
            serve -= late
        else:
            serve = np.maximum(arrive, self.w_lo[u])
            late = np.maximum(serve - self.w_hi[u], 0)
            serve -= late
        behind = serve + back - z_next
        cost = (self.DT[u][prev] if self.transposed else self.D[prev, u]) + self.D[u][nxt]
        cost -= self.succ_cost[prev]
        if self.has_max_dist:
            too_far = self.rdist[v] + cost > self.max_dist[v]
        if soft:
            # Vidal's concatenation: the run's time warp changes by what u's arrival and
            # the join to the rest of the run add, less the old join's warp.
            was = at_prev + (self.T3[0][prev, nxt] if self.one_class else self.T3[c, prev, nxt])
            warp = late + np.maximum(behind, 0) - np.maximum(was - z_next, 0)
            if self.hard.any():
                ok = ~self.hard[v] | ((late == 0) & (behind <= 0))
            else:
                ok = np.ones(len(prev), dtype=bool)
            # Overload added, per vehicle first: far fewer vehicles than places.
            over = np.maximum(self.load + self.grams_l[u] - self.cap, 0)
            over -= np.maximum(self.load - self.cap, 0)
            if clean:
                ok &= (warp <= 0) & (over[v] <= 0)
            cost = cost + self.lam * warp + (self.mu * over)[v]
        else:
            warp = np.zeros(len(prev), dtype=np.int64)
            ok = (late == 0) & (behind <= 0)
        if self.has_max_dist:
            ok &= ~too_far
        if self.has_fixed:
            cost = cost + self.fixed[v] * ((prev >= n) & (nxt >= n))  # opens an empty run
        return np.where(ok, cost, BIG), v, prev, warp

    def _insert(self, u: int, v: int, p: int, warp: int = 0) -> None:
        """Put part u after node p in run v; times are updated only as far as they change."""
        n = self.n
        route = self.routes[v]
        pos = 0 if p >= n else route.index(p) + 1
        nxt = route[pos] if pos < len(route) else n + self.nv + v
        Tc, D = self.Tl[self.vcls_l[v]], self.Dl
        route.insert(pos, u)
        self.veh[u] = v
        self.succ[p] = u
        self.succ[u] = nxt
        self.succ_cost[p] = D[p, u]
        self.succ_cost[u] = D[u, nxt]
        self.rdist[v] += D[p, u] + D[u, nxt] - D[p, nxt]
        self.load[v] += self.grams_l[u]
        self.load_items[v] += self.items_l[u]
        if self.ntypes and self.ptype[u] >= 0:
            self.tcount[v, self.ptype[u]] += 1
        self.rtw[v] += warp
        lo, hi, multi, A, Z = self.w_lo, self.w_hi, self.multi, self.A, self.Z
        t, prev = int(A[p]), p
        for x in route[pos:]:
            t += Tc[prev, x]
            if multi[x]:
                t = self._serve(x, t)[0]
            elif t < lo[x]:
                t = lo[x]
            elif t > hi[x]:
                t = hi[x]
            if x != u and t == A[x]:
                break
            A[x] = t
            prev = x
        z, after = int(Z[nxt]), nxt
        for i in range(pos, -1, -1):
            x = route[i]
            z -= Tc[x, after]
            if multi[x]:
                z = self._latest_start(x, z)
            elif z > hi[x]:
                z = hi[x]
            elif z < lo[x]:
                z = lo[x]
            if x != u and z == Z[x]:
                break
            Z[x] = z
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
        self,
        routes: list[list[int]],
        deadline: float | None,
        budget: int | None,
        t0_factor: float = 1.0,
        tf_factor: float = 0.01,
        soft_drop: float = 0.0,
        stage: tuple[float, float] = (0.0, 1.0),
    ) -> tuple[list[list[int]], int, int]:
        """Simulated-annealing ruin and recreate from ``routes``; returns the best routes,
        their objective and the number of iterations. Stops at ``deadline`` (perf_counter)
        or after ``budget`` iterations, whichever comes first. ``stage``: the part of the
        whole cooling schedule this call covers (the search may come in several calls)."""
        self.set_routes(routes)
        cur_cost, cur_drop = self._costs()
        best = cur_cost + self.penalty_unit * cur_drop
        best_routes = [r[:] for r in self.routes]
        served = int((self.veh[: self.n] >= 0).sum())
        arcs = served + sum(1 for r in self.routes if r)
        mean_arc = max(1.0, float(self.rdist.sum()) / max(1, arcs))
        t_start, t_end = t0_factor * mean_arc, tf_factor * mean_arc
        # Acceptance sees a drop penalty that starts at soft_drop mean arcs per priority
        # point and grows to the real one by 80 % of the search: runs full to the last gram
        # can then trade parts through a dropped state. Best solutions use the real penalty.
        soft0 = min(float(self.penalty_unit), soft_drop * mean_arc) if soft_drop > 0 else 0.0
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
            progress = stage[0] + progress * (stage[1] - stage[0])
            temp = t_start * (t_end / t_start) ** progress if t_start > 0 else 0.0
            if soft0 > 0 and progress < 0.8:
                unit = soft0 * (self.penalty_unit / soft0) ** (progress / 0.8)
            else:
                unit = self.penalty_unit
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
                timely += not self.rtw.any()
                light += not (self.load > self.cap).any()
                if done % 100 == 0:
                    self.lam = _adapted(self.lam, timely / 100, 0.01, 1e6)
                    self.mu = _adapted(self.mu, light / 100, 1e-4, 1e4)
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
