"""Accounts: users, their one-time password links."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from budget_app.extensions import db
from budget_app.utils import utcnow


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(256), nullable=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # Bumped on logout, password change and deactivation: every session cookie carries the
    # version it was issued with, so an older cookie is refused everywhere (all app servers).
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    memberships = relationship(
        "Membership", back_populates="user", cascade="all, delete-orphan",
        order_by="Membership.id",
    )

    # Flask-Login: the id in the session includes the session version.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            # Hash anyway: an account without a password answers in the time a wrong one takes.
            generate_password_hash(password or "x", method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))
            return False
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        self.session_version = (self.session_version or 1) + 1

    # Roles -----------------------------------------------------------------
    def membership_in(self, council) -> "Membership | None":
        council_id = council if isinstance(council, int) else council.id
        for m in self.memberships:
            if m.council_id == council_id:
                return m
        return None

    def role_in(self, council) -> str | None:
        m = self.membership_in(council)
        return m.role if m else None

    def council_ids(self) -> set[int]:
        return {m.council_id for m in self.memberships}

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class PasswordToken(db.Model):
    """A one-time link to set a password (new account or reset). Only the hash is stored."""

    __tablename__ = "password_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    user = relationship("User")

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, hours: int) -> tuple["PasswordToken", str]:
        """A new token for ``user``; earlier unused ones stop working."""
        now = utcnow()
        for old in cls.query.filter_by(user_id=user.id, used_at=None):
            old.used_at = now
        raw = secrets.token_urlsafe(32)
        token = cls(user=user, token_hash=cls.hash(raw), expires_at=now + timedelta(hours=hours))
        db.session.add(token)
        return token, raw

    @classmethod
    def find_valid(cls, raw: str) -> "PasswordToken | None":
        token = cls.query.filter_by(token_hash=cls.hash(raw)).first()
        if token is None or token.used_at is not None or token.expires_at < utcnow():
            return None
        return token


class LoginFailure(db.Model):
    """One failed login, counted under a key (see budget_app.auth.throttle). Rows older than
    the limit's window are deleted as new failures arrive."""
    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
