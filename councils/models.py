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
