"""One transaction per use case.

A public use case in ``services/`` runs its work inside ``unit_of_work()`` (or is
decorated with ``@use_case``): everything it wrote commits together, or, on any
exception, nothing does. Work that must only happen once the data is committed (queueing
route sheets, starting a planning job) is registered with ``after_commit`` and runs after
the commit, never after a rollback.

Use cases may call one another: only the outermost one commits, and the after-commit work
of the inner ones waits for that commit. Helpers receive the session, may flush, and never
commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from supply_match.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_DEPTH = "unit_of_work_depth"
_AFTER = "unit_of_work_after_commit"


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block wrote when it ends normally, roll it back when it raises."""
    info = db.session.info
    depth = info.get(_DEPTH, 0)
    info[_DEPTH] = depth + 1
    if depth == 0:
        info[_AFTER] = []
    try:
        yield
        if depth == 0:
            db.session.commit()
    except BaseException:
        if depth == 0:
            db.session.rollback()
        raise
    finally:
        info[_DEPTH] = depth
    if depth == 0:
        pending, info[_AFTER] = info.get(_AFTER, []), []
        for callback in pending:
            callback()


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the current unit of work has committed (at once outside one)."""
    if db.session.info.get(_DEPTH, 0) == 0:
        callback()
        return
    db.session.info.setdefault(_AFTER, []).append(callback)


def use_case(function: Callable[P, R]) -> Callable[P, R]:
    """Run the decorated service function as one unit of work."""

    @wraps(function)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return function(*args, **kwargs)

    return wrapped


def discard_unfinished() -> None:
    """Roll back whatever a failed request left in the session, so the error page (and the
    next request on this connection) starts clean. For the error handlers only."""
    db.session.rollback()
