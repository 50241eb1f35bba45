"""Delivery on the day: volunteers mark stops delivered or failed, and may undo a mark
for a few minutes.

Each change carries an id made on the phone. The first time an id arrives it is applied
and its answer stored; a retry of the same id gets the stored answer and changes nothing.
A change made against an older version of the plan than the published one, or to a stop
that is no longer on the volunteer's run, is answered with a conflict, never applied.

An answer is stored as a message code (``MESSAGES``, with a failure reason after a colon),
and put into words when it is sent: a retry hears it in the language of whoever asks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    PlanStatus,
    StopStatus,
    StopUpdate,
    StopUpdateAction,
    Volunteer,
)
from supply_match.models._types import utcnow
from supply_match.services import audit
from supply_match.services.delivery import collections, stop_outcomes
from supply_match.services.delivery.stop_outcomes import (  # noqa: F401 (their home before)
    FAILURE_REASONS,
    failure_reason_text,
)
from supply_match.services.outlets.closing import is_closed
from supply_match.services.unit_of_work import unit_of_work

UNDO_WINDOW_S = 5 * 60
# Answers to a change, by the code stored with it.
MESSAGES = {
    "stop_changed": _l("The dispatcher has changed this stop: refresh to see the latest plan."),
    "plan_withdrawn": _l(
        "The delivery plan was taken back for changes: refresh to see the latest plan."
    ),
    "plan_updated": _l("The dispatcher has updated today's plan: refresh and try again."),
    "reason_missing": _l("Please choose why it could not be delivered."),
    "note_missing": _l("Please say in the note why it could not be delivered."),
    "stock_gone": _l(
        "The refused goods went to another order meanwhile: call the dispatcher to correct it."
    ),
    "goods_back": _l(
        "The outlet has taken this stop's goods back into its stock: call the dispatcher."
    ),
    "corrected": _l(
        "The dispatcher has corrected this stop: if it is still wrong, call the dispatcher."
    ),
    "not_marked": _l("This stop has not been marked yet: there is nothing to undo."),
    "undo_too_late": _l(
        "More than %(minutes)s minutes have passed, so it cannot be undone; if it is wrong, "
        "call the dispatcher.",
        minutes=UNDO_WINDOW_S // 60,
    ),
    "already_delivered": _l(
        "This stop is already marked as delivered: undo that first to change it."
    ),
    "already_failed": _l(
        "This stop is already marked as not delivered: undo that first to change it."
    ),
    "delivered": _l("Delivered"),
    "undone": _l("Undone"),
    "day_closed": _l(
        "The outlet has closed this day's accounts: call the dispatcher to correct it."
    ),
}


def message_text(code: str) -> str:
    """A stored answer in the reader's language; text stored by older versions as is."""
    if code.startswith("failed:"):
        return _("Recorded as not delivered: %(reason)s", reason=failure_reason_text(code[7:]))
    label = MESSAGES.get(code) or collections.PAYMENT_MESSAGES.get(code)
    return str(label) if label is not None else code


class StopNotYours(LookupError):
    """The stop is not on this volunteer's runs: answered like an unknown stop."""


@dataclass(frozen=True)
class UpdateResult:
    outcome: str  # "applied" or "conflict"
    message: str
    stop_status: str | None
    duplicate: bool = False

    @property
    def applied(self) -> bool:
        return self.outcome == "applied"


def _stored(update: StopUpdate, stop: DeliveryStop | None) -> UpdateResult:
    return UpdateResult(
        update.outcome, message_text(update.message), stop.status if stop else None, duplicate=True
    )


def apply_stop_update(
    volunteer: Volunteer,
    *,
    change_id: str,
    stop_id: int,
    action: str,
    reason: str | None = None,
    received_by: str | None = None,
    note: str | None = None,
    plan_version: int | None = None,
    happened_at: datetime | None = None,
    received: object = None,
    received_fen: object = None,
    paid_by: object = None,
) -> UpdateResult:
    """Apply one change from a phone; flushes, never commits (``apply_from_phone`` is the
    use case that owns the transaction). Raises ``StopNotYours`` for a stop not on the
    volunteer's runs.

    A delivered mark carries the money taken at the door: ``received`` (yuan text) or
    ``received_fen`` (an integer) and ``paid_by`` (``cash`` or ``transfer``); money that
    cannot be read, or a difference from what was due without a ``note``, is answered
    with a conflict and changes nothing."""
    if not change_id or len(change_id) > 64:
        raise ValueError("change_id must be 1 to 64 characters")
    action = StopUpdateAction(action)
    previous = db.session.scalar(select(StopUpdate).where(StopUpdate.change_id == change_id))
    stop = db.session.get(DeliveryStop, stop_id)
    if stop is None or stop.run.volunteer_id != volunteer.id:
        if previous is not None and previous.volunteer_id == volunteer.id:
            return _stored(previous, None)  # a retry after the dispatcher removed the stop
        raise StopNotYours(stop_id)
    if previous is not None:
        if previous.volunteer_id != volunteer.id:
            raise StopNotYours(stop_id)
        return _stored(previous, stop)

    outcome, message = _decide(volunteer, stop, action, reason, plan_version, note)
    collected = None
    if outcome == "applied" and _changes_status(stop, action):
        if is_closed(stop.run.outlet_id, stop.run.plan.delivery_date):
            outcome, message = "conflict", "day_closed"
        elif action == StopUpdateAction.DELIVERED:
            try:
                collected = collections.read_collected(
                    stop, received_fen=received_fen, received=received, paid_by=paid_by, note=note
                )
            except collections.PaymentInputError as error:
                outcome, message = "conflict", error.code
    if outcome == "applied" and _changes_status(stop, action):
        was = stop.status
        if _claim(stop, was, action):
            message = _apply(stop, was, action, reason, received_by, note)
            why = failure_reason_text(reason) if action == StopUpdateAction.FAILED else ""
            audit.record_phone_mark(
                stop.id, f"phone_{action}", volunteer.name, f"{stop.label} {why}".strip()
            )
            if action == StopUpdateAction.DELIVERED:
                collections.record(stop, collected)
            elif was == StopStatus.DELIVERED:
                collections.forget(stop)
        else:
            # Another request (a second tab, a retry) changed this stop first: answer on
            # what it did, and change nothing more.
            db.session.refresh(stop)
            outcome, message = _decide(volunteer, stop, action, reason, plan_version, note)
    db.session.add(
        StopUpdate(
            change_id=change_id,
            stop_id=stop.id if stop else None,
            volunteer_id=volunteer.id,
            action=action,
            reason=reason,
            received_by=(received_by or None) and received_by[:32],
            note=(note or None) and note[:200],
            plan_version=plan_version,
            outcome=outcome,
            message=message[:200],
            happened_at=happened_at,
        )
    )
    db.session.flush()
    return UpdateResult(outcome, message_text(message), stop.status if stop else None)


def _decide(volunteer, stop, action, reason, plan_version, note=None) -> tuple[str, str]:
    """The outcome and the code of its message (``MESSAGES``)."""
    if stop is None:
        return "conflict", "stop_changed"
    plan: DeliveryPlan = stop.run.plan
    if plan.status != PlanStatus.PUBLISHED:
        return "conflict", "plan_withdrawn"
    # A change to the day after publishing bumps the plan's version but only the runs it
    # touched: a mark made against an older version counts unless this run changed since.
    if plan_version is not None and plan_version < (stop.run.version or plan.version):
        return "conflict", "plan_updated"
    if action == StopUpdateAction.FAILED:
        problem = stop_outcomes.reason_problem(reason, note)
        if problem:
            return "conflict", problem
    if action == StopUpdateAction.UNDO:
        if stop.status == StopStatus.PENDING:
            return "conflict", "not_marked"
        last = _last_applied(stop)
        if last is None or utcnow() - last.received_at > timedelta(seconds=UNDO_WINDOW_S):
            return "conflict", "undo_too_late"
        if stop.corrected_at is not None and stop.corrected_at >= last.received_at:
            return "conflict", "corrected"  # the dispatcher's word stands over the phone's
        if not stop_outcomes.stock_still_there(stop):
            return "conflict", "stock_gone"
        if stop_outcomes.goods_taken_back(stop):
            return "conflict", "goods_back"  # undone, the stop could be delivered from a shelf
        return "applied", ""
    wanted = StopStatus.DELIVERED if action == StopUpdateAction.DELIVERED else StopStatus.FAILED
    if stop.status == wanted:
        return "applied", ""  # the same mark from a second tab: nothing more to do
    if stop.status != StopStatus.PENDING:
        if stop.status == StopStatus.DELIVERED:
            return "conflict", "already_delivered"
        return "conflict", "already_failed"
    return "applied", ""


def _last_applied(stop: DeliveryStop) -> StopUpdate | None:
    return db.session.scalar(
        select(StopUpdate)
        .where(
            StopUpdate.stop_id == stop.id,
            StopUpdate.outcome == "applied",
            StopUpdate.action != StopUpdateAction.UNDO,
        )
        .order_by(StopUpdate.id.desc())
        .limit(1)
    )


def _target_status(action: StopUpdateAction) -> StopStatus:
    return {
        StopUpdateAction.DELIVERED: StopStatus.DELIVERED,
        StopUpdateAction.FAILED: StopStatus.FAILED,
        StopUpdateAction.UNDO: StopStatus.PENDING,
    }[action]


def _changes_status(stop: DeliveryStop, action: StopUpdateAction) -> bool:
    return stop.status != _target_status(action)


def _claim(stop: DeliveryStop, was: str, action: StopUpdateAction) -> bool:
    """Move the stop from ``was`` to its new status in one conditional UPDATE: of two
    requests racing for the same stop, exactly one sees a row changed."""
    changed = db.session.execute(
        update(DeliveryStop)
        .where(DeliveryStop.id == stop.id, DeliveryStop.status == was)
        .values(status=_target_status(action), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def _apply(
    stop: DeliveryStop, was: str, action: StopUpdateAction, reason, received_by, note
) -> str:
    """The consequences of a claimed change: the stop's details, its orders, the stock;
    returns the code of the answer."""
    stop.status = _target_status(action)
    orders = stop_outcomes.orders_on(stop)
    if action == StopUpdateAction.DELIVERED:
        stop.received_by = received_by or None
        stop.note = note or None
        db.session.flush()
        stop_outcomes.mark_delivered(stop, orders)
        message = "delivered"
    elif action == StopUpdateAction.FAILED:
        stop.failure_reason = reason
        stop.note = note or None
        stop_outcomes.mark_failed(stop, orders, reason)
        message = f"failed:{reason}"
    else:
        stop_outcomes.back_to_pending(stop, was, stop.failure_reason, orders)
        stop.failure_reason = None
        stop.received_by = None
        message = "undone"
    stop_outcomes.refresh_run_status(stop.run)
    db.session.flush()
    return message


def progress_by_run(plan: DeliveryPlan) -> dict[int, dict[str, object]]:
    """Per run: delivered, failed and remaining stops, last update, failure reasons."""
    figures: dict[int, dict[str, object]] = {}
    last_update = dict(
        db.session.execute(
            select(DeliveryStop.run_id, db.func.max(StopUpdate.received_at))
            .join(StopUpdate, StopUpdate.stop_id == DeliveryStop.id)
            .join(DeliveryRun, DeliveryStop.run_id == DeliveryRun.id)
            .where(DeliveryRun.plan_id == plan.id, StopUpdate.outcome == "applied")
            .group_by(DeliveryStop.run_id)
        ).all()
    )
    for run in plan.runs:
        counts: dict[str, int] = defaultdict(int)
        reasons: dict[str, int] = defaultdict(int)
        for stop in run.stops:
            counts[stop.status] += 1
            if stop.status == StopStatus.FAILED and stop.failure_reason:
                reasons[failure_reason_text(stop.failure_reason)] += 1
        figures[run.id] = {
            "delivered": counts[StopStatus.DELIVERED],
            "failed": counts[StopStatus.FAILED],
            "remaining": counts[StopStatus.PENDING],
            "last_update": last_update.get(run.id),
            "failure_reasons": dict(reasons),
        }
    return figures


ATTEMPTS = 3
# What a phone may send in one change, field by field: (type, longest text).
CHANGE_TEXT_FIELDS = {"change_id": 64, "action": 16, "reason": 32, "received_by": 32, "note": 200}
REQUIRED_FIELDS = ("change_id", "stop_id", "action", "plan_version")


def read_change(change: object) -> dict[str, object] | None:
    """The fields of one change as a phone sent it, checked: ``change_id`` (1 to 64
    characters), ``stop_id`` and ``plan_version`` (whole numbers), ``action`` (one of
    ``StopUpdateAction``), and optional ``reason``, ``received_by``, ``note`` (text within
    their columns' lengths). None for anything else: wrong types, a field too long, a
    missing plan version (a change that names none cannot be checked against the plan)."""
    if not isinstance(change, dict) or any(change.get(key) is None for key in REQUIRED_FIELDS):
        return None
    fields: dict[str, object] = {}
    for key, longest in CHANGE_TEXT_FIELDS.items():
        value = change.get(key)
        if value is not None and (
            not isinstance(value, str) or len(value) > longest or "\x00" in value
        ):
            return None
        fields[key] = value or None
    for key in ("stop_id", "plan_version"):
        value = change[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
            return None
        fields[key] = value
    if fields["change_id"] is None or fields["action"] not in {str(a) for a in StopUpdateAction}:
        return None
    return fields


def _no_such_stop(change_id: str) -> dict[str, object]:
    """The answer for a stop that does not exist and for another volunteer's stop alike,
    so a link learns nothing about stops that are not its own."""
    return {
        "change_id": change_id,
        "outcome": "conflict",
        "message": message_text("stop_changed"),
        "stop_status": None,
        "duplicate": False,
    }


def apply_from_phone(volunteer: Volunteer, change: object) -> dict[str, object]:
    """Apply one change as a phone sent it, in a transaction of its own, and answer it.

    Racing requests are settled here: a change id that another request stored first is
    answered from what was stored; a database busy with another writer is tried again, and
    if it stays busy the phone is told to keep the change and send it later. A change that
    ``read_change`` refuses is answered ``invalid`` and changes nothing."""
    fields = read_change(change)
    if fields is None:
        change_id = change.get("change_id") if isinstance(change, dict) else None
        if not isinstance(change_id, str) or len(change_id) > 64:
            change_id = None
        return {"change_id": change_id, "outcome": "invalid", "message": _("Invalid change.")}
    change_id = fields["change_id"]
    for _attempt in range(ATTEMPTS):
        try:
            with unit_of_work():
                result = apply_stop_update(
                    volunteer,
                    change_id=change_id,
                    stop_id=fields["stop_id"],
                    action=fields["action"],
                    reason=fields["reason"],
                    received_by=fields["received_by"],
                    note=fields["note"],
                    plan_version=fields["plan_version"],
                    received=change.get("received"),
                    received_fen=change.get("received_fen"),
                    paid_by=change.get("paid_by"),
                )
        except StopNotYours:
            return _no_such_stop(change_id)
        except (KeyError, TypeError, ValueError):
            return {"change_id": change_id, "outcome": "invalid", "message": _("Invalid change.")}
        except (IntegrityError, OperationalError):
            # The same change id stored by a concurrent retry, or a busy database: the
            # unit of work rolled back, and the next attempt reads what the other did.
            continue
        return {
            "change_id": change_id,
            "outcome": result.outcome,
            "message": result.message,
            "stop_status": result.stop_status,
            "duplicate": result.duplicate,
        }
    return {
        "change_id": change_id,
        "outcome": "retry",
        "message": _("The server is busy; the change will be sent again by itself."),
    }
