"""Closing an outlet's day (日结): the figures are kept as they stood, and from then on
change only through a correction entry (who, how much or how many, why): money, or a
product's goods back or lost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from supply_match.extensions import db
from supply_match.models import CorrectedFigure, DayClosing, DayCorrection, Outlet, User
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.errors import ServiceError
from supply_match.services.fields import MAX_STOCK_QUANTITY
from supply_match.services.outlets import accounts
from supply_match.services.supply.money import parse_yuan, yuan
from supply_match.services.unit_of_work import use_case


class DayClosedError(ServiceError, ValueError):
    """The outlet's day is closed: its figures change only by a correction."""

    def __init__(self, outlet_id: int, day: date):
        self.outlet_id, self.day = outlet_id, day
        super().__init__(
            _("The day %(day)s is closed at this outlet: only a correction can change it.", day=day)
        )


class ClosingError(ServiceError, ValueError):
    """The day cannot be closed or corrected; ``errors`` by field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def is_closed(outlet_id: int, day: date) -> bool:
    return accounts.closing_of(outlet_id, day) is not None


def ensure_open(outlet_id: int, day: date) -> None:
    """Raise ``DayClosedError`` if the outlet's day is closed."""
    if is_closed(outlet_id, day):
        raise DayClosedError(outlet_id, day)


@use_case
def close_day(user: User | None, outlet: Outlet, day: date) -> DayClosing:
    """Close the outlet's day, keeping its figures as they stand.

    Raises ``ClosingError`` for a day without a published run at the outlet or while a
    stop of the day is not yet marked, and
    ``DayClosedError`` when the day is closed already (a retried close changes nothing)."""
    ensure_open(outlet.id, day)
    figures = accounts.live_figures(outlet, day)
    if not figures["runs"]:
        raise ClosingError({"day": _("Nothing to close: no published run loads here that day.")})
    if figures["stops_pending"]:
        raise ClosingError(
            {
                "day": _(
                    "%(count)s stops are not marked delivered or failed yet.",
                    count=figures["stops_pending"],
                )
            }
        )
    closing = DayClosing(outlet_id=outlet.id, day=day, closed_by=user, figures=figures)
    db.session.add(closing)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request closed the same day a moment ago (the unit of work rolls back).
        raise DayClosedError(outlet.id, day) from None
    audit.record(
        AuditKind.OUTLET,
        "day_closed",
        record_id=outlet.id,
        actor=user,
        summary=f"{outlet.name} {day.isoformat()}",
        detail={"day": day.isoformat()},
    )
    return closing


@use_case
def add_correction(
    user: User | None,
    outlet: Outlet,
    day: date,
    amount: object,
    note: str,
    volunteer_id: int | None = None,
) -> DayCorrection:
    """Correct a closed day's money by ``amount`` yuan (negative to take away), with why.

    Raises ``ClosingError`` for a day not closed, an amount that is not a non-zero yuan
    amount with at most two decimals, a missing note, or a volunteer who did not load at
    the outlet that day."""
    errors: dict[str, str] = {}
    closing = accounts.closing_of(outlet.id, day)
    if closing is None:
        errors["day"] = _("Only a closed day is corrected; until then, change the records.")
    fen = None
    try:
        fen = parse_yuan(amount, allow_negative=True)
        if fen == 0:
            errors["amount"] = _("A correction changes the amount: it cannot be zero.")
    except ValueError as error:
        errors["amount"] = str(error)
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Please say why the figures are corrected.")
    if volunteer_id is not None and volunteer_id not in accounts.volunteers_of_day(outlet, day):
        errors["volunteer"] = _("This volunteer did not load here that day.")
    if errors:
        raise ClosingError(errors)
    correction = DayCorrection(
        closing=closing, volunteer_id=volunteer_id, amount_fen=fen, note=note[:200], created_by=user
    )
    db.session.add(correction)
    db.session.flush()
    audit.record(
        AuditKind.OUTLET,
        "day_corrected",
        record_id=outlet.id,
        actor=user,
        summary=f"{outlet.name} {day.isoformat()} {yuan(fen)}: {note[:100]}",
        detail={"day": day.isoformat(), "amount_fen": fen},
    )
    return correction


FIGURES = tuple(CorrectedFigure)


def _signed_quantity(text: object) -> Decimal:
    """A non-zero quantity with at most two decimals, negative to take away."""
    try:
        quantity = Decimal(str(text if text is not None else "").strip())
    except InvalidOperation:
        raise ValueError(_("Please enter a number.")) from None
    if not quantity.is_finite() or abs(quantity) > MAX_STOCK_QUANTITY:
        raise ValueError(_("Please enter a number."))
    if quantity != quantity.quantize(Decimal("0.01")):
        raise ValueError(_("A quantity has at most two decimals."))
    if quantity == 0:
        raise ValueError(_("A correction changes the figure: it cannot be zero."))
    return quantity


@use_case
def add_goods_correction(
    user: User | None,
    outlet: Outlet,
    day: date,
    product_id: int | None,
    figure: str,
    quantity: object,
    note: str,
) -> DayCorrection:
    """Correct a closed day's goods: ``quantity`` (negative to take away) of a product on
    the figure ``returned`` or ``lost``, with why. The stock itself changes through its
    own form and ledger; this changes the day's figures as filed.

    Raises ``ClosingError`` for a day not closed, a product not on the outlet's runs
    that day, another figure, a quantity that is not a non-zero number with at most two
    decimals, or a missing note."""
    errors: dict[str, str] = {}
    closing = accounts.closing_of(outlet.id, day)
    if closing is None:
        errors["day"] = _("Only a closed day is corrected; until then, change the records.")
    day_products = {g["product_id"] for g in closing.figures["goods"]} if closing else set()
    if product_id not in day_products and closing is not None:
        errors["product"] = _("This product was not on the outlet's runs that day.")
    if figure not in FIGURES:
        errors["figure"] = _("Choose what is corrected: goods back, or goods lost.")
    try:
        amount = _signed_quantity(quantity)
    except ValueError as error:
        errors["quantity"] = str(error)
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Please say why the figures are corrected.")
    if errors:
        raise ClosingError(errors)
    correction = _goods_entry(closing, user, product_id, figure, amount, note)
    audit.record(
        AuditKind.OUTLET,
        "goods_corrected",
        record_id=outlet.id,
        actor=user,
        summary=f"{outlet.name} {day.isoformat()} {figure} {amount}: {note[:100]}",
        detail={"day": day.isoformat(), "product_id": product_id, "figure": figure},
    )
    return correction


def _goods_entry(
    closing: DayClosing,
    user: User | None,
    product_id: int,
    figure: str,
    quantity: Decimal,
    note: str,
) -> DayCorrection:
    correction = DayCorrection(
        closing=closing,
        product_id=product_id,
        figure=figure,
        quantity=quantity,
        note=note[:200],
        created_by=user,
    )
    db.session.add(correction)
    db.session.flush()
    return correction


def record_late_return(
    user: User | None, closing: DayClosing, goods: dict[int, Decimal], stop_number: int
) -> list[DayCorrection]:
    """A failed stop's goods came back after the day was closed: one ``returned``
    correction per product, so the closed figures change only through entries. A helper
    of ``handover.confirm_return`` (which owns the transaction)."""
    note = _("Stop %(number)s: goods back after the day was closed", number=stop_number)
    return [
        _goods_entry(closing, user, product_id, CorrectedFigure.RETURNED, quantity, note)
        for product_id, quantity in sorted(goods.items())
    ]
