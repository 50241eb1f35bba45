"""The rules for products and outlets as a dispatcher edits them: every field checked,
names and codes unique, a hazard class exactly for pesticides. Each ``read_*`` returns the
values to store and an error per field (empty when all is well)."""

from __future__ import annotations

import re
from datetime import time
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import func, select

from supply_match import labels
from supply_match.extensions import db
from supply_match.models import Outlet, Product, Township
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.fields import id_value, parse_decimal, parse_float
from supply_match.services.unit_of_work import use_case

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def read_product(form, product: Product | None) -> tuple[dict, dict[str, str]]:
    """Check a product form (a mapping of strings): the values to save and a message per
    bad field (nothing is written)."""
    errors: dict[str, str] = {}
    values = {
        "code": (form.get("code") or "").strip(),
        "name": (form.get("name") or "").strip(),
        "category": form.get("category") or "",
        "unit": (form.get("unit") or "").strip(),
        "hazard_class": form.get("hazard_class") or None,
        "active": form.get("active") == "1",
    }
    if not values["code"] or len(values["code"]) > 32:
        errors["code"] = _("Please enter a code of at most 32 characters.")
    if not values["name"] or len(values["name"]) > 64:
        errors["name"] = _("Please enter a name of at most 64 characters.")
    if values["category"] not in labels.PRODUCT_CATEGORIES:
        errors["category"] = _("Please choose a category from the list.")
    if not values["unit"] or len(values["unit"]) > 8:
        errors["unit"] = _("Please enter the unit (bag, bottle, kg…), at most 8 characters.")
    weight = parse_decimal(form.get("unit_weight_kg"), errors, "unit_weight_kg")
    if weight is not None and not (0 < weight < 10000):
        errors["unit_weight_kg"] = _("The weight of one unit must be more than 0 kg.")
    values["unit_weight_kg"] = weight
    if values["category"] == "pesticide":
        if values["hazard_class"] not in labels.HAZARD_CLASSES:
            errors["hazard_class"] = _("A pesticide needs its hazard class from the label.")
    elif values["hazard_class"]:
        errors["hazard_class"] = _("Only pesticides have a hazard class; leave it empty.")
    other = Product.id != product.id if product is not None else True
    if "code" not in errors and db.session.scalar(
        select(Product.id).where(func.lower(Product.code) == values["code"].lower(), other)
    ):
        errors["code"] = _("Another product already has this code.")
    if "name" not in errors and db.session.scalar(
        select(Product.id).where(Product.name == values["name"], other)
    ):
        errors["name"] = _("Another product already has this name.")
    return values, errors


def _time(text: str | None, errors: dict, key: str) -> time | None:
    try:
        return time.fromisoformat((text or "").strip())
    except ValueError:
        errors[key] = _("Please enter a time such as 08:00.")
        return None


def read_outlet(form, outlet: Outlet | None) -> tuple[dict, dict[str, str]]:
    """Check an outlet form (a mapping of strings): the values to save and a message per
    bad field (nothing is written)."""
    errors: dict[str, str] = {}
    values: dict = {
        "name": (form.get("name") or "").strip(),
        "address": (form.get("address") or "").strip(),
        "contact_name": (form.get("contact_name") or "").strip(),
        "contact_mobile": re.sub(r"[\s-]", "", form.get("contact_mobile") or ""),
        "active": form.get("active") == "1",
    }
    if not values["name"] or len(values["name"]) > 64:
        errors["name"] = _("Please enter a name of at most 64 characters.")
    elif db.session.scalar(
        select(Outlet.id).where(
            Outlet.name == values["name"], Outlet.id != outlet.id if outlet else True
        )
    ):
        errors["name"] = _("Another outlet already has this name.")
    township_id = form.get("township_id", type=id_value)
    if township_id is None or db.session.get(Township, township_id) is None:
        errors["township_id"] = _("Please choose a township from the list.")
    values["township_id"] = township_id
    if not values["address"] or len(values["address"]) > 128:
        errors["address"] = _("Please enter the address, at most 128 characters.")
    lat = parse_float(form.get("lat"), errors, "lat")
    lon = parse_float(form.get("lon"), errors, "lon")
    if "lat" not in errors and (lat is None or not 18 <= lat <= 54):
        errors["lat"] = _("Please enter a latitude in China, for example 29.29.")
    if "lon" not in errors and (lon is None or not 73 <= lon <= 136):
        errors["lon"] = _("Please enter a longitude in China, for example 108.17.")
    values.update(lat=lat, lon=lon)
    values["opens_at"] = _time(form.get("opens_at"), errors, "opens_at")
    values["closes_at"] = _time(form.get("closes_at"), errors, "closes_at")
    if values["opens_at"] and values["closes_at"] and values["closes_at"] <= values["opens_at"]:
        errors["closes_at"] = _("Closing time must be after opening time.")
    if not values["contact_name"] or len(values["contact_name"]) > 32:
        errors["contact_name"] = _("Please enter the contact person's name.")
    if not MOBILE_RE.match(values["contact_mobile"]):
        errors["contact_mobile"] = _("Please enter an 11-digit mobile number.")
    return values, errors


Record = TypeVar("Record", Product, Outlet)


@use_case
def save(model: type[Record], record: Record | None, values: dict) -> Record:
    """Write checked form values to a product or outlet, a new one when ``record`` is None,
    in one transaction."""
    action = "created" if record is None else "edited"
    if record is None:
        record = model()
        db.session.add(record)
    for key, value in values.items():
        setattr(record, key, value)
    db.session.flush()
    kind = AuditKind.PRODUCT if model is Product else AuditKind.OUTLET
    audit.record(kind, action, record_id=record.id, summary=record.name)
    return record
