"""The audit log: who changed what, on which object, when (UTC) and from where."""
from __future__ import annotations

import json
from datetime import datetime

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.extensions import db
from budget_app.utils import utcnow


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True)
    # Kept as text too, so the entry still says who it was if the account is deleted.
    actor: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(60), default="", index=True)
    object_id: Mapped[str] = mapped_column(String(60), default="")
    council_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")

    user = relationship("User")

    @property
    def details_dict(self) -> dict:
        try:
            return json.loads(self.details or "{}")
        except ValueError:
            return {}


SECRET_KEYS = {"password", "password_hash", "token", "csrf_token", "new_password", "confirm"}


def record(action: str, obj=None, *, council_id: int | None = None, actor=None, **details) -> AuditLog:
    """Add an audit entry to the current transaction (committed with the change it describes).

    ``obj`` is any model instance; its table name and id are recorded. Secret fields in
    ``details`` are dropped, whatever the caller passed.
    """
    user = actor
    if user is None and has_request_context() and getattr(current_user, "is_authenticated", False):
        user = current_user
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    entry = AuditLog(
        user_id=getattr(user, "id", None),
        actor=getattr(user, "email", "") or "",
        action=action,
        object_type=getattr(obj, "__tablename__", "") if obj is not None else "",
        object_id=str(getattr(obj, "id", "")) if obj is not None else "",
        council_id=council_id if council_id is not None else getattr(obj, "council_id", None),
        details=json.dumps({k: _plain(v) for k, v in details.items() if k not in SECRET_KEYS},
                           ensure_ascii=False, sort_keys=True, default=str),
    )
    if has_request_context():
        entry.ip_address = (request.remote_addr or "")[:64]
        entry.user_agent = (request.user_agent.string or "")[:300]
    db.session.add(entry)
    return entry


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
