"""Ministry-wide settings the administrator sets (one row), such as the lowest quorum a
council's approval vote may have. Read by the features; changed only through
:func:`update_settings`, which records the change in the audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from budget_app import audit
from budget_app.extensions import db
from budget_app.utils import utcnow

DEFAULT_APPROVAL_QUORUM_MIN_PCT = 50
SETTINGS_ID = 1


class MinistrySettings(db.Model):
    """The single row of ministry-wide settings (id 1). Absent means every default applies."""

    __tablename__ = "ministry_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The lowest quorum, in % of the electorate frozen when voting opens, that a cycle's
    # council approval may require. A director cannot set a cycle's quorum below it.
    approval_quorum_min_pct: Mapped[int] = mapped_column(Integer, default=DEFAULT_APPROVAL_QUORUM_MIN_PCT)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)


def get_settings() -> MinistrySettings:
    """The settings row, or an unsaved one holding the defaults when the administrator never saved any."""
    return db.session.get(MinistrySettings, SETTINGS_ID) or MinistrySettings(
        id=SETTINGS_ID, approval_quorum_min_pct=DEFAULT_APPROVAL_QUORUM_MIN_PCT)


def approval_quorum_min_pct() -> int:
    """The ministry-wide minimum quorum for a council's approval vote, in percent."""
    return int(get_settings().approval_quorum_min_pct or DEFAULT_APPROVAL_QUORUM_MIN_PCT)


def update_settings(user, *, approval_quorum_min_pct: int) -> MinistrySettings:
    """Save the ministry-wide settings; the change (old and new values) goes to the audit log.

    A cycle whose voting has already opened keeps the quorum frozen with its rules."""
    settings = db.session.get(MinistrySettings, SETTINGS_ID)
    if settings is None:
        settings = MinistrySettings(id=SETTINGS_ID, approval_quorum_min_pct=DEFAULT_APPROVAL_QUORUM_MIN_PCT)
        db.session.add(settings)
    old = settings.approval_quorum_min_pct
    value = int(approval_quorum_min_pct)
    if not 1 <= value <= 100:
        raise ValueError("approval_quorum_min_pct must be between 1 and 100")
    settings.approval_quorum_min_pct = value
    settings.updated_by_id = getattr(user, "id", None)
    db.session.flush()
    if old != value:
        audit.record("settings.update", settings, actor=user,
                     approval_quorum_min_pct={"old": old, "new": value})
    return settings
