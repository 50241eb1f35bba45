"""Why an order stayed off every run, in words a dispatcher reads."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

import solver
from supply_match.models import Order
from supply_match.services.planning import visits
from supply_match.services.planning.areas import NO_VOLUNTEER_IN_AREA

REASON_TEXT = {
    solver.Reason.TOO_HEAVY: _l("Heavier than every vehicle on duty can carry"),
    solver.Reason.NO_VEHICLE_AT_OUTLET: _l("No volunteer loads at this outlet"),
    solver.Reason.OUTSIDE_SHIFTS: _l(
        "The delivery time asked for is outside every volunteer's shift"
    ),
    solver.Reason.TIME_WINDOW_UNREACHABLE: _l(
        "Cannot be reached within the delivery time asked for"
    ),
    solver.Reason.BEYOND_RUN_LIMITS: _l("Too far for any run's time or distance limit"),
    solver.Reason.DROPPED_FOR_PRIORITY: _l("Not enough vehicles that day; other orders came first"),
    solver.Reason.NO_ALLOWED_VEHICLE: _l(
        "No volunteer who may take it (its area's, or the one it is locked to) loads at this"
        " outlet that day"
    ),
    solver.Reason.SEARCH_LIMIT: _l("The planning time ran out before it could be placed"),
}

# Goods left for another day of the wanted range so that the household is visited once.
WAITING_TEXT = {
    visits.WAITS_APART_FROM_SEED: _l(
        "Pesticide may not ride with the seed delivered to this household today: it waits"
        " for another day of the wanted range"
    ),
    visits.WAITS_FOR_OTHER_OUTLET: _l(
        "Held at another outlet than the household's other goods today: it waits for"
        " another day of the wanted range, so the household is visited once"
    ),
}

# Why a household is still visited twice on the day (its goods could not wait).
SECOND_VISIT_TEXT = {
    visits.SECOND_VISIT_PESTICIDE: _l(
        "Pesticide and seed are both wanted by today and may not ride together"
    ),
    visits.SECOND_VISIT_OUTLETS: _l("Its goods are held at two outlets and are wanted by today"),
    visits.SECOND_VISIT_WINDOWS: _l("Its orders ask for delivery times that do not overlap"),
    visits.SECOND_VISIT_PLACES: _l("Its goods are wanted at two places (home and field)"),
}


def second_visit_text(code: str) -> str:
    """Why a household is visited twice, in words; an unknown code is shown as it is."""
    text = SECOND_VISIT_TEXT.get(code)
    return code if text is None else str(text)


def unassigned_reason_text(code: str, order: Order | None = None) -> str:
    """The text of a stored reason code; an unknown code is shown as it is. ``order``
    names the township that no volunteer on duty covers."""
    if code == NO_VOLUNTEER_IN_AREA:
        if order is None:
            return str(_l("No volunteer on duty covers this place"))
        return gettext(
            "No volunteer on duty covers %(township)s",
            township=order.household.village.township.name,
        )
    if code in WAITING_TEXT:
        return str(WAITING_TEXT[code])
    try:
        return str(REASON_TEXT[solver.Reason(code)])
    except ValueError:
        return code
