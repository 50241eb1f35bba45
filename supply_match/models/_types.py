"""Column helpers shared by the models."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint

# 11-digit mainland mobile numbers start with 1 and a second digit of 3 to 9.
MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"


def utcnow() -> datetime:
    """Now in UTC, naive, from the application's one clock (which a test can set)."""
    from supply_match.clock import now_utc

    return now_utc()


def values_of(enum_cls: type[enum.Enum]) -> list[str]:
    return [member.value for member in enum_cls]


def one_of(column: str, enum_cls: type[enum.Enum], name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values_of(enum_cls))
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


def mobile_check(column: str, name: str) -> CheckConstraint:
    """Eleven digits starting with 1[3-9], written so both SQLite and PostgreSQL can check it."""
    digits = " AND ".join(f"substr({column}, {i}, 1) BETWEEN '0' AND '9'" for i in range(1, 12))
    return CheckConstraint(
        f"length({column}) = 11 AND substr({column}, 1, 1) = '1' "
        f"AND substr({column}, 2, 1) BETWEEN '3' AND '9' AND {digits}",
        name=name,
    )


def latitude_check(column: str, name: str) -> CheckConstraint:
    return CheckConstraint(f"{column} BETWEEN -90 AND 90", name=name)


def longitude_check(column: str, name: str) -> CheckConstraint:
    return CheckConstraint(f"{column} BETWEEN -180 AND 180", name=name)
