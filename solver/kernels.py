"""Compiled hot loops of the ruin-and-recreate search (numba).

numba and llvmlite install from PyPI wheels (no compiler needed). ``cache=True`` writes the
machine code next to this file, in ``solver/__pycache__`` (``kernels.insertion_costs-*.nbi``
and ``.nbc``), so only the first process after an install (or after this file changes) pays
for the compilation; every later process loads it from there. Where that folder is not
writable numba keeps it in the user's cache folder (``~/.cache/numba``), or wherever
``NUMBA_CACHE_DIR`` points. Compiling takes ~1.5 s, loading from the cache ~0.8 s, plus
~1 s to import numba (solver/README.md, "Session 8").

The logic is the one of ``FastModel._insertions`` (solver/lns.py), which now calls this:
one pass over the candidate places, no temporary arrays.
"""

from __future__ import annotations

import numpy as np
from numba import njit

BIG = 1 << 60


@njit(cache=True, nogil=True)
def insertion_costs(
    u,
    cand,
    ncand,
    rnd,
    blink,
    vok,
    veh,
    succ,
    earliest,
    latest,
    succ_cost,
    dist,
    dist_to,
    travel,
    travel_to,
    transposed,
    speed_class,
    ws,
    we,
    soft,
    any_hard,
    hard,
    clean,
    load,
    cap,
    grams_u,
    warp_price,
    overload_price,
    has_max_dist,
    run_dist,
    max_dist,
    has_fixed,
    fixed,
    n,
    out_cost,
    out_v,
    out_warp,
):
    """Cost of putting part ``u`` after each of the first ``ncand`` nodes of ``cand``.

    A place is tried when its run's vehicle may take u (``vok``) and it is not blinked
    (``rnd[i] < blink``); its cost goes to ``out_cost[i]`` (BIG where it is not tried or does
    not fit), its vehicle to ``out_v[i]`` (-1 where it is not tried), the time warp it adds to ``out_warp[i]``.
    Returns the index of the first cheapest place, or -1 when nothing fits.
    """
    nw = len(ws)
    lo_u, hi_u = ws[0], we[nw - 1]
    best, best_i = float(BIG), -1
    for i in range(ncand):
        out_cost[i] = BIG
        out_warp[i] = 0
        out_v[i] = -1
        p = cand[i]
        v = veh[p]
        if v < 0 or not vok[v]:
            continue
        if blink > 0.0 and rnd[i] < blink:
            continue
        out_v[i] = v
        nxt = succ[p]
        c = speed_class[v]
        if transposed:
            to_u = travel_to[c, u, p]
            d_in = dist_to[u, p]
        else:
            to_u = travel[c, p, u]
            d_in = dist[p, u]
        back = travel[c, u, nxt]
        at_prev = earliest[p]
        z_next = latest[nxt]
        arrive = at_prev + to_u
        if nw > 1:
            k = 0
            while k < nw and we[k] < arrive:
                k += 1
            if k > nw - 1:
                k = nw - 1
            serve = max(arrive, ws[k])
            late = max(serve - we[k], 0)
        else:
            serve = max(arrive, lo_u)
            late = max(serve - hi_u, 0)
        serve -= late
        behind = serve + back - z_next
        dcost = d_in + dist[u, nxt] - succ_cost[p]
        if has_max_dist and run_dist[v] + dcost > max_dist[v]:
            continue
        warp = 0
        if soft:
            was = at_prev + travel[c, p, nxt]
            warp = late + max(behind, 0) - max(was - z_next, 0)
            if any_hard and hard[v] and not (late == 0 and behind <= 0):
                continue
            over = max(load[v] + grams_u - cap[v], 0) - max(load[v] - cap[v], 0)
            if clean and (warp > 0 or over > 0):
                continue
            cost = float(dcost) + warp_price * warp
            cost = cost + overload_price * over
        else:
            if late != 0 or behind > 0:
                continue
            cost = float(dcost)
        if has_fixed and p >= n and nxt >= n:
            cost = cost + fixed[v]
        out_cost[i] = cost
        out_warp[i] = warp
        if cost < best:
            best, best_i = cost, i
    return best_i


def warm_up() -> None:
    """Load (or compile) the kernel on a tiny problem, e.g. before timing a solve."""
    one = np.zeros(1, dtype=np.int64)
    mat = np.zeros((1, 1), dtype=np.int64)
    cube = np.zeros((1, 1, 1), dtype=np.int64)
    insertion_costs(
        0,
        one,
        0,
        np.zeros(1),
        0.0,
        np.ones(1, dtype=np.bool_),
        one,
        one,
        one,
        one,
        one,
        mat,
        mat,
        cube,
        cube,
        False,
        one,
        one,
        one,
        False,
        False,
        np.zeros(1, dtype=np.bool_),
        False,
        one,
        one,
        0,
        1.0,
        1.0,
        False,
        one,
        one,
        False,
        one,
        0,
        np.zeros(1),
        one.copy(),
        one.copy(),
    )
