"""A dispatcher corrects a stop's status (delivered, failed with its reason, back to open)
with a note saying why, when a volunteer marked the wrong stop or called in instead.

The correction first takes back what the stop's last mark did (``stop_outcomes``), then
does what the new status does, so a refused stop corrected to delivered neither leaves
the order cancelled nor gives its stock back twice. The volunteer's phone shows the
correction at its next sync; their own undo of an older mark is refused from then on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from supply_match.extensions import db
from supply_match.models import (
    AuditKind,
    DeliveryRun,
    DeliveryStop,
    PlanStatus,
    StopStatus,
    User,
)
from supply_match.models._types import utcnow
from supply_match.services import audit
from supply_match.services.county.settings import county_time
from supply_match.services.delivery import collections, stop_outcomes
from supply_match.services.errors import NotFoundError, ServiceError
from supply_match.services.outlets.closing import is_closed
from supply_match.services.supply.stock import StockError
from supply_match.services.unit_of_work import use_case

NOTE_LENGTH = 200
_EPOCH = datetime(1970, 1, 1)
STATUS_CHOICES = {
    StopStatus.DELIVERED: _l("Delivered"),
    StopStatus.FAILED: _l("Not delivered"),
    StopStatus.PENDING: _l("Back to open (not yet delivered)"),
}


class CorrectionError(ServiceError, ValueError):
    """A correction that cannot be made; ``errors`` by form field."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


def correction_shown(stop: DeliveryStop) -> dict[str, object] | None:
    """What the volunteer's phone shows of the stop's last correction, or None."""
    if stop.corrected_at is None:
        return None
    at = county_time(stop.corrected_at)
    return {
        "note": stop.correction_note or "",
        "at": at.strftime("%H:%M"),
        # The phone compares it with its own marks' times (milliseconds since 1970, UTC).
        "at_ms": int((stop.corrected_at - _EPOCH).total_seconds() * 1000),
    }


def _check(stop: DeliveryStop, status: str, reason: str | None, note: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if status not in STATUS_CHOICES:
        errors["status"] = _("Please choose the stop's status.")
    elif status == StopStatus.FAILED and reason not in stop_outcomes.FAILURE_REASONS:
        errors["reason"] = _("Please choose why it could not be delivered.")
    elif status == stop.status and (status != StopStatus.FAILED or reason == stop.failure_reason):
        errors["status"] = _("The stop already has this status.")
    if not note:
        errors["note"] = _("Please say why the status is corrected.")
    elif len(note) > NOTE_LENGTH:
        errors["note"] = _("At most %(count)s characters.", count=NOTE_LENGTH)
    if "status" not in errors and status in STATUS_CHOICES and stop_outcomes.goods_taken_back(stop):
        if status != StopStatus.FAILED:
            errors["status"] = _(
                "The outlet has taken this stop's goods back into its stock: it must hand "
                "them out again, on another run, before they can count as delivered."
            )
        elif reason == stop_outcomes.DAMAGED:
            errors["reason"] = _(
                "The outlet has taken this stop's goods back into its stock: they were not "
                "lost on the way."
            )
    if stop.run.plan.status != PlanStatus.PUBLISHED:
        errors["status"] = _("Only a stop of a published plan can be corrected.")
    elif is_closed(stop.run.outlet_id, stop.run.plan.delivery_date):
        errors["status"] = _(
            "The outlet has closed this day's accounts: the stop can no longer be corrected."
        )
    return errors


def _redo(stop: DeliveryStop, status: str, reason: str | None, user: User) -> None:
    """Take back the stop's last mark and apply ``status`` in its place."""
    was, was_reason = stop.status, stop.failure_reason
    orders = stop_outcomes.orders_on(stop)
    if was != StopStatus.PENDING:
        stop_outcomes.back_to_pending(stop, was, was_reason, orders, user, strict=True)
    if was == StopStatus.DELIVERED:
        collections.forget(stop)
    stop.status = status
    stop.failure_reason = reason if status == StopStatus.FAILED else None
    if status != StopStatus.DELIVERED:
        stop.received_by = None
    db.session.flush()
    if status == StopStatus.DELIVERED:
        stop_outcomes.mark_delivered(stop, orders, user)
    elif status == StopStatus.FAILED:
        stop_outcomes.mark_failed(stop, orders, reason, user)


@use_case
def correct_stop(
    user: User, stop_id: int, status: str, reason: str | None, note: str | None
) -> DeliveryStop:
    """Set the stop's status to ``status`` (with ``reason`` for a failure) and record
    ``note``. Raises ``NotFoundError`` for an unknown stop and ``CorrectionError`` for a
    status or reason not chosen, a missing note, an unpublished plan or closed day, or an
    order that moved on since the mark (planned again, matched again, its stock taken by
    another order); nothing is written then."""
    stop = db.session.get(DeliveryStop, stop_id)
    if stop is None:
        raise NotFoundError()
    note = (note or "").strip()
    reason = reason or None
    errors = _check(stop, status, reason, note)
    if errors:
        raise CorrectionError(errors)
    was, was_reason = stop.status, stop.failure_reason
    try:
        _redo(stop, StopStatus(status), reason, user)
    except stop_outcomes.OrdersMovedOn as moved:
        raise CorrectionError(
            {
                "status": _(
                    "Order %(ids)s changed since the stop was marked (planned, matched or "
                    "cancelled again): correct it on the order instead.",
                    ids=", ".join(str(i) for i in moved.order_ids),
                )
            }
        ) from moved
    except StockError as error:
        raise CorrectionError({"status": str(error)}) from error
    stop.corrected_at = utcnow()
    stop.corrected_by_id = user.id
    stop.correction_note = note
    stop_outcomes.refresh_run_status(stop.run)
    audit.record(
        AuditKind.STOP,
        "corrected",
        record_id=stop.id,
        summary=_(
            "Stop %(label)s corrected from %(was)s to %(now)s: %(note)s",
            label=stop.label,
            was=str(STATUS_CHOICES[StopStatus(was)]),
            now=str(STATUS_CHOICES[StopStatus(status)]),
            note=note,
        ),
        detail={
            "plan_date": stop.run.plan.delivery_date.isoformat(),
            "run_id": stop.run_id,
            "from": was,
            "from_reason": was_reason,
            "to": status,
            "to_reason": stop.failure_reason,
            "note": note,
        },
        actor=user,
    )
    db.session.flush()
    return stop


def run_to_correct(day: date, run_id: int) -> DeliveryRun:
    """The run ``run_id`` of the plan of ``day``, for its stops' correction page. Raises
    ``NotFoundError`` for a run of no plan or of another day."""
    run = db.session.get(DeliveryRun, run_id)
    if run is None or run.plan.delivery_date != day:
        raise NotFoundError()
    return run


def stop_place(stop_id: int) -> tuple[date, int]:
    """The delivery day and run of the stop ``stop_id``; ``NotFoundError`` for an unknown
    stop."""
    stop = db.session.get(DeliveryStop, stop_id)
    if stop is None:
        raise NotFoundError()
    return stop.run.plan.delivery_date, stop.run_id
