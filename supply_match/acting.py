"""Who is acting, and from where, for the audit log.

The door sets it once per request (the signed-in user and the client's address), the
worker and the CLI set their own; services read it through ``current()`` and never see
the request. A context variable, so concurrent requests in threads do not mix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Acting:
    user_id: int | None = None
    name: str = ""
    origin: str = ""


NOBODY = Acting(origin="system")

# An Acting, or a function that makes one when the first entry is written: the door
# passes a function, so a request that changes nothing never loads its user for the log.
_ACTING: ContextVar[Acting | Callable[[], Acting]] = ContextVar("acting", default=NOBODY)


def current() -> Acting:
    value = _ACTING.get()
    if callable(value):
        value = value()
        _ACTING.set(value)
    return value


def set_acting(acting: Acting | Callable[[], Acting]) -> None:
    """For the start of a request or a process: lasts until replaced."""
    _ACTING.set(acting)


@contextmanager
def acting_as(acting: Acting) -> Iterator[None]:
    """For a block (a job the worker runs, a CLI command, a test)."""
    token = _ACTING.set(acting)
    try:
        yield
    finally:
        _ACTING.reset(token)
