"""The board's map: the day's runs and each volunteer's last shared position."""

from __future__ import annotations

from flask_babel import gettext as _

from supply_match.models import DeliveryPlan, VolunteerPosition
from supply_match.services.county.settings import county_time
from supply_match.services.documents import svg_map


def seen_label(name: str, position: VolunteerPosition) -> str:
    return _(
        "%(name)s, seen at %(time)s",
        name=name,
        time=county_time(position.received_at).strftime("%H:%M"),
    )


def board_map(
    plan: DeliveryPlan, positions: dict[int, VolunteerPosition], width: int = 900, height: int = 560
) -> str:
    """An SVG map of the plan's runs (each in its board colour), their outlets, and the
    volunteers' positions of today (``positions.positions_for_plan``)."""
    layer = svg_map.MapLayer()
    outlets = {}
    colours: dict[int, str] = {}
    for index, run in enumerate(plan.runs):
        outlets[run.outlet.id] = run.outlet
        colour = svg_map.run_colour(index)
        colours.setdefault(run.volunteer_id, colour)
        points = [(run.outlet.lat, run.outlet.lon)] + [(s.lat, s.lon) for s in run.stops]
        layer.runs.append(svg_map.MapRun(colour, points, [s.label for s in run.stops]))
    layer.outlets = [(o.lat, o.lon, o.name) for o in outlets.values()]
    names = {run.volunteer_id: run.volunteer.name for run in plan.runs}
    for volunteer_id, position in sorted(positions.items()):
        layer.people.append(
            (
                position.lat,
                position.lon,
                seen_label(names.get(volunteer_id, ""), position),
                colours.get(volunteer_id, "#222"),
            )
        )
    return svg_map.render(
        layer, width, height, title=_("Where everyone is, %(day)s", day=plan.delivery_date)
    )
