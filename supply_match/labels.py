"""What users read for the codes stored in the database, translated (English msgids;
Simplified Chinese in the catalog)."""

import re

import flask_babel
from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

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


AUDIT_KINDS = {
    "order": _l("Order"),
    "household": _l("Household"),
    "stock": _l("Stock"),
    "price": _l("Prices and subsidies"),
    "plan": _l("Plan"),
    "run": _l("Run"),
    "stop": _l("Stop"),
    "volunteer": _l("Volunteer"),
    "outlet": _l("Outlet"),
    "account": _l("Account"),
    "token": _l("API token"),
    "settings": _l("Settings"),
    "place": _l("Place"),
    "product": _l("Product"),
}

# What each audit entry's action code means (services write them with audit.record).
AUDIT_ACTIONS = {
    "created": _l("Created"),
    "edited": _l("Edited"),
    "cancelled": _l("Cancelled"),
    "merged": _l("Merged"),
    "imported": _l("Imported"),
    "programme_created": _l("Subsidy programme created"),
    "programme_edited": _l("Subsidy programme edited"),
    "matched": _l("Orders matched to stock"),
    "outlet_prices": _l("Outlet prices set"),
    "guide_prices": _l("Guide prices set"),
    "received": _l("Goods received"),
    "count": _l("Stock counted"),
    "activated": _l("Reactivated"),
    "deactivated": _l("Deactivated"),
    "applied": _l("Signed up"),
    "approved": _l("Application approved"),
    "declined": _l("Application declined"),
    "password_reset": _l("Password reset"),
    "password_changed": _l("Own password changed"),
    "issued": _l("Issued"),
    "revoked": _l("Revoked"),
    "saved": _l("Saved"),
    "planned": _l("Planned"),
    "reoptimized": _l("Re-optimized"),
    "published": _l("Published"),
    "planning_started": _l("Planning started"),
    "moved": _l("Stop moved"),
    "locked": _l("Locked"),
    "unlocked": _l("Unlocked"),
    "link_renewed": _l("Link renewed"),
    "phone_delivered": _l("Marked delivered"),
    "phone_failed": _l("Marked failed"),
    "phone_undo": _l("Mark undone"),
    "handed_over": _l("Handed over at the outlet"),
    "goods_returned": _l("Goods returned to the outlet"),
    "day_closed": _l("Day closed"),
    "day_corrected": _l("Closed day corrected"),
    "road_network": _l("Road network loaded"),
    "corrected": _l("Stop corrected"),
    "day_changed": _l("Published day changed"),
    "goods_corrected": _l("Closed day's goods corrected"),
    "orders_add_asked": _l("Orders to add asked"),
    "programmes_imported": _l("Subsidy programmes imported"),
    "proposal_discarded": _l("Proposal discarded"),
    "reoptimize_asked": _l("Re-optimizing asked"),
    "withdraw_asked": _l("Withdrawal asked"),
    "withdrawn": _l("Volunteer withdrawn"),
}


# Where a change came from when it is not an address (services/audit.py, acting.py).
AUDIT_ORIGINS = {
    "phone link": _l("phone link"),
    "worker": _l("worker"),
    "system": _l("system"),
}


def label(table: dict, code: str | None) -> str:
    """The translated label of ``code`` in ``table``; an unknown code shows as itself."""
    if code is None:
        return ""
    value = table.get(code, code)
    if (
        isinstance(value, LazyString)
        and value._func is flask_babel.gettext
        and len(value._args) == 1
        and not value._kwargs
    ):
        # What str() of the lazy string gives, found through the request's catalogue:
        # Flask-Babel looks it up afresh each time (175 microseconds; the plan page shows
        # a label on each of its stops).
        from supply_match.i18n import request_translations

        return request_translations().ugettext(value._args[0])
    return str(value)


# The tables by the name templates use: ``{{ order.status|label("order_status") }}``.
TABLES = {
    "order_status": ORDER_STATUSES,
    "delivery_point": DELIVERY_POINTS,
    "stop_status": STOP_STATUSES,
    "plan_change": PLAN_CHANGES,
    "vehicle_type": VEHICLE_TYPES,
    "product_category": PRODUCT_CATEGORIES,
    "hazard_class": HAZARD_CLASSES,
    "audit_kinds": AUDIT_KINDS,
    "audit_actions": AUDIT_ACTIONS,
    "audit_origins": AUDIT_ORIGINS,
}


def label_filter(code: str | None, table: str) -> str:
    """The Jinja filter ``label``: ``code``'s label in the table named ``table``."""
    return label(TABLES[table], code)


def run_name(run) -> str:
    """The volunteer's name, and which trip of their day this run is when not the first."""
    if run.trip == 1:
        return run.volunteer.name
    return _("%(name)s, trip %(trip)d", name=run.volunteer.name, trip=run.trip)


def product_label(name: str, unit: str) -> str:
    """A product's name with its unit, e.g. 尿素（46%）（袋）; names that end in their
    unit already (地膜 0.01mm×100cm（卷）, 复合肥 50kg/袋) are left as they are."""
    unit = (unit or "").strip()
    if not unit or re.search(rf"[（(/]\s*{re.escape(unit)}\s*[）)]?\s*$", name):
        return name
    return _("%(name)s (%(unit)s)", name=name, unit=unit)


def village_group(village: str, group_no: int | None) -> str:
    """A village and a group within it: 黄桷村3组, or 黄桷村 group 3 in English."""
    if not group_no:
        return village
    return _("%(village)s group %(group)s", village=village, group=group_no)


WEEK = range(7)


def duty_days(mask: int) -> str:
    """A volunteer's duty days (bit 0 Monday) as the reader's language says them: 每天 or
    一三五, every day or Mon, Wed, Fri."""
    if mask & 0b1111111 == 0b1111111:
        return _("every day")
    days = [day for day in WEEK if mask >> day & 1]
    if get_locale() is not None and get_locale().language == "zh":
        return "".join("一二三四五六日"[day] for day in days)
    names = get_day_names("abbreviated", locale=get_locale())
    return _(", ").join(names[day] for day in days)


def series(items) -> str:
    """Items joined as the reader's language lists them: 尿素 × 2、地膜 × 3."""
    return _(", ").join(str(item) for item in items)
