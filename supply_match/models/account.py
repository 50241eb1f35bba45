"""User accounts, roles and village scopes, and the record of login attempts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supply_match import password_hashing
from supply_match.extensions import db
from supply_match.models._types import mobile_check, one_of, utcnow

if TYPE_CHECKING:
    from supply_match.models.outlet import Outlet
    from supply_match.models.place import Village


class Role(enum.StrEnum):
    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    CADRE = "cadre"
    OUTLET_STAFF = "outlet_staff"  # 店员: works for one outlet


user_villages = Table(
    "user_village",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("village_id", ForeignKey("village.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (
        one_of("role", Role, "role_valid"),
        mobile_check("mobile", "mobile_valid"),
        # Outlet staff belong to exactly one outlet; nobody else belongs to one.
        CheckConstraint(
            "(role = 'outlet_staff') = (outlet_id IS NOT NULL)", name="outlet_iff_staff"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    mobile: Mapped[str | None] = mapped_column(String(11), unique=True)
    display_name: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Part of the id every session and cookie carries: raising it (signing out, a new
    # password) makes every session issued before it unknown to the user loader.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set for a first password someone else chose: changed at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)

    outlet: Mapped[Outlet | None] = relationship()
    villages: Mapped[list[Village]] = relationship(secondary=user_villages, order_by="Village.code")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts.
        return self.active

    def get_id(self) -> str:  # what Flask-Login keeps in the session
        return f"{self.id}.{self.session_generation or 0}"

    def end_sessions(self) -> None:
        """Every session signed in before this call stops working."""
        self.session_generation = (self.session_generation or 0) + 1

    def set_password(self, password: str) -> None:
        """A new password also ends the sessions signed in with the old one."""
        self.password_hash = password_hashing.hash_password(password)
        if self.id is not None:
            self.end_sessions()

    def check_password(self, password: str) -> bool:
        return password_hashing.password_matches(self.password_hash, password)

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {str(role) for role in roles}

    @property
    def village_ids(self) -> set[int]:
        return {village.id for village in self.villages}

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class LoginAttempt(db.Model):
    """One login attempt; kept in the database so throttling holds across web processes."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The lower-cased login name, or "ip:" and the client address.
    key: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool]
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
