"""Council work: meetings, workshops and forums; recommendations; partner organizations.

Councils and memberships themselves are the core's (budget_app.tenancy)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.extensions import db
from budget_app.utils import utcnow

# Kinds, statuses and categories with their labels are in councils/labels.py.

MEETING_KINDS = ("council_meeting", "workshop", "forum")
PARTICIPANT_CATEGORIES = ("directorate_managers", "supervisors", "social_workers", "partner_organizations",
                          "beneficiaries", "other")
GENDERS = ("female", "male")
RECOMMENDATION_KINDS = ("recommendation", "decision")
RECOMMENDATION_STATUSES = ("open", "in_progress", "done", "dropped")
PARTNER_TYPES = ("governmental", "ngo", "charity", "private", "international", "community")
MOU_STATUSES = ("none", "in_preparation", "signed", "expired")


class Meeting(db.Model):
    """A council meeting, a training workshop or a consultative forum."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="council_meeting")
    title: Mapped[str] = mapped_column(String(250))
    held_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    place: Mapped[str] = mapped_column(String(250), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(250), default="")  # workshops
    trainer: Mapped[str] = mapped_column(String(200), default="")  # workshops
    group_outputs: Mapped[str] = mapped_column(Text, default="")  # forums: small-group outputs
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    council = relationship("Council")
    attendances = relationship("MeetingAttendance", back_populates="meeting", cascade="all, delete-orphan")
    participant_counts = relationship("MeetingParticipantCount", back_populates="meeting",
                                      cascade="all, delete-orphan", order_by="MeetingParticipantCount.id")
    recommendations = relationship("Recommendation", back_populates="meeting", cascade="all, delete-orphan",
                                   order_by="Recommendation.id")

    @property
    def outside_participants(self) -> int:
        return sum(c.count for c in self.participant_counts)

    def count_for(self, category: str, gender: str) -> int:
        for c in self.participant_counts:
            if c.category == category and c.gender == gender:
                return c.count
        return 0


class MeetingAttendance(db.Model):
    """A council member present at a meeting."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)

    meeting = relationship("Meeting", back_populates="attendances")
    user = relationship("User")


class MeetingParticipantCount(db.Model):
    """Outside participants of a meeting, counted by category and gender."""

    __tablename__ = "meeting_participant_count"
    __table_args__ = (UniqueConstraint("meeting_id", "category", "gender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    gender: Mapped[str] = mapped_column(String(10))
    count: Mapped[int] = mapped_column(Integer, default=0)

    meeting = relationship("Meeting", back_populates="participant_counts")


class Recommendation(db.Model):
    """A recommendation or decision from a meeting, followed up until done or dropped."""

    __tablename__ = "recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="recommendation")
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    meeting = relationship("Meeting", back_populates="recommendations")

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or utcnow().date()
        return self.status in ("open", "in_progress") and self.due_date is not None and self.due_date < today


partner_target_group = Table(
    "partner_target_group",
    db.metadata,
    Column("partner_id", ForeignKey("partner_organization.id", ondelete="CASCADE"), primary_key=True),
    Column("target_group_id", ForeignKey("target_group.id", ondelete="CASCADE"), primary_key=True),
)


class PartnerOrganization(db.Model):
    """A service provider in the council's area."""

    __tablename__ = "partner_organization"
    __table_args__ = (UniqueConstraint("council_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organization_type: Mapped[str] = mapped_column(String(30), default="ngo")
    services: Mapped[str] = mapped_column(Text, default="")
    free_of_charge: Mapped[bool] = mapped_column(Boolean, default=True)
    mou_status: Mapped[str] = mapped_column(String(20), default="none")
    mou_signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    mou_expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    target_groups = relationship("TargetGroup", secondary=partner_target_group, order_by="TargetGroup.sort_order")
