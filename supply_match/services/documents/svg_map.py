"""Maps drawn as SVG on the server: runs, outlets, stops and unassigned orders.

They need no tile server and no script, so they show on a machine without internet, in a
route sheet's PDF and on paper. Coordinates are projected equirectangularly around the
map's centre, which is exact enough at county scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from flask_babel import gettext as _

# Distinct, print-safe colours for runs (cycled when there are more runs).
RUN_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
)


OUTLET_FONT_PX = 11


def _text_width(text: str, font_px: int) -> float:
    """Rough rendered width: Chinese characters are about square, Latin ones half as wide."""
    return sum(font_px if ord(ch) > 0x2E80 else 0.6 * font_px for ch in text)


def run_colour(index: int) -> str:
    """The colour of the ``index``-th run, the same on the map, the board and the sheets."""
    return RUN_COLOURS[index % len(RUN_COLOURS)]


# Runs whose stops come within this distance of each other are neighbours on the map.
NEIGHBOUR_M = 3000
_M_PER_DEGREE = 111_320


def _box(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float]:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return min(lats), min(lons), max(lats), max(lons)


def _near(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two boxes (lat, lon, lat, lon) come within ``NEIGHBOUR_M`` of each other."""
    margin = NEIGHBOUR_M / _M_PER_DEGREE
    lon_margin = margin / max(math.cos(math.radians((a[0] + b[2]) / 2)), 0.1)
    return (
        a[0] - margin <= b[2]
        and b[0] - margin <= a[2]
        and a[1] - lon_margin <= b[3]
        and b[1] - lon_margin <= a[3]
    )


def colour_indices(runs: Sequence[Sequence[tuple[float, float]]]) -> list[int]:
    """A colour index per run (its stops' points) such that runs whose stops are near one
    another never share a colour while the palette lasts: each run in turn takes the first
    colour none of its earlier neighbours has, else the one they use least."""
    boxes = [_box(points) if points else None for points in runs]
    chosen: list[int] = []
    for number, box in enumerate(boxes):
        taken = [
            chosen[other]
            for other in range(number)
            if box is not None and boxes[other] is not None and _near(box, boxes[other])
        ]
        free = [c for c in range(len(RUN_COLOURS)) if c not in taken]
        chosen.append(free[0] if free else min(range(len(RUN_COLOURS)), key=taken.count))
    return chosen


@dataclass
class MapRun:
    colour: str
    points: list[tuple[float, float]]  # in visiting order: outlet, stops..., without the home
    labels: list[str] = field(default_factory=list)  # one per stop (points[1:])
    key: str = ""  # names the run's group (``data-run``), for highlighting one run


@dataclass
class MapLayer:
    runs: list[MapRun] = field(default_factory=list)
    outlets: list[tuple[float, float, str]] = field(default_factory=list)
    unassigned: list[tuple[float, float, str]] = field(default_factory=list)
    places: list[tuple[float, float, str]] = field(default_factory=list)
    """Township names, drawn faintly under the runs where they fall inside the map."""
    # Volunteers' last shared positions (lat, lon, label, run colour), drawn on top.
    people: list[tuple[float, float, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Frame:
    """Where the map's points go on the picture: pixels per metre and the projection."""

    width: int
    height: int
    metres_per_px: float
    project: Callable[[float, float], tuple[float, float]]
    bounds: tuple[float, float, float, float]  # min lat, min lon, max lat, max lon


def _frame(points: Sequence[tuple[float, float]], width: int, height: int, margin: int) -> _Frame:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    mid_lat = (min(lats) + max(lats)) / 2
    x_scale = math.cos(math.radians(mid_lat))
    span_x = max((max(lons) - min(lons)) * x_scale, 1e-4)
    span_y = max(max(lats) - min(lats), 1e-4)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        x = off_x + (lon - min(lons)) * x_scale * scale
        y = height - (off_y + (lat - min(lats)) * scale)
        return round(x, 1), round(y, 1)

    bounds = (min(lats), min(lons), max(lats), max(lons))
    return _Frame(width, height, _M_PER_DEGREE / scale, project, bounds)


# Lengths a scale bar may show, in metres: the longest that fits a fifth of the map.
SCALE_STEPS_M = (100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000)


def _scale_bar(frame: _Frame) -> str:
    fits = [m for m in SCALE_STEPS_M if m / frame.metres_per_px <= frame.width / 5]
    metres = fits[-1] if fits else SCALE_STEPS_M[0]
    length = round(metres / frame.metres_per_px, 1)
    text = f"{metres // 1000} km" if metres >= 1000 else f"{metres} m"
    x, y = 12, frame.height - 12
    return (
        f'<g class="scale-bar"><path d="M{x},{y - 5} L{x},{y} L{x + length},{y} L{x + length},'
        f'{y - 5}" fill="none" stroke="#333" stroke-width="1.5"/>'
        f'<text x="{x + length / 2}" y="{y - 7}" text-anchor="middle" font-size="10" '
        f'fill="#333">{text}</text></g>'
    )


def _places(layer: MapLayer, frame: _Frame) -> list[str]:
    """Township names inside the map, faint and under everything else."""
    low_lat, low_lon, high_lat, high_lon = frame.bounds
    parts = []
    for lat, lon, name in layer.places:
        if low_lat <= lat <= high_lat and low_lon <= lon <= high_lon:
            x, y = frame.project(lat, lon)
            parts.append(
                f'<text class="place" x="{x}" y="{y}" text-anchor="middle" font-size="13" '
                f'fill="#8a8f7d" opacity="0.8">{escape(name)}</text>'
            )
    return parts


def _run(run: MapRun, frame: _Frame, numbered: bool, tooltips: bool) -> list[str]:
    """A run's line and numbered stops, in one group named by the run's key."""
    xy = [frame.project(*p) for p in run.points]
    parts = [f'<g class="map-run" data-run="{escape(run.key)}">']
    if len(xy) > 1:
        path = " ".join(f"{x},{y}" for x, y in xy)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{run.colour}" stroke-width="2.5" stroke-linejoin="round" opacity="0.85"/>'
        )
    for number, (x, y) in enumerate(xy[1:], start=1):
        label = escape(run.labels[number - 1]) if number - 1 < len(run.labels) else ""
        if tooltips:
            parts.append(f"<g><title>{number}. {label}</title>")
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="7" fill="#fff" stroke="{run.colour}" stroke-width="2"/>'
        )
        if numbered:
            parts.append(
                f'<text x="{x}" y="{y + 3.5}" text-anchor="middle" font-size="9" font-weight="bold" fill="{run.colour}">{number}</text>'
            )
        if tooltips:
            parts.append("</g>")
    parts.append("</g>")
    return parts


def _outlets(layer: MapLayer, frame: _Frame, tooltips: bool) -> list[str]:
    parts = []
    for lat, lon, name in layer.outlets:
        x, y = frame.project(lat, lon)
        short = name[:12]
        # The name goes left of the square where it would run past the right edge.
        if x + 10 + _text_width(short, OUTLET_FONT_PX) > frame.width - 2:
            label_at, anchor = x - 10, ' text-anchor="end"'
        else:
            label_at, anchor = x + 10, ""
        parts.append(
            (f"<g><title>{escape(name)}</title>" if tooltips else "")
            + f'<rect x="{x - 7}" y="{y - 7}" width="14" height="14" fill="#222"/>'
            f'<text x="{label_at}" y="{y + 4}"{anchor} font-size="{OUTLET_FONT_PX}" '
            f'fill="#222">{escape(short)}</text>' + ("</g>" if tooltips else "")
        )
    return parts


def _unassigned(layer: MapLayer, frame: _Frame, tooltips: bool) -> list[str]:
    parts = []
    for lat, lon, name in layer.unassigned:
        x, y = frame.project(lat, lon)
        title = escape(_("Not planned: %(name)s", name=name))
        parts.append(
            (f"<g><title>{title}</title>" if tooltips else "")
            + f'<path d="M{x - 5},{y - 5} L{x + 5},{y + 5} M{x - 5},{y + 5} L{x + 5},{y - 5}" stroke="#b00" stroke-width="2.5"/>'
            + ("</g>" if tooltips else "")
        )
    return parts


def render(
    layer: MapLayer,
    width: int = 640,
    height: int = 420,
    numbered: bool = True,
    title: str = "",
    tooltips: bool = True,
) -> str:
    """The layer as an inline SVG: township names, runs, outlets, unassigned orders and a
    scale bar. ``tooltips=False`` leaves out the hover titles (and the groups holding
    them), which paper cannot show: fewer elements, a faster PDF."""
    everything = [p for run in layer.runs for p in run.points]
    everything += [(lat, lon) for lat, lon, _ in layer.outlets + layer.unassigned]
    everything += [(lat, lon) for lat, lon, _label, _colour in layer.people]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title or "配送地图")}" class="run-map">',
        f'<rect width="{width}" height="{height}" fill="#f8f9f4" stroke="#c8cbbf"/>',
    ]
    if not everything:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" font-size="14" '
            f'fill="#666">{escape(_("No stops to show"))}</text>'
        )
        parts.append("</svg>")
        return "".join(parts)
    frame = _frame(everything, width, height, margin=24)
    parts += _places(layer, frame)
    for run in layer.runs:
        parts += _run(run, frame, numbered, tooltips)
    parts += _outlets(layer, frame, tooltips)
    parts += _unassigned(layer, frame, tooltips)
    parts.append(_scale_bar(frame))
    parts.extend(_people(layer.people, frame.project, tooltips))
    parts.append("</svg>")
    return "".join(parts)


def _people(people, project, tooltips: bool) -> list[str]:
    """Each volunteer's last position: a filled triangle in their run's colour."""
    parts = []
    for lat, lon, label, colour in people:
        x, y = project(lat, lon)
        parts.append(
            (f'<g class="person"><title>{escape(label)}</title>' if tooltips else "")
            + f'<path d="M{x},{y - 9} L{x + 8},{y + 6} L{x - 8},{y + 6} Z" fill="{colour}" '
            'stroke="#fff" stroke-width="1.5"/>' + ("</g>" if tooltips else "")
        )
    return parts
