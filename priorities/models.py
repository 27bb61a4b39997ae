"""Priority needs of a council for a fiscal year, their discussion, and ranking rounds.

Other packages (budget cycles and proposals) refer to ``priority.id``: the table and column
names ``priority``, ``council_id``, ``fiscal_year``, ``title_ar``, ``title_en``, ``status``,
``sector_id``, ``locality_id``, ``estimated_beneficiaries`` and ``priority_target_group`` are
stable.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.extensions import db
from budget_app.i18n import localized
from budget_app.utils import utcnow

STATUS_DRAFT = "draft"
STATUS_SUBMITTED = "submitted"
STATUS_SHORTLISTED = "shortlisted"
STATUS_MERGED = "merged"
STATUS_DECLINED = "declined"
STATUSES = (STATUS_DRAFT, STATUS_SUBMITTED, STATUS_SHORTLISTED, STATUS_MERGED, STATUS_DECLINED)

EVIDENCE_TYPES = ("social_registry", "survey", "field_visit", "partner_report", "meeting_recommendation")

METHOD_POINTS = "points"
METHOD_RANKING = "ranking"
METHODS = (METHOD_POINTS, METHOD_RANKING)

priority_target_group = Table(
    "priority_target_group",
    db.metadata,
    Column("priority_id", ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True),
    Column("target_group_id", ForeignKey("target_group.id", ondelete="CASCADE"), primary_key=True),
)

ranking_round_priority = Table(
    "ranking_round_priority",
    db.metadata,
    Column("round_id", ForeignKey("ranking_round.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True),
)


class Priority(db.Model):
    __tablename__ = "priority"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    title_ar: Mapped[str] = mapped_column(String(250))
    title_en: Mapped[str] = mapped_column(String(250), default="")
    description_ar: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=STATUS_DRAFT, index=True)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"), nullable=True, index=True)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"), nullable=True, index=True)
    estimated_beneficiaries: Mapped[int | None] = mapped_column(Integer, nullable=True)
    evidence_type: Mapped[str] = mapped_column(String(30), default="field_visit")
    evidence_details: Mapped[str] = mapped_column(Text, default="")
    evidence_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), nullable=True)
    proposing_organization: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("priority.id", ondelete="SET NULL"), nullable=True)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # Normalized Arabic/Latin text of titles, description and organization (see priorities.search).
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    council = relationship("Council")
    sector = relationship("Sector")
    locality = relationship("Locality")
    author = relationship("User")
    evidence_meeting = relationship("Meeting")
    target_groups = relationship("TargetGroup", secondary=priority_target_group, order_by="TargetGroup.sort_order")
    merged_into = relationship("Priority", remote_side="Priority.id")
    comments = relationship("PriorityComment", back_populates="priority", cascade="all, delete-orphan",
                            order_by="PriorityComment.created_at")

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    def can_edit(self, user) -> bool:
        """The council's coordinators edit any priority but a merged one; its author edits it while
        it is a draft or submitted."""
        if self.status == STATUS_MERGED or not getattr(user, "is_authenticated", False):
            return False
        if self.council.can_manage(user):
            return True
        return self.author_id == user.id and self.status in (STATUS_DRAFT, STATUS_SUBMITTED)

    def __repr__(self) -> str:
        return f"<Priority {self.id} {self.status}>"


class PriorityComment(db.Model):
    __tablename__ = "priority_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)

    priority = relationship("Priority", back_populates="comments")
    author = relationship("User", foreign_keys=[author_id])


class RankingRound(db.Model):
    __tablename__ = "ranking_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(250))
    method: Mapped[str] = mapped_column(String(20), default=METHOD_POINTS)
    points_budget: Mapped[int] = mapped_column(Integer, default=10)  # K, points method
    top_n: Mapped[int] = mapped_column(Integer, default=3)  # N, ranking method
    results_visible_before_close: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(DateTime)
    closed_early_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)

    council = relationship("Council")
    priorities = relationship("Priority", secondary=ranking_round_priority, order_by="Priority.id")
    ballots = relationship("RoundBallot", back_populates="round", cascade="all, delete-orphan")

    def is_closed(self, now: datetime | None = None) -> bool:
        """Closed once ``closes_at`` has passed (checked at request time) or closed early."""
        now = now or utcnow()
        return self.closed_early_at is not None or now >= self.closes_at

    def can_vote(self, user) -> bool:
        """Members of the council (any role) cast a ballot while the round is open."""
        return bool(getattr(user, "is_authenticated", False) and self.council.is_member(user) and not self.is_closed())

    @property
    def closed_at(self) -> datetime:
        return self.closed_early_at or self.closes_at

    def results_visible(self) -> bool:
        return self.is_closed() or self.results_visible_before_close


class RoundBallot(db.Model):
    __tablename__ = "round_ballot"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("ranking_round.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    round = relationship("RankingRound", back_populates="ballots")
    user = relationship("User")
    items = relationship("RoundBallotItem", back_populates="ballot", cascade="all, delete-orphan",
                         order_by="RoundBallotItem.id")


class RoundBallotItem(db.Model):
    __tablename__ = "round_ballot_item"
    __table_args__ = (UniqueConstraint("ballot_id", "priority_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("round_ballot.id", ondelete="CASCADE"), index=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id", ondelete="CASCADE"))
    points: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rank: Mapped[int | None] = mapped_column(Integer, nullable=True)

    ballot = relationship("RoundBallot", back_populates="items")
    priority = relationship("Priority")
