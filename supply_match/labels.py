"""What users read for the codes stored in the database, translated (English msgids;
Simplified Chinese in the catalog)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

VEHICLE_TYPES = {
    "electric_tricycle": _l("Electric tricycle"),
    "motor_tricycle": _l("Motor tricycle"),
    "motorcycle": _l("Motorcycle"),
    "minivan": _l("Minivan"),
    "pickup": _l("Pickup"),
    "light_truck": _l("Light truck"),
}

PRODUCT_CATEGORIES = {
    "seed": _l("Seed"),
    "fertilizer": _l("Fertilizer"),
    "pesticide": _l("Pesticide"),
    "film": _l("Plastic film"),
    "other": _l("Other"),
}

HAZARD_CLASSES = {
    "extremely_toxic": _l("Extremely toxic"),
    "highly_toxic": _l("Highly toxic"),
    "moderately_toxic": _l("Moderately toxic"),
    "low_toxicity": _l("Low toxicity"),
    "slightly_toxic": _l("Slightly toxic"),
}

ORDER_STATUSES = {
    "submitted": _l("Submitted"),
    "allocated": _l("Allocated"),
    "scheduled": _l("Scheduled"),
    "delivered": _l("Delivered"),
    "failed": _l("Failed"),
    "cancelled": _l("Cancelled"),
}

STOP_STATUSES = {
    "pending": _l("Not yet delivered"),
    "delivered": _l("Delivered"),
    "failed": _l("Failed"),
}

PLAN_CHANGES = {
    "planned": _l("Planned"),
    "reoptimized": _l("Re-optimized"),
    "published": _l("Published"),
    "moved_stop": _l("Stop moved"),
    "locked": _l("Locked"),
    "unlocked": _l("Unlocked"),
}

DELIVERY_POINTS = {
    "home": _l("Home"),
    "field": _l("Field"),
    "collection": _l("Village collection point"),
}


def label(table: dict, code: str | None) -> str:
    """The translated label of ``code`` in ``table``; an unknown code shows as itself."""
    if code is None:
        return ""
    return str(table.get(code, code))


# The tables by the name templates use: ``{{ order.status|label("order_status") }}``.
TABLES = {
    "order_status": ORDER_STATUSES,
    "delivery_point": DELIVERY_POINTS,
    "stop_status": STOP_STATUSES,
    "plan_change": PLAN_CHANGES,
    "vehicle_type": VEHICLE_TYPES,
    "product_category": PRODUCT_CATEGORIES,
    "hazard_class": HAZARD_CLASSES,
}


def label_filter(code: str | None, table: str) -> str:
    """The Jinja filter ``label``: ``code``'s label in the table named ``table``."""
    return label(TABLES[table], code)


def run_name(run) -> str:
    """The volunteer's name, and which trip of their day this run is when not the first."""
    if run.trip == 1:
        return run.volunteer.name
    return _("%(name)s, trip %(trip)d", name=run.volunteer.name, trip=run.trip)
