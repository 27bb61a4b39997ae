"""Councils and their membership (one role per person per council)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.extensions import db
from budget_app.i18n import localized
from budget_app.utils import utcnow

ROLE_MEMBER = "member"
ROLE_COORDINATOR = "coordinator"
ROLE_DIRECTOR = "director"
ROLES = (ROLE_MEMBER, ROLE_COORDINATOR, ROLE_DIRECTOR)
ROLE_LABELS = {
    ROLE_MEMBER: _l("Member"),
    ROLE_COORDINATOR: _l("Coordinator"),
    ROLE_DIRECTOR: _l("Budget director"),
}

ORGANIZATION_TYPES = ("ministry", "ngo", "private", "local_government", "beneficiaries", "donor")
ORGANIZATION_TYPE_LABELS = {
    "ministry": _l("Ministry directorate"),
    "ngo": _l("NGO or charity"),
    "private": _l("Private sector"),
    "local_government": _l("Local government"),
    "beneficiaries": _l("Beneficiaries' representative"),
    "donor": _l("Donor"),
}


class Council(db.Model):
    __tablename__ = "council"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    governorate_id: Mapped[int | None] = mapped_column(ForeignKey("governorate.id"), nullable=True)
    description_ar: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    governorate = relationship("Governorate")
    memberships = relationship("Membership", back_populates="council", cascade="all, delete-orphan",
                               order_by="Membership.id")

    @property
    def name(self) -> str:
        return localized(self)

    @property
    def description(self) -> str:
        return localized(self, "description")

    # Permissions, in one vocabulary ----------------------------------------
    def role_of(self, user) -> str | None:
        if not getattr(user, "is_authenticated", False):
            return None
        return user.role_in(self)

    def can_view(self, user) -> bool:
        """Members of any role read everything of their own council; administrators all."""
        return bool(getattr(user, "is_authenticated", False) and (user.is_admin or self.role_of(user)))

    def can_manage(self, user) -> bool:
        """Coordinators run the council: members, meetings, rounds, paper ballots, moderation."""
        return bool(getattr(user, "is_authenticated", False)
                    and (user.is_admin or self.role_of(user) == ROLE_COORDINATOR))

    def can_direct_budget(self, user) -> bool:
        """Budget directors prepare cycles, proposals, tallies, execution and the citizen budget."""
        return bool(getattr(user, "is_authenticated", False)
                    and (user.is_admin or self.role_of(user) == ROLE_DIRECTOR))

    def is_member(self, user) -> bool:
        """Any membership (member, coordinator or director): may record priorities, vote, comment."""
        return self.role_of(user) is not None

    def __repr__(self) -> str:
        return f"<Council {self.slug}>"


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("council_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=ROLE_MEMBER)
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    organization_type: Mapped[str] = mapped_column(String(30), default="ngo")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    council = relationship("Council", back_populates="memberships")
    user = relationship("User", back_populates="memberships")

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))

    @property
    def organization_type_label(self) -> str:
        return str(ORGANIZATION_TYPE_LABELS.get(self.organization_type, self.organization_type))


# Council work: meetings, workshops and forums; recommendations; partner organizations.
# Kinds, statuses and categories with their labels are in councils/labels.py.
from datetime import date  # noqa: E402

from sqlalchemy import Column, Date, Integer, Table  # noqa: E402

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
