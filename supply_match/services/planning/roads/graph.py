"""The county's drivable roads as a graph of junctions joined by chains.

A chain is a stretch of one OpenStreetMap way between two junctions (a junction is where
ways meet, or a way ends), with its shape kept for snapping places onto it. A one-way
chain is driven only from ``chain_from`` to ``chain_to``. Only the largest part of the
network where every junction reaches every other one is kept, so any two places snapped
onto it are joined by a run: islands (a yard's service road mapped without its link to a
public road) would otherwise give distances that do not exist.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from supply_match.geo import EARTH_RADIUS_M
from supply_match.services.planning.roads.speeds import NO_STOPPING


@dataclass(frozen=True)
class WayRecord:
    """One drivable OpenStreetMap way, in the direction it may be driven when one-way."""

    node_ids: Sequence[int]
    lats: Sequence[float]
    lons: Sequence[float]
    road_class: str
    oneway: bool


class EmptyNetworkError(ValueError):
    """The file holds no drivable road."""


def haversine_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in metres, element by element."""
    lat1, lon1, lat2, lon2 = (
        np.radians(np.asarray(a, dtype=np.float64)) for a in (lat1, lon1, lat2, lon2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))


@dataclass(frozen=True)
class RoadGraph:
    """Arrays describing the network (see the module docstring); every length in metres."""

    junction_lat: np.ndarray
    junction_lon: np.ndarray
    chain_from: np.ndarray
    chain_to: np.ndarray
    chain_oneway: np.ndarray
    chain_class: np.ndarray
    class_names: tuple[str, ...]
    shape_start: np.ndarray
    """Chain c's shape is points ``shape_start[c]`` to ``shape_start[c + 1] - 1``."""
    shape_lat: np.ndarray
    shape_lon: np.ndarray
    shape_offset_m: np.ndarray
    """Distance along its chain from the chain's start to each shape point."""
    osm_nodes: int = 0
    """OpenStreetMap nodes on the drivable ways read, before the core was chosen."""

    @property
    def junctions(self) -> int:
        return len(self.junction_lat)

    @property
    def chains(self) -> int:
        return len(self.chain_from)

    @property
    def chain_length_m(self) -> np.ndarray:
        return self.shape_offset_m[self.shape_start[1:] - 1]

    def chain_class_names(self) -> np.ndarray:
        return np.asarray(self.class_names, dtype=object)[self.chain_class]

    def stopping_chains(self) -> np.ndarray:
        """Chains a place may be snapped onto (not expressways)."""
        allowed = np.array([name not in NO_STOPPING for name in self.class_names], dtype=bool)
        return allowed[self.chain_class]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            junction_lat=self.junction_lat,
            junction_lon=self.junction_lon,
            chain_from=self.chain_from,
            chain_to=self.chain_to,
            chain_oneway=self.chain_oneway,
            chain_class=self.chain_class,
            class_names=np.asarray(self.class_names, dtype=str),
            shape_start=self.shape_start,
            shape_lat=self.shape_lat,
            shape_lon=self.shape_lon,
            shape_offset_m=self.shape_offset_m,
            osm_nodes=np.asarray(self.osm_nodes),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> RoadGraph:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            values = {name: arrays[name] for name in arrays.files}
        values["class_names"] = tuple(str(name) for name in values["class_names"])
        values["osm_nodes"] = int(values["osm_nodes"])
        return cls(**values)


def build_graph(ways: Iterable[WayRecord]) -> RoadGraph:
    """Split ``ways`` into chains at junctions and keep the strongly connected core."""
    ways = [w for w in ways if len(w.node_ids) >= 2]
    uses = Counter()
    for way in ways:
        uses.update(way.node_ids)
        # A way's ends are junctions even where no other way meets them.
        uses[way.node_ids[0]] += 2
        uses[way.node_ids[-1]] += 2
    class_names = tuple(sorted({w.road_class for w in ways}))
    class_code = {name: code for code, name in enumerate(class_names)}

    junction_of: dict[int, int] = {}
    junction_lat: list[float] = []
    junction_lon: list[float] = []

    def junction(node_id: int, lat: float, lon: float) -> int:
        index = junction_of.get(node_id)
        if index is None:
            index = junction_of[node_id] = len(junction_lat)
            junction_lat.append(lat)
            junction_lon.append(lon)
        return index

    chain_from: list[int] = []
    chain_to: list[int] = []
    chain_oneway: list[bool] = []
    chain_class: list[int] = []
    chain_shapes: list[tuple[int, int, int]] = []  # (way index, first node, last node)
    for way_index, way in enumerate(ways):
        start = 0
        for position in range(1, len(way.node_ids)):
            node = way.node_ids[position]
            if uses[node] < 2 and position < len(way.node_ids) - 1:
                continue
            if node != way.node_ids[start]:
                chain_from.append(junction(way.node_ids[start], way.lats[start], way.lons[start]))
                chain_to.append(junction(node, way.lats[position], way.lons[position]))
                chain_oneway.append(way.oneway)
                chain_class.append(class_code[way.road_class])
                chain_shapes.append((way_index, start, position))
            start = position
    if not chain_from:
        raise EmptyNetworkError("no drivable road")

    keep = _strong_core(
        len(junction_lat),
        np.asarray(chain_from),
        np.asarray(chain_to),
        np.asarray(chain_oneway),
        np.array([class_names[c] not in NO_STOPPING for c in chain_class], dtype=bool),
    )
    kept = [c for c in range(len(chain_from)) if keep[chain_from[c]] and keep[chain_to[c]]]
    if not kept:
        raise EmptyNetworkError("no road where a vehicle can drive there and back")
    merged = _merge_pass_through(
        [(chain_from[c], chain_to[c], chain_oneway[c], chain_class[c]) for c in kept]
    )

    shape_lat: list[float] = []
    shape_lon: list[float] = []
    shape_start = [0]
    for _ends, pieces in merged:
        for number, (piece, backwards) in enumerate(pieces):
            way_index, first, last = chain_shapes[kept[piece]]
            way = ways[way_index]
            lats, lons = way.lats[first : last + 1], way.lons[first : last + 1]
            if backwards:
                lats, lons = lats[::-1], lons[::-1]
            skip = 1 if number else 0  # the junction between two pieces once
            shape_lat.extend(lats[skip:])
            shape_lon.extend(lons[skip:])
        shape_start.append(len(shape_lat))
    starts = np.asarray(shape_start, dtype=np.int64)
    lat = np.asarray(shape_lat, dtype=np.float64)
    lon = np.asarray(shape_lon, dtype=np.float64)
    step = np.zeros(len(lat))
    step[1:] = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    step[starts[:-1]] = 0.0  # a chain's first point starts it, it does not follow another chain
    offsets = np.cumsum(step)
    offsets -= np.repeat(offsets[starts[:-1]], np.diff(starts))

    ends = np.asarray([e for e, _pieces in merged], dtype=np.int64).reshape(-1, 4)
    used = np.unique(ends[:, :2])
    renumber = np.full(len(junction_lat), -1, dtype=np.int64)
    renumber[used] = np.arange(len(used))
    return RoadGraph(
        junction_lat=np.asarray(junction_lat, dtype=np.float64)[used],
        junction_lon=np.asarray(junction_lon, dtype=np.float64)[used],
        chain_from=renumber[ends[:, 0]].astype(np.int32),
        chain_to=renumber[ends[:, 1]].astype(np.int32),
        chain_oneway=ends[:, 2].astype(bool),
        chain_class=ends[:, 3].astype(np.uint8),
        class_names=class_names,
        shape_start=starts,
        shape_lat=lat,
        shape_lon=lon,
        shape_offset_m=offsets,
        osm_nodes=len(uses),
    )


Chain = tuple[int, int, bool, int]  # from junction, to junction, one-way, road class


def _merge_pass_through(
    chains: list[Chain],
) -> list[tuple[Chain, list[tuple[int, bool]]]]:
    """Join chains through junctions where only two chains of one kind meet (a way split
    for a bridge or a change of name): fewer junctions, faster searches, same distances.

    Returns each joined chain with its pieces: (index into ``chains``, driven backwards)."""
    incident: dict[int, list[tuple[int, int]]] = {}
    for index, (start, end, _oneway, _class) in enumerate(chains):
        incident.setdefault(start, []).append((index, 0))
        incident.setdefault(end, []).append((index, 1))

    def passable(junction: int) -> bool:
        here = incident[junction]
        if len(here) != 2 or here[0][0] == here[1][0]:
            return False
        (a, a_end), (b, b_end) = here
        if chains[a][2:] != chains[b][2:]:
            return False
        # One way in and one way out, for one-way chains.
        return not chains[a][2] or a_end != b_end

    visited = [False] * len(chains)
    merged: list[tuple[Chain, list[tuple[int, bool]]]] = []

    def walk(first: int, backwards: bool) -> None:
        oneway, road_class = chains[first][2], chains[first][3]
        start = chains[first][1 if backwards else 0]
        pieces = [(first, backwards)]
        visited[first] = True
        here = chains[first][0 if backwards else 1]
        while here != start and passable(here):
            (a, a_end), (b, b_end) = incident[here]
            following, end = (b, b_end) if a == pieces[-1][0] else (a, a_end)
            if visited[following]:
                break
            visited[following] = True
            pieces.append((following, end == 1))
            here = chains[following][0 if end == 1 else 1]
        merged.append(((start, here, oneway, road_class), pieces))

    for junction, here in incident.items():
        if passable(junction):
            continue
        for index, end in here:
            if visited[index] or (chains[index][2] and end == 1):
                continue
            walk(index, backwards=end == 1)
    # Rings made only of pass-through junctions have nowhere to start from: kept as they are.
    for index in range(len(chains)):
        if not visited[index]:
            walk(index, backwards=False)
    return merged


def _strong_core(
    junctions: int,
    chain_from: np.ndarray,
    chain_to: np.ndarray,
    oneway: np.ndarray,
    everyone_drives: np.ndarray,
) -> np.ndarray:
    """Junctions of the largest strongly connected part of the roads every vehicle type may
    drive (expressways left out: a tricycle must reach every place too)."""
    both = everyone_drives & ~oneway
    rows = np.concatenate([chain_from[everyone_drives], chain_to[both]])
    cols = np.concatenate([chain_to[everyone_drives], chain_from[both]])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(junctions, junctions)).tocsr()
    _count, labels = connected_components(graph, directed=True, connection="strong")
    # Junctions only on expressways are alone in their component; never the largest.
    touched = np.zeros(junctions, dtype=bool)
    touched[rows] = True
    if not touched.any():
        return touched
    sizes = np.bincount(labels[touched], minlength=labels.max() + 1)
    return labels == int(np.argmax(sizes))
