"""Money as integer fen (分): reading yuan typed by a person, writing fen back as yuan.

Nothing here (or anywhere) goes through a float: yuan text is read as a Decimal, checked
for at most two decimals, and turned into an int of fen.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import gettext as _

# Ten million yuan: more than any order or day of an outlet, small enough for any column.
MAX_FEN = 10**9


def parse_yuan(value: object, *, allow_negative: bool = False) -> int:
    """Yuan (a string like ``"12.5"`` or ``"¥12.50"``, an int, or a Decimal) as fen.

    Raises ``ValueError`` with a message for the user: not a number, more than two
    decimals, negative (unless ``allow_negative``), or too large."""
    if isinstance(value, (bool, float)):
        # A float has already lost the exact amount; callers pass text or Decimal.
        value = str(value)
    text = str(value).strip().replace(",", "").replace("，", "").lstrip("¥￥")
    if text.endswith("元"):
        text = text[:-1].strip()
    if not text:
        raise ValueError(_("Please enter an amount in yuan, for example 12.50."))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("Please enter an amount in yuan, for example 12.50.")) from None
    if not amount.is_finite():
        raise ValueError(_("Please enter an amount in yuan, for example 12.50."))
    if abs(amount) * 100 > MAX_FEN:
        raise ValueError(_("The amount is too large."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("An amount has at most two decimals (fen)."))
    if amount < 0 and not allow_negative:
        raise ValueError(_("An amount cannot be negative."))
    return int(amount * 100)


def yuan(fen: int | None) -> str:
    """Fen as yuan with two decimals (``1250`` -> ``"12.50"``); None stays empty."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def fen_of(quantity: Decimal, unit_price_fen: int) -> int:
    """A quantity (up to two decimals) times a unit price, rounded half up to the fen."""
    return int((quantity * unit_price_fen).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_of(total_fen: int, percent: int) -> int:
    """``percent`` of an amount, rounded half up to the fen."""
    return int((Decimal(total_fen) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
