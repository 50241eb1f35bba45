"""The road network in the database, and the road-distance provider planning uses.

Every process reads the network from the database (and keeps it in memory while the same
network stays loaded), so web processes and workers on any machine plan on the same roads.
Legs computed for one day are kept by place: planning another day with the same outlets,
homes and households searches only the pairs not seen before.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.exc import IntegrityError, OperationalError

from supply_match.extensions import db
from supply_match.models import RoadLegs, RoadNetwork, RoadPoint
from supply_match.models._types import utcnow
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.planning.distances import Matrices
from supply_match.services.planning.roads import osm
from supply_match.services.planning.roads.graph import RoadGraph
from supply_match.services.planning.roads.matrix import DISTANCE, RoadIndex, Snaps
from supply_match.services.unit_of_work import use_case

log = logging.getLogger(__name__)

# A household a little up the hillside from the road is served from the road; one farther
# than this is a wrong coordinate or a road missing from the extract.
MAX_SNAP_M = 1000.0
# Keys of places: degrees times 1e5 (about a metre).
KEY_SCALE = 1e5
QUERY_CHUNK = 500

_memo_lock = threading.Lock()
_memo: dict[str, RoadIndex] = {}


@dataclass(frozen=True)
class LoadedNetwork:
    network_id: int
    source_name: str
    osm_nodes: int
    junctions: int
    chains: int
    length_km: float


@use_case
def load_road_network(path: Path) -> LoadedNetwork:
    """Read an OpenStreetMap extract and make its drivable roads the county's network,
    replacing any network loaded before (and the legs computed on it).

    Raises ``osm.OsmFileError`` for a file that is not OpenStreetMap data and
    ``graph.EmptyNetworkError`` when it holds no drivable road."""
    graph = osm.read_graph(path)
    length_km = float(graph.chain_length_m.sum() / 1000)
    db.session.execute(delete(RoadNetwork))
    blob = graph.to_bytes()
    network = RoadNetwork(
        source_name=path.name[:255],
        osm_nodes=graph.osm_nodes,
        junctions=graph.junctions,
        chains=graph.chains,
        length_km=round(length_km, 3),
        graph=blob,
        digest=hashlib.sha256(blob).hexdigest(),
    )
    db.session.add(network)
    db.session.flush()
    audit.record(
        AuditKind.SETTINGS,
        "road_network",
        record_id=network.id,
        summary=f"{network.source_name} {round(length_km)} km",
        detail={"junctions": graph.junctions, "chains": graph.chains},
    )
    return LoadedNetwork(
        network.id, network.source_name, graph.osm_nodes, graph.junctions, graph.chains, length_km
    )


def current_network() -> RoadNetwork | None:
    """The loaded network's record (without its graph), or None."""
    return db.session.scalar(select(RoadNetwork).order_by(RoadNetwork.id.desc()).limit(1))


def _index_of(network: RoadNetwork) -> RoadIndex:
    with _memo_lock:
        index = _memo.get(network.digest)
        if index is None:
            graph = RoadGraph.from_bytes(
                db.session.scalar(select(RoadNetwork.graph).where(RoadNetwork.id == network.id))
            )
            index = RoadIndex(graph)
            _memo.clear()
            _memo[network.digest] = index
        return index


def current_provider(remember: bool = True) -> RoadNetworkProvider | None:
    """A provider on the loaded network, or None when no network is loaded."""
    network = current_network()
    if network is None:
        return None
    return RoadNetworkProvider(network.id, _index_of(network), remember=remember)


@dataclass
class RoadNetworkProvider:
    """Road distances (metres) and travel times per vehicle type (seconds) on the network.

    With ``remember`` the places and legs computed are stored (on a connection of their own,
    committed at once, so that a plan that fails later keeps them); without it, stored legs
    are used and nothing is written (for a hand edit, inside a transaction of its own)."""

    network_id: int
    index: RoadIndex
    remember: bool = True
    max_snap_m: float = MAX_SNAP_M
    searches: int = field(default=0, init=False)
    """Shortest-path searches run so far (each gives one row or column of a matrix)."""

    def matrices(
        self, points: Sequence[tuple[float, float]], speed_classes: Iterable[str]
    ) -> Matrices:
        coordinates = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        keys = np.rint(coordinates * KEY_SCALE).astype(np.int64)
        unique_keys, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        ids, snaps = self._places(unique_keys)
        metrics = [DISTANCE, *sorted(set(speed_classes))]
        costs = {metric: self._costs(metric, ids, snaps) for metric in metrics}
        expand = np.ix_(inverse, inverse)
        return Matrices(
            distance_m=costs[DISTANCE][expand],
            duration_s={metric: costs[metric][expand] for metric in metrics[1:]},
        )

    def _places(self, keys: np.ndarray) -> tuple[np.ndarray, Snaps]:
        """Point ids (negative where not stored) and snaps of the places ``keys``."""
        as_tuples = [tuple(key) for key in keys.tolist()]
        known = self._stored_points(keys)
        missing = [i for i, key in enumerate(as_tuples) if key not in known]
        if missing:
            fresh = self.index.snap(keys[missing] / KEY_SCALE, self.max_snap_m)
            if self.remember:
                self._store_points(keys[missing], fresh)
                known = self._stored_points(keys)
            for number, i in enumerate(missing):
                # Not stored (nothing written, or the write was lost): a temporary id.
                known.setdefault(
                    as_tuples[i],
                    (
                        -1 - number,
                        fresh.chain[number],
                        fresh.offset_m[number],
                        fresh.snap_m[number],
                    ),
                )
        rows = [known[key] for key in as_tuples]
        return (
            np.array([row[0] for row in rows], dtype=np.int64),
            Snaps(
                chain=np.array([row[1] for row in rows], dtype=np.int64),
                offset_m=np.array([row[2] for row in rows], dtype=np.float64),
                snap_m=np.array([row[3] for row in rows], dtype=np.float64),
            ),
        )

    def _stored_points(self, keys: np.ndarray) -> dict[tuple[int, int], tuple]:
        found: dict[tuple[int, int], tuple] = {}
        pairs = [tuple(key) for key in keys.tolist()]
        for first in range(0, len(pairs), QUERY_CHUNK):
            rows = db.session.execute(
                select(
                    RoadPoint.lat_e5,
                    RoadPoint.lon_e5,
                    RoadPoint.id,
                    RoadPoint.chain,
                    RoadPoint.offset_m,
                    RoadPoint.snap_m,
                ).where(
                    RoadPoint.network_id == self.network_id,
                    tuple_(RoadPoint.lat_e5, RoadPoint.lon_e5).in_(
                        pairs[first : first + QUERY_CHUNK]
                    ),
                )
            )
            for lat_e5, lon_e5, *rest in rows:
                found[(lat_e5, lon_e5)] = tuple(rest)
        return found

    def _store_points(self, keys: np.ndarray, snaps: Snaps) -> None:
        rows = [
            {
                "network_id": self.network_id,
                "lat_e5": int(lat_e5),
                "lon_e5": int(lon_e5),
                "chain": int(chain),
                "offset_m": float(offset),
                "snap_m": float(snap_m),
            }
            for (lat_e5, lon_e5), chain, offset, snap_m in zip(
                keys.tolist(), snaps.chain, snaps.offset_m, snaps.snap_m, strict=True
            )
        ]
        # Another worker may store the same place at the same time; then its row serves.
        _write_quietly(lambda connection: connection.execute(insert(RoadPoint), rows))

    def _costs(self, metric: str, ids: np.ndarray, snaps: Snaps) -> np.ndarray:
        n = len(ids)
        costs = np.full((n, n), -1, dtype=np.int64)
        by_id = np.argsort(ids)
        sorted_ids = ids[by_id]
        stored = self._stored_legs(metric, ids)
        for point_id, (targets, values) in stored.items():
            found = np.minimum(np.searchsorted(sorted_ids, targets), n - 1)
            today = sorted_ids[found] == targets
            row = by_id[np.searchsorted(sorted_ids, point_id)]
            costs[row, by_id[found[today]]] = values[today]
        np.fill_diagonal(costs, 0)
        rows, columns = _searches_for(costs < 0)
        if len(rows) or len(columns):
            forward, backward = self.index.search(snaps, metric, rows, columns)
            self.searches += len(rows) + len(columns)
            if not (np.isfinite(forward).all() and np.isfinite(backward).all()):
                # The network keeps only its strongly connected core, so this is a bug.
                raise RuntimeError(f"unreachable places on the road network ({metric})")
            if len(rows):
                costs[rows, :] = np.rint(forward)
            if len(columns):
                costs[:, columns] = np.rint(backward)
            if self.remember:
                self._store_legs(metric, ids, costs, stored)
        return costs

    def _stored_legs(
        self, metric: str, ids: np.ndarray
    ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        wanted = [int(i) for i in ids.tolist() if i >= 0]
        found = {}
        for first in range(0, len(wanted), QUERY_CHUNK):
            rows = db.session.execute(
                select(RoadLegs.point_id, RoadLegs.target_ids, RoadLegs.costs).where(
                    RoadLegs.metric == metric,
                    RoadLegs.point_id.in_(wanted[first : first + QUERY_CHUNK]),
                )
            )
            for point_id, targets, values in rows:
                found[point_id] = _decode(targets, values)
        return found

    def _store_legs(
        self,
        metric: str,
        ids: np.ndarray,
        costs: np.ndarray,
        stored: dict[int, tuple[np.ndarray, np.ndarray]],
    ) -> None:
        rows = []
        saved = ids >= 0
        for i, point_id in enumerate(ids.tolist()):
            if point_id < 0:
                continue
            targets, values = ids[saved], costs[i][saved]
            old = stored.get(point_id)
            if old is not None:
                # Keep legs to places of other days that are not in today's matrix.
                others = ~np.isin(old[0], targets)
                targets = np.concatenate([old[0][others], targets])
                values = np.concatenate([old[1][others], values])
            encoded_targets, encoded_costs = _encode(targets, values)
            rows.append(
                {
                    "point_id": point_id,
                    "metric": metric,
                    "target_ids": encoded_targets,
                    "costs": encoded_costs,
                    "updated_at": utcnow(),
                }
            )

        if not rows:
            return

        def write(connection) -> None:
            point_ids = [row["point_id"] for row in rows]
            for first in range(0, len(point_ids), QUERY_CHUNK):
                connection.execute(
                    delete(RoadLegs).where(
                        RoadLegs.metric == metric,
                        RoadLegs.point_id.in_(point_ids[first : first + QUERY_CHUNK]),
                    )
                )
            connection.execute(insert(RoadLegs), rows)

        _write_quietly(write)


def _encode(targets: np.ndarray, costs: np.ndarray) -> tuple[bytes, bytes]:
    """Targets sorted, as compressed gaps (a day's ids are close together); costs as int32."""
    order = np.argsort(targets)
    gaps = np.diff(targets[order], prepend=0).astype("<i8")
    return zlib.compress(gaps.tobytes()), costs[order].astype("<i4").tobytes()


def _decode(targets: bytes, costs: bytes) -> tuple[np.ndarray, np.ndarray]:
    gaps = np.frombuffer(zlib.decompress(targets), dtype="<i8")
    return np.cumsum(gaps), np.frombuffer(costs, dtype="<i4")


def _searches_for(missing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows to search forward and columns to search backward so that every missing pair
    is covered, in few searches: whole rows, whole columns, or the places missing almost
    everything (new places) both ways and then the rows still missing something."""
    rows_missing = np.flatnonzero(missing.any(axis=1))
    columns_missing = np.flatnonzero(missing.any(axis=0))
    options = [
        (rows_missing, np.array([], dtype=np.int64)),
        (np.array([], dtype=np.int64), columns_missing),
    ]
    n = len(missing)
    if n > 1:
        new = np.flatnonzero(missing.sum(axis=1) >= n - 1)
        rest = missing.copy()
        rest[new, :] = False
        rest[:, new] = False
        options.append((np.union1d(new, np.flatnonzero(rest.any(axis=1))), new))
    return min(options, key=lambda option: len(option[0]) + len(option[1]))


def _write_quietly(write) -> None:
    """Write cache rows on a connection of their own; a lost race only loses the cache."""
    try:
        with db.engine.begin() as connection:
            write(connection)
    except (IntegrityError, OperationalError) as error:
        log.warning("road legs not stored: %s", error)
