"""Reading typed values out of form fields, each failure recorded under its field's name
with a message for the user (shared by the pages, the API and the catalogue rules).

Numbers are written in ASCII digits with an optional sign and decimal point: Python's
``int``, ``float`` and ``Decimal`` also take other scripts' digits ("١٢"), underscores,
exponents ("1e999999") and "NaN", none of which a person types into a quantity, and some
of which fail later (an id past the database's integer range, a quantize that overflows)."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

MAX_RECORD_ID = 2**31 - 1  # primary keys are INTEGER columns
# Upper bounds that make sense for one county: an order line, a stock receipt or count.
MAX_ORDER_QUANTITY = Decimal(100000)
MAX_STOCK_QUANTITY = Decimal(1000000)
MAX_NUMBER_CHARS = 32

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_WHOLE = re.compile(r"[0-9]+")


def _number_text(text) -> str | None:
    """The stripped text when it is a plain ASCII decimal number, else None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if len(text) > MAX_NUMBER_CHARS or not _DECIMAL.fullmatch(text):
        return None
    return text


def record_id(text) -> int | None:
    """An id typed or sent as text (or an int): ASCII digits within the range of a record
    id, else None (which finds nothing)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 0 < text <= MAX_RECORD_ID else None
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not _WHOLE.fullmatch(text) or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_RECORD_ID else None


def parse_whole(
    text, errors: dict[str, str], key: str, *, low: int = 0, high: int = MAX_RECORD_ID
) -> int | None:
    """A whole number from ``low`` to ``high``, or None when blank; a message under ``key``
    when it is anything else."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    value = None
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    elif isinstance(text, str) and _WHOLE.fullmatch(text.strip()) and len(text.strip()) <= 12:
        value = int(text.strip())
    if value is None or not low <= value <= high:
        errors[key] = _("Please enter a whole number from %(low)s to %(high)s.", low=low, high=high)
        return None
    return value


def parse_date(text: str | None, errors: dict[str, str], key: str) -> date | None:
    """An ISO date (YYYY-MM-DD) or None when blank; a bad one adds an error under ``key``."""
    text = (text or "").strip() if isinstance(text, str) else text
    if not text:
        return None
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        errors[key] = _("Please enter the date as YYYY-MM-DD, for example 2020-03-02.")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[key] = _("Please enter the date as YYYY-MM-DD, for example 2020-03-02.")
        return None


def parse_float(
    text, errors: dict[str, str], key: str, *, low: float = -1e9, high: float = 1e9
) -> float | None:
    """A number typed in a form (or sent as a JSON number), or None when blank; a message
    under ``key`` in ``errors`` when it is not a plain finite number from low to high."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text) if abs(text) < 1e300 else math.inf
    else:
        plain = _number_text(text)
        value = float(plain) if plain is not None else math.nan
    if not math.isfinite(value) or not low <= value <= high:
        errors[key] = _("Please enter a number.")
        return None
    return value


def parse_decimal(
    text, errors: dict[str, str], key: str, *, high: Decimal = Decimal(10) ** 9
) -> Decimal | None:
    """A required decimal typed in a form; a message under ``key`` in ``errors`` (and None)
    when blank, not a plain number, or not below ``high`` in size."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = repr(text) if math.isfinite(text) else ""
    plain = _number_text(text)
    if plain is None:
        errors[key] = _("Please enter a number.")
        return None
    value = Decimal(plain)
    if abs(value) >= high:
        errors[key] = _("Please enter a number below %(high)s.", high=high)
        return None
    return value


def parse_quantity(
    text, errors: dict[str, str], key: str, *, high: Decimal, allow_zero: bool = False
) -> Decimal | None:
    """A quantity in a product's unit: above 0 (or 0 when ``allow_zero``), below ``high``,
    at most two decimals; None and a message under ``key`` otherwise."""
    value = parse_decimal(text, errors, key, high=high)
    if value is None:
        if key in errors:
            errors[key] = _(
                "Please enter a quantity from 0 to below %(high)s, with at most two decimals.",
                high=high,
            )
        return None
    if value < 0 or (value == 0 and not allow_zero) or value != value.quantize(Decimal("0.01")):
        errors[key] = _(
            "Please enter a quantity from 0 to below %(high)s, with at most two decimals.",
            high=high,
        )
        return None
    return value


def text_field(value, errors: dict[str, str], key: str, *, max_length: int) -> str:
    """A string field (a JSON body's or a form's): a string of at most ``max_length``
    characters without NUL bytes, stripped; anything else (an object, a number, a list)
    adds a message under ``key`` and gives "". None is ""."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[key] = _("Must be text.")
        return ""
    value = value.strip()
    if "\x00" in value or len(value) > max_length:
        errors[key] = _("Must be text of at most %(n)s characters.", n=max_length)
        return ""
    return value


def id_value(text) -> int:
    """``record_id`` for werkzeug's ``args.get(name, type=id_value)``: raises ValueError
    (so the default is used, or the value left out of ``getlist``) for anything else."""
    found = record_id(text)
    if found is None:
        raise ValueError("not a record id")
    return found
