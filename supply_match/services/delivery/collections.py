"""Money taken at the door: when a stop is marked delivered, what was due there, what
the volunteer received and how (cash, or a transfer to the outlet's QR code). A
difference needs a note, so the night's accounts can say why.

Amounts arrive from the phone as yuan text or integer fen; they are read here, before
anything is written, so that a bad amount changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from supply_match.extensions import db
from supply_match.models import DeliveryStop, PaidBy, StopPayment
from supply_match.services.supply.amounts import stop_dues
from supply_match.services.supply.money import MAX_FEN, parse_yuan

# Answers to money that cannot be taken as sent, by the code stored with the change.
PAYMENT_MESSAGES = {
    "amount_missing": _l("Please enter the amount received."),
    "amount_invalid": _l(
        "The amount received must be yuan with at most two decimals, for example 98.50."
    ),
    "paid_by_invalid": _l("Paid by must be cash or transfer."),
    "difference_needs_note": _l(
        "The amount received differs from the amount due: please add a note why."
    ),
}


class PaymentInputError(ValueError):
    """The money sent with a delivered mark cannot be read; ``code`` says why."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(str(PAYMENT_MESSAGES[code]))


@dataclass(frozen=True)
class Collected:
    received_fen: int
    paid_by: str
    note: str | None


def due_at(stop: DeliveryStop) -> int | None:
    """What to collect at ``stop`` (None where a price is missing)."""
    return stop_dues([stop])[stop.id]


def read_collected(
    stop: DeliveryStop,
    *,
    received_fen: object = None,
    received: object = None,
    paid_by: object = None,
    note: str | None = None,
) -> Collected | None:
    """The money of a delivered mark, or None when nothing is due and nothing was sent.

    ``received_fen`` (an integer) or ``received`` (yuan text) is the amount taken;
    ``paid_by`` is ``cash`` (the default) or ``transfer``. Raises ``PaymentInputError``
    for an amount that is not a number, a payment way that is neither, or a difference
    from what was due without a note."""
    due = due_at(stop)
    if received_fen is None and received in (None, ""):
        if not due:
            return None
        raise PaymentInputError("amount_missing")
    if received_fen is not None:
        if isinstance(received_fen, bool) or not isinstance(received_fen, int):
            raise PaymentInputError("amount_invalid")
        if not 0 <= received_fen <= MAX_FEN:
            raise PaymentInputError("amount_invalid")
        fen = received_fen
    else:
        try:
            fen = parse_yuan(received)
        except ValueError:
            raise PaymentInputError("amount_invalid") from None
    way = str(paid_by or PaidBy.CASH)
    if way not in {PaidBy.CASH, PaidBy.TRANSFER}:
        raise PaymentInputError("paid_by_invalid")
    note = (note or "").strip() or None
    # With no price set there is nothing to differ from: the amount is taken as received.
    if due is not None and fen != due and note is None:
        raise PaymentInputError("difference_needs_note")
    return Collected(fen, way, note)


def record(stop: DeliveryStop, collected: Collected | None) -> None:
    """Keep the money of a stop just marked delivered (a helper: the caller commits)."""
    if collected is None:
        return
    db.session.add(
        StopPayment(
            stop_id=stop.id,
            due_fen=due_at(stop),
            received_fen=collected.received_fen,
            paid_by=collected.paid_by,
            note=collected.note and collected.note[:200],
        )
    )


def forget(stop: DeliveryStop) -> None:
    """A delivered mark undone: its money was not taken after all."""
    db.session.execute(delete(StopPayment).where(StopPayment.stop_id == stop.id))
