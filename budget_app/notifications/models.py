"""A user's notifications and their choice of which kinds reach them by email.

A notification stores what happened (its kind, its parameters and the page it links to), never a
sentence: the text is rendered in the reader's language when it is shown or mailed
(budget_app.notifications.services.render).
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.extensions import db
from budget_app.utils import utcnow

EMAIL_NONE, EMAIL_PENDING, EMAIL_SENT, EMAIL_FAILED = "", "pending", "sent", "failed"


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (
        # The unread count in the header, on every page: one index-only count.
        Index("ix_notification_user_id_read_at", "user_id", "read_at"),
        # A reminder is sent once: `flask notify send-due` gives each its key.
        UniqueConstraint("user_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    council_id: Mapped[int | None] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), nullable=True)
    kind: Mapped[str] = mapped_column(String(60))
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    endpoint: Mapped[str] = mapped_column(String(120), default="")
    values_json: Mapped[str] = mapped_column(Text, default="{}")
    key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    email_status: Mapped[str] = mapped_column(String(10), default=EMAIL_NONE, index=True)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    council = relationship("Council")

    @property
    def params(self) -> dict:
        try:
            return json.loads(self.params_json or "{}")
        except ValueError:
            return {}

    @property
    def url_values(self) -> dict:
        try:
            return json.loads(self.values_json or "{}")
        except ValueError:
            return {}

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationEmailChoice(db.Model):
    """Whether one kind of notification reaches the user by email (no row: the kind's default)."""

    __tablename__ = "notification_email_choice"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    email: Mapped[bool] = mapped_column(Boolean, default=True)
