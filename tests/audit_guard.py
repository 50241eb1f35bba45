"""Nothing changes without an audit entry: a watch on the session, on for every test.

Every unit of work that commits a change to the county's records must have written an
``AuditEntry`` in the same transaction. The ``app`` fixture watches every test, so each
use case the suite runs (pages, API, worker, services) is checked; a test fails at its
teardown naming the use case and the records it changed without an entry.

Commits outside a unit of work (fixtures building their data) are not use cases and are
not checked. The tables below are logs or caches of their own, written as a side effect.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from supply_match.models import (
    AuditEntry,
    LinkPostCount,
    LoginAttempt,
    PlanChange,
    PlanningJob,
    RenderedDocument,
    RoadLegs,
    RoadPoint,
    StockChange,
    StopUpdate,
    User,
    VolunteerPosition,
)

# Logs and caches: the plan's change log, the stock ledger, a phone's update record, the
# sign-in throttle, the link's post counter, job progress, rendered sheets, road legs.
UNAUDITED = (
    AuditEntry,
    PlanChange,
    StockChange,
    StopUpdate,
    LoginAttempt,
    LinkPostCount,
    PlanningJob,
    RenderedDocument,
    RoadLegs,
    RoadPoint,
    VolunteerPosition,  # one a half minute per volunteer, kept a day: not audited
)
# Signing in and out touch these on the account; sign-ins are not audited. A sign-in
# also replaces a hash of an earlier method by today's, of the same password.
SIGN_IN_COLUMNS = {"last_login_at", "session_generation", "password_hash"}

_DEPTH = "unit_of_work_depth"  # services/unit_of_work.py
_CHANGED = "audit_guard_changed"
_AUDITED = "audit_guard_audited"


@dataclass
class Violation:
    changed: list[str]
    where: str

    def __str__(self) -> str:
        return f"changed {', '.join(self.changed)} without an audit entry, in {self.where}"


@dataclass
class AuditGuard:
    violations: list[Violation] = field(default_factory=list)

    def failure(self) -> str | None:
        if not self.violations:
            return None
        return "\n".join(str(v) for v in self.violations)


def _changed_columns(obj: object) -> set[str]:
    state = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _counts(obj: object, is_new_or_deleted: bool) -> bool:
    if isinstance(obj, UNAUDITED):
        return False
    if isinstance(obj, User) and not is_new_or_deleted:
        return bool(_changed_columns(obj) - SIGN_IN_COLUMNS)
    return True


def _note_flush(session: Session, _context: object) -> None:
    changed = session.info.setdefault(_CHANGED, set())
    for obj in session.new:
        if isinstance(obj, AuditEntry):
            session.info[_AUDITED] = True
        elif _counts(obj, True):
            changed.add(type(obj).__name__)
    for obj in session.deleted:
        if _counts(obj, True):
            changed.add(type(obj).__name__)
    for obj in session.dirty:
        if session.is_modified(obj) and _counts(obj, False):
            changed.add(type(obj).__name__)


def _is_application(filename: str) -> bool:
    """The application's own code (services, the door, the worker), not the tests'."""
    inside = "/supply_match/" in filename or "/routes/" in filename
    return inside and "unit_of_work" not in filename and "/tests/" not in filename


def _use_case() -> str | None:
    """The use case committing: the function ``@use_case`` wraps, else the application's
    code that opened the unit of work; None when a test opened it itself."""
    frame = sys._getframe(1)
    found = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.endswith("unit_of_work.py") and frame.f_code.co_name == "wrapped":
            function = frame.f_locals.get("function")
            found = f"{function.__module__}.{function.__qualname__}"
        elif found is None and _is_application(filename):
            found = (
                f"{'/'.join(filename.rsplit('/', 2)[-2:])}:{frame.f_lineno} {frame.f_code.co_name}"
            )
        frame = frame.f_back
    return found


def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_AUDITED, None)


# The guard of the running test, for the test that shows it catches a change.
current: AuditGuard | None = None


@contextmanager
def watching() -> Iterator[AuditGuard]:
    """Watch every session until the block ends; the guard lists what went unaudited."""
    global current
    guard = current = AuditGuard()

    def before_commit(session: Session) -> None:
        session.flush()  # what the commit is about to write counts too
        changed = session.info.get(_CHANGED, set())
        use_case = _use_case() if session.info.get(_DEPTH, 0) > 0 else None
        if use_case and changed and not session.info.get(_AUDITED):
            guard.violations.append(Violation(sorted(changed), use_case))
        _forget(session)

    def after_rollback(session: Session) -> None:
        _forget(session)

    listeners = [
        ("after_flush", _note_flush),
        ("before_commit", before_commit),
        ("after_soft_rollback", lambda session, _previous: after_rollback(session)),
    ]
    for name, listener in listeners:
        event.listen(Session, name, listener)
    try:
        yield guard
    finally:
        current = None
        for name, listener in listeners:
            event.remove(Session, name, listener)
