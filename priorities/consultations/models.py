"""Beneficiaries' consultations: a question on the council's shortlist (or a ranking round's
priorities), answered with one-time access codes handed out at forums.

A code is never stored: only its keyed hash (``code_hash``, HMAC-SHA256 with the app's secret;
see :mod:`priorities.consultations.codes`). The codes of a batch are readable only while the
batch's sheet is printed: encrypted with a key held in the coordinator's session, wiped when the
coordinator says it is printed or after a short window (:mod:`priorities.consultations.sheets`).

An answer holds no person: the code it used, the channel (online or paper, with the forum
meeting for paper) and a receipt.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, LargeBinary, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.extensions import db
from budget_app.i18n import localized
from budget_app.utils import utcnow
from priorities.models import METHOD_POINTS

CHANNEL_ONLINE = "online"
CHANNEL_PAPER = "paper"

consultation_priority = Table(
    "consultation_priority",
    db.metadata,
    Column("consultation_id", ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True),
)


class Consultation(db.Model):
    """A question put to beneficiaries; ``method``, ``points_budget`` and ``top_n`` as in a
    ranking round (the same ballot rules apply)."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("ranking_round.id", ondelete="SET NULL"),
                                                 nullable=True, index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    question_ar: Mapped[str] = mapped_column(String(300))
    question_en: Mapped[str] = mapped_column(String(300), default="")
    method: Mapped[str] = mapped_column(String(20), default=METHOD_POINTS)
    points_budget: Mapped[int] = mapped_column(Integer, default=10)
    top_n: Mapped[int] = mapped_column(Integer, default=3)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"), nullable=True)
    opens_at: Mapped[datetime] = mapped_column(DateTime)
    closes_at: Mapped[datetime] = mapped_column(DateTime)
    closed_early_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                      nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    council = relationship("Council")
    round = relationship("RankingRound")
    locality = relationship("Locality")
    priorities = relationship("Priority", secondary=consultation_priority, order_by="Priority.id")
    batches = relationship("CodeBatch", back_populates="consultation", cascade="all, delete-orphan",
                           order_by="CodeBatch.id")

    @property
    def question(self) -> str:
        return localized(self, "question")

    @property
    def closed_at(self) -> datetime:
        return self.closed_early_at or self.closes_at

    def is_closed(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.closed_early_at is not None or now >= self.closes_at

    def has_opened(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.opens_at

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.has_opened(now) and not self.is_closed(now)

    def can_manage(self, user) -> bool:
        return self.council.can_manage(user)


class CodeBatch(db.Model):
    """Codes generated together and printed once. ``sheet``: the batch's codes encrypted with a
    key that only the coordinator's session holds, until ``sheet_expires_at`` or until erased."""

    __tablename__ = "consultation_code_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    size: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(120), default="")
    sheet: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    sheet_expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    sheet_erased_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                      nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    consultation = relationship("Consultation", back_populates="batches")
    created_by = relationship("User")

    def sheet_available(self, now: datetime | None = None) -> bool:
        return self.sheet is not None and self.sheet_expires_at is not None and (now or utcnow()) < self.sheet_expires_at


class AccessCode(db.Model):
    """One code, by its keyed hash. Used at most once: ``used_at`` is set by one atomic UPDATE
    that also requires it unset and the code not voided."""

    __tablename__ = "consultation_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("consultation_code_batch.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ConsultationAnswer(db.Model):
    """A beneficiary's answer: one per code (the unique code_id is the last guard against a
    double count), with a receipt to check it was counted."""

    __tablename__ = "consultation_answer"
    __table_args__ = (UniqueConstraint("code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("consultation_code.id", ondelete="CASCADE"))
    receipt: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[str] = mapped_column(String(10), default=CHANNEL_ONLINE)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), nullable=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                      nullable=True)
    values_json: Mapped[str] = mapped_column(Text)  # {priority id: points or rank}
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    consultation = relationship("Consultation")
    meeting = relationship("Meeting")

    @property
    def values(self) -> dict[int, int]:
        return {int(k): int(v) for k, v in json.loads(self.values_json).items()}
