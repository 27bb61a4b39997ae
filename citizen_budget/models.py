"""Citizen-budget texts, published versions and citizens' feedback (the execution of the budget
is in ``budget_app.cycles.execution``).

Money is stored as INTEGER minor units (agorot for ILS), never as float. Published versions
are immutable: the snapshot, its hash and its timestamp never change once written.
"""
from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from budget_app.extensions import db
from budget_app.utils import utcnow

FEEDBACK_PENDING = "pending"
FEEDBACK_PUBLISHED = "published"
FEEDBACK_REJECTED = "rejected"
FEEDBACK_STATUSES = (FEEDBACK_PENDING, FEEDBACK_PUBLISHED, FEEDBACK_REJECTED)
FEEDBACK_STATUS_LABELS = {
    FEEDBACK_PENDING: _l("Waiting for moderation"),
    FEEDBACK_PUBLISHED: _l("Published"),
    FEEDBACK_REJECTED: _l("Not published"),
}
FEEDBACK_MAX_LENGTH = 2000

# The director's texts of a citizen budget: (key, label). Each has an Arabic and an English field.
TEXT_SECTIONS = (
    ("intro", _l("Introduction: what this budget is")),
    ("decision", _l("Who decided it and how")),
    ("money_in", _l("Where the money comes from")),
    ("money_out", _l("Where the money goes")),
    ("results", _l("Priorities funded and not funded")),
    ("execution", _l("Execution so far")),
    ("take_part", _l("How to take part next time")),
)


class CitizenBudgetText(db.Model):
    """The director's plain-language texts for one council's citizen budget of one year (Markdown)."""

    __tablename__ = "citizen_budget_text"
    __table_args__ = (UniqueConstraint("council_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    # {"intro": {"ar": "...", "en": "..."}, ...} for the keys of TEXT_SECTIONS.
    texts_json: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    @property
    def texts(self) -> dict:
        return json.loads(self.texts_json or "{}")


class CitizenBudgetVersion(db.Model):
    """A published, immutable citizen budget: the frozen snapshot, its SHA-256 and when."""

    __tablename__ = "citizen_budget_version"
    __table_args__ = (UniqueConstraint("council_id", "fiscal_year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("budget_cycle.id", ondelete="SET NULL"), nullable=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[int] = mapped_column(Integer)
    snapshot_json: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(250), default="")
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)

    council = relationship("Council")


IMMUTABLE_VERSION_ATTRS = ("snapshot_json", "content_hash", "published_at", "number", "fiscal_year", "council_id")


@event.listens_for(Session, "before_flush")
def _refuse_version_changes(session, flush_context, instances):
    """A published version is never edited: a change is published as a new version."""

    for obj in session.dirty:
        if isinstance(obj, CitizenBudgetVersion):
            state = inspect(obj)
            for attr in IMMUTABLE_VERSION_ATTRS:
                if state.attrs[attr].history.has_changes():
                    raise ValueError("a published citizen budget version cannot be changed")


class Feedback(db.Model):
    """A citizen's message about a citizen budget. Anonymous to the public; shown only once a
    coordinator publishes it."""

    __tablename__ = "citizen_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    # Optional, for the council to answer; never published.
    contact: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=FEEDBACK_PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)

    @property
    def status_label(self) -> str:
        return str(FEEDBACK_STATUS_LABELS.get(self.status, self.status))
