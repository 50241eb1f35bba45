"""Maps drawn as SVG on the server: runs, outlets, stops and unassigned orders.

They need no tile server and no script, so they show on a machine without internet, in a
route sheet's PDF and on paper. Coordinates are projected equirectangularly around the
map's centre, which is exact enough at county scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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


@dataclass
class MapRun:
    colour: str
    points: list[tuple[float, float]]  # in visiting order: outlet, stops..., without the home
    labels: list[str] = field(default_factory=list)  # one per stop (points[1:])


@dataclass
class MapLayer:
    runs: list[MapRun] = field(default_factory=list)
    outlets: list[tuple[float, float, str]] = field(default_factory=list)
    unassigned: list[tuple[float, float, str]] = field(default_factory=list)
    # Volunteers' last shared positions (lat, lon, label, run colour), drawn on top.
    people: list[tuple[float, float, str, str]] = field(default_factory=list)


def _projector(points: Sequence[tuple[float, float]], width: int, height: int, margin: int):
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

    return project


def render(
    layer: MapLayer,
    width: int = 640,
    height: int = 420,
    numbered: bool = True,
    title: str = "",
    tooltips: bool = True,
) -> str:
    """The layer as an inline SVG. ``tooltips=False`` leaves out the hover titles (and the
    groups holding them), which paper cannot show: fewer elements, a faster PDF."""
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
    project = _projector(everything, width, height, margin=24)
    for run in layer.runs:
        xy = [project(*p) for p in run.points]
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
    for lat, lon, name in layer.outlets:
        x, y = project(lat, lon)
        short = name[:12]
        # The name goes left of the square where it would run past the right edge.
        if x + 10 + _text_width(short, OUTLET_FONT_PX) > width - 2:
            label_at, anchor = x - 10, ' text-anchor="end"'
        else:
            label_at, anchor = x + 10, ""
        parts.append(
            (f"<g><title>{escape(name)}</title>" if tooltips else "")
            + f'<rect x="{x - 7}" y="{y - 7}" width="14" height="14" fill="#222"/>'
            f'<text x="{label_at}" y="{y + 4}"{anchor} font-size="{OUTLET_FONT_PX}" '
            f'fill="#222">{escape(short)}</text>' + ("</g>" if tooltips else "")
        )
    for lat, lon, name in layer.unassigned:
        x, y = project(lat, lon)
        parts.append(
            (
                f"<g><title>{escape(_('Not planned: %(name)s', name=name))}</title>"
                if tooltips
                else ""
            )
            + f'<path d="M{x - 5},{y - 5} L{x + 5},{y + 5} M{x - 5},{y + 5} L{x + 5},{y - 5}" stroke="#b00" stroke-width="2.5"/>'
            + ("</g>" if tooltips else "")
        )
    parts.extend(_people(layer.people, project, tooltips))
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
