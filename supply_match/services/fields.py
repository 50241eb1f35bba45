"""Reading typed values out of form fields, each failure recorded under its field's name
with a message for the user (shared by the pages, the API and the catalogue rules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _


def parse_date(text: str | None, errors: dict[str, str], key: str) -> date | None:
    """An ISO date (YYYY-MM-DD) or None when blank; a bad one adds an error under ``key``."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[key] = _("Please enter the date as YYYY-MM-DD, for example 2020-03-02.")
        return None


def parse_float(text: str | None, errors: dict[str, str], key: str) -> float | None:
    """A number typed in a form, or None when blank; a message under ``key`` in ``errors``
    when it is not a finite number."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors[key] = _("Please enter a number.")
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors[key] = _("Please enter a number.")
        return None
    return value


def parse_decimal(text: str | None, errors: dict[str, str], key: str) -> Decimal | None:
    """A required decimal typed in a form; a message under ``key`` in ``errors`` (and None)
    when blank or not a finite number."""
    text = (text or "").strip()
    if not text:
        errors[key] = _("Please enter a number.")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[key] = _("Please enter a number.")
        return None
    if not value.is_finite():
        errors[key] = _("Please enter a number.")
        return None
    return value
