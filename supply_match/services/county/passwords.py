"""Which passwords are refused, first passwords for accounts made in bulk, and the
password change a first sign-in forces."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _

from supply_match.models import User
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.county.accounts import MIN_PASSWORD_LENGTH
from supply_match.services.unit_of_work import use_case

# Letters and digits that cannot be misread on a printed list (no 0/O, 1/l/I).
FIRST_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
FIRST_PASSWORD_LENGTH = 10
# The passwords people choose first; a longer list would not change the advice.
COMMON_PASSWORDS = frozenset(
    {"12345678", "123456789", "1234567890", "87654321", "password", "password1", "11111111",
     "88888888", "66666666", "00000000", "abcd1234", "qwertyui", "1qaz2wsx", "a1234567",
     "woaini1314", "iloveyou", "admin123", "admin1234", "qwer1234", "asdf1234"}
)  # fmt: skip


def weak_password_reason(password: str, username: str = "") -> str | None:
    """Why ``password`` is refused (a message for the user), or None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("At least 8 characters.")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return _("This password is too easy to guess.")
    if username and username.lower() in password.lower():
        return _("The password must not contain the username.")
    if password.isdigit():
        return _("Use letters as well as digits.")
    return None


def first_password() -> str:
    """A random first password, to be printed once and changed at the first sign-in."""
    while True:
        candidate = "".join(
            secrets.choice(FIRST_PASSWORD_ALPHABET) for _ in range(FIRST_PASSWORD_LENGTH)
        )
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


class PasswordChangeError(ValueError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@use_case
def change_own_password(user: User, current: str, new: str, repeated: str) -> None:
    """The user's own change: the current password, then the new one twice. Clears a
    forced change. Raises ``PasswordChangeError`` by field."""
    errors: dict[str, str] = {}
    if not user.check_password(current):
        errors["current"] = _("This is not your current password.")
    reason = weak_password_reason(new, user.username)
    if reason:
        errors["new"] = reason
    elif new == current:
        errors["new"] = _("Choose a password different from the current one.")
    if new != repeated:
        errors["repeated"] = _("The two new passwords differ.")
    if errors:
        raise PasswordChangeError(errors)
    user.set_password(new)
    user.must_change_password = False
    audit.record(
        AuditKind.ACCOUNT,
        "password_changed",
        record_id=user.id,
        actor=user,
        summary=audit.actor_label(user),
    )
