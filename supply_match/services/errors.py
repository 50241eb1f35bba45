"""Errors every service may raise; routes map them to responses (routes/errors.py).

Services never raise HTTP errors: a missing record is ``NotFoundError`` and one outside
the user's scope is ``ForbiddenError``, whatever the caller (a page, the API, a worker or
a command) makes of them.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the errors a service raises on purpose."""


class NotFoundError(ServiceError, LookupError):
    """The record does not exist (or, for a scoped reader, may not be known to exist)."""


class ForbiddenError(ServiceError, PermissionError):
    """The record exists but the user may not act on it."""
