"""Snapping places onto the road graph and searching shortest runs between them.

Each place is snapped to the nearest point of a chain where goods may be handed over.
For one search the graph gets two extra nodes per place: a start, with edges to the
chain's ends it may drive to, and a finish, with edges from the chain's ends it may be
reached from, plus direct edges between places on the same chain. Starts have no edge
in and finishes no edge out, so no run passes through a place. scipy's compiled Dijkstra
then runs from each start (a row of the matrix) or, on the reversed graph, from each
finish (a column): whichever needs fewer searches for the pairs not known yet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from flask_babel import gettext as _
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from supply_match.geo import EARTH_RADIUS_M
from supply_match.services.planning.distances import DistanceError
from supply_match.services.planning.roads.graph import RoadGraph
from supply_match.services.planning.roads.speeds import speed_kmh

DISTANCE = "distance"
"""The metric of road distances (metres); any other metric is a vehicle type (seconds)."""

# Samples along long segments, so that the nearest sample finds the nearest segment.
SAMPLE_SPACING_M = 40.0
CANDIDATE_SEGMENTS = 12
# Searches per call to scipy: each returns a row over the whole graph, so this bounds memory.
SEARCH_BATCH = 64
# Weights must be positive: a zero-length edge would be no edge to the search.
MIN_WEIGHT = 1e-3


class OffRoadError(DistanceError):
    """Some places are farther from every road of the network than allowed; ``far`` holds
    (index, lat, lon, metres to the nearest road) for each."""

    def __init__(self, far: list[tuple[int, float, float, float]], max_snap_m: float):
        self.far = far
        self.max_snap_m = max_snap_m
        shown = "; ".join(
            f"({lat:.5f}, {lon:.5f}) {metres / 1000:.1f} km" for _, lat, lon, metres in far[:5]
        )
        if len(far) > 5:
            shown += " …"
        super().__init__(
            _(
                "%(count)d place(s) farther than %(limit)d m from any road of the loaded road"
                " network (check their coordinates): %(places)s",
                count=len(far),
                limit=round(max_snap_m),
                places=shown,
            )
        )


@dataclass(frozen=True)
class Snaps:
    """Where each place joins the network: a chain and the distance along it."""

    chain: np.ndarray
    offset_m: np.ndarray
    snap_m: np.ndarray
    """Straight-line distance from the place to the road."""


class RoadIndex:
    """A road graph ready for snapping and searches (built once per process and network)."""

    def __init__(self, graph: RoadGraph):
        self.graph = graph
        self._chain_seconds_per_m: dict[str, np.ndarray] = {}
        g = graph
        self._lat0 = float(np.radians(np.mean(g.junction_lat)))
        x, y = self._project(g.shape_lat, g.shape_lon)
        chain_of_point = np.repeat(np.arange(g.chains), np.diff(g.shape_start))
        # Segment s joins shape points s and s + 1 of the same chain.
        last = np.zeros(len(x), dtype=bool)
        last[g.shape_start[1:] - 1] = True
        usable = ~last & g.stopping_chains()[chain_of_point]
        segments = np.flatnonzero(usable)
        self._segment_x0, self._segment_y0 = x[segments], y[segments]
        self._segment_dx = x[segments + 1] - x[segments]
        self._segment_dy = y[segments + 1] - y[segments]
        self._segment_chain = chain_of_point[segments]
        self._segment_offset = g.shape_offset_m[segments]
        self._segment_length = g.shape_offset_m[segments + 1] - g.shape_offset_m[segments]
        projected = np.hypot(self._segment_dx, self._segment_dy)
        samples = np.maximum(1, np.ceil(projected / SAMPLE_SPACING_M)).astype(np.int64)
        owner = np.repeat(np.arange(len(segments)), samples)
        first = np.repeat(np.cumsum(samples) - samples, samples)
        fraction = (np.arange(len(owner)) - first + 0.5) / samples[owner]
        self._sample_segment = owner
        self._tree = cKDTree(
            np.column_stack(
                [
                    self._segment_x0[owner] + fraction * self._segment_dx[owner],
                    self._segment_y0[owner] + fraction * self._segment_dy[owner],
                ]
            )
        )

    def _project(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """Metres on a plane touching the county: under 0.1 % off across 100 km."""
        lat = np.radians(np.asarray(lat, dtype=np.float64))
        lon = np.radians(np.asarray(lon, dtype=np.float64))
        return EARTH_RADIUS_M * lon * np.cos(self._lat0), EARTH_RADIUS_M * lat

    def snap(self, points: Sequence[tuple[float, float]], max_snap_m: float) -> Snaps:
        """Snap each (lat, lon) to the nearest road where goods may be handed over.

        Raises ``OffRoadError`` naming every place farther than ``max_snap_m``."""
        coordinates = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        x, y = self._project(coordinates[:, 0], coordinates[:, 1])
        k = min(CANDIDATE_SEGMENTS, len(self._sample_segment))
        _, nearest = self._tree.query(np.column_stack([x, y]), k=k)
        nearest = np.asarray(nearest).reshape(len(x), k)
        candidates = self._sample_segment[nearest]
        dx, dy = self._segment_dx[candidates], self._segment_dy[candidates]
        squared = np.maximum(dx * dx + dy * dy, 1e-12)
        t = (
            (x[:, None] - self._segment_x0[candidates]) * dx
            + (y[:, None] - self._segment_y0[candidates]) * dy
        ) / squared
        t = np.clip(t, 0.0, 1.0)
        gap = np.hypot(
            self._segment_x0[candidates] + t * dx - x[:, None],
            self._segment_y0[candidates] + t * dy - y[:, None],
        )
        best = np.argmin(gap, axis=1)
        rows = np.arange(len(x))
        segment = candidates[rows, best]
        snap_m = gap[rows, best]
        far = np.flatnonzero(snap_m > max_snap_m)
        if len(far):
            raise OffRoadError(
                [(int(i), *coordinates[i], float(snap_m[i])) for i in far], max_snap_m
            )
        return Snaps(
            chain=self._segment_chain[segment],
            offset_m=self._segment_offset[segment] + t[rows, best] * self._segment_length[segment],
            snap_m=snap_m,
        )

    def cost_per_m(self, metric: str) -> np.ndarray:
        """Cost of a metre of each chain: 1 for distance, seconds for a vehicle type (inf
        where that vehicle may not drive)."""
        if metric == DISTANCE:
            return np.ones(self.graph.chains)
        cached = self._chain_seconds_per_m.get(metric)
        if cached is None:
            by_class = np.array(
                [
                    3.6 / speed if (speed := speed_kmh(metric, name)) else np.inf
                    for name in self.graph.class_names
                ]
            )
            cached = self._chain_seconds_per_m[metric] = by_class[self.graph.chain_class]
        return cached

    def search(
        self,
        snaps: Snaps,
        metric: str,
        rows: np.ndarray,
        columns: np.ndarray,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Costs from places ``rows`` to every place, and from every place to places
        ``columns`` (indices into ``snaps``); metres or seconds, unrounded."""
        graph, n = self._augmented(snaps, metric)
        j = self.graph.junctions
        forward = self._run(graph, j + rows, slice(j + n, j + 2 * n), progress)
        reverse = graph.T.tocsr() if len(columns) else graph
        backward = self._run(reverse, j + n + columns, slice(j, j + n), progress)
        for results, places in ((forward, rows), (backward, columns)):
            results[np.arange(len(places)), places] = 0.0
        return forward, backward.T

    @staticmethod
    def _run(graph, sources: np.ndarray, wanted: slice, progress) -> np.ndarray:
        out = np.empty((len(sources), wanted.stop - wanted.start))
        for first in range(0, len(sources), SEARCH_BATCH):
            batch = sources[first : first + SEARCH_BATCH]
            out[first : first + len(batch)] = dijkstra(graph, directed=True, indices=batch)[
                :, wanted
            ]
            if progress:
                progress(len(batch))
        return out

    def _augmented(self, snaps: Snaps, metric: str) -> tuple[csr_matrix, int]:
        g = self.graph
        j, n = g.junctions, len(snaps.chain)
        per_m = self.cost_per_m(metric)
        length = g.chain_length_m
        usable = np.isfinite(per_m)
        both = usable & ~g.chain_oneway
        rows = [g.chain_from[usable], g.chain_to[both]]
        cols = [g.chain_to[usable], g.chain_from[both]]
        weights = [(length * per_m)[usable], (length * per_m)[both]]

        chain, offset = snaps.chain, snaps.offset_m
        k = per_m[chain]
        ahead = (length[chain] - offset) * k
        behind = offset * k
        two_way = ~g.chain_oneway[chain]
        starts, finishes = j + np.arange(n), j + n + np.arange(n)
        rows += [starts, starts[two_way], g.chain_from[chain], g.chain_to[chain][two_way]]
        cols += [g.chain_to[chain], g.chain_from[chain][two_way], finishes, finishes[two_way]]
        weights += [ahead, behind[two_way], behind, ahead[two_way]]

        # Places on one chain reach each other along it, without passing a junction.
        order = np.argsort(chain, kind="stable")
        boundaries = np.flatnonzero(np.diff(chain[order])) + 1
        for group in np.split(order, boundaries):
            if len(group) < 2:
                continue
            a, b = np.meshgrid(group, group, indexing="ij")
            a, b = a.ravel(), b.ravel()
            gap = offset[b] - offset[a]
            drivable = (gap >= 0) | two_way[a]
            a, b, gap = a[drivable & (a != b)], b[drivable & (a != b)], gap[drivable & (a != b)]
            rows.append(starts[a])
            cols.append(finishes[b])
            weights.append(np.abs(gap) * k[a])

        r, c = np.concatenate(rows), np.concatenate(cols)
        w = np.maximum(np.concatenate(weights), MIN_WEIGHT)
        # Parallel roads between two junctions: the cheaper one counts (a sparse matrix
        # would add them up).
        order = np.lexsort((w, c, r))
        r, c, w = r[order], c[order], w[order]
        first = np.ones(len(r), dtype=bool)
        first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
        size = j + 2 * n
        return csr_matrix((w[first], (r[first], c[first])), shape=(size, size)), n
