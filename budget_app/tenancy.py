"""Council tenancy: councils, memberships with their roles, and the permission vocabulary.

Every council-scoped object belongs to one council; what a user may do there follows from their
membership's role (``Council.can_view``, ``can_manage``, ``can_direct_budget``, ``is_member``)
or from being an administrator. ``get_council_or_404`` (budget_app.permissions) loads a council
the current user may read; ``ensure`` refuses the rest. Feature packages build on this module;
it imports none of them. (The tables ``council`` and ``membership`` kept their names when these
models moved here from ``councils/``.)
"""
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
# The directorate's technical staff: they read the council's pages and review each allocation
# proposal's feasibility before the vote, but hold no seat: they neither vote nor count for a quorum.
ROLE_REVIEWER = "reviewer"
ROLES = (ROLE_MEMBER, ROLE_COORDINATOR, ROLE_DIRECTOR, ROLE_REVIEWER)
# The roles that sit on the council: they vote, rank, record priorities and make the quorum.
SEAT_ROLES = (ROLE_MEMBER, ROLE_COORDINATOR, ROLE_DIRECTOR)
ROLE_LABELS = {
    ROLE_MEMBER: _l("Member"),
    ROLE_COORDINATOR: _l("Coordinator"),
    ROLE_DIRECTOR: _l("Budget director"),
    ROLE_REVIEWER: _l("Technical reviewer"),
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

    def can_review(self, user) -> bool:
        """Technical reviewers (and administrators) record the feasibility review of proposals."""
        return bool(getattr(user, "is_authenticated", False)
                    and (user.is_admin or self.role_of(user) == ROLE_REVIEWER))

    def is_member(self, user) -> bool:
        """A seat on the council (member, coordinator or director): may record priorities, vote,
        comment. A technical reviewer reads the council's pages but holds no seat."""
        return self.role_of(user) in SEAT_ROLES

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
    # "female", "male" or "" (not recorded): meetings count women and men including members.
    gender: Mapped[str] = mapped_column(String(10), default="")
    # The organization represented, when it is in the council's partner directory (councils'
    # PartnerOrganization): a proposal it proposes or implements flags this member's interest.
    # Only the id here: the directory belongs to the council-work feature, above the core.
    partner_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_organization.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    council = relationship("Council", back_populates="memberships")
    user = relationship("User", back_populates="memberships")

    @property
    def has_seat(self) -> bool:
        """Sits on the council (votes, counts for a quorum): every role but the technical reviewer."""
        return self.role in SEAT_ROLES

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))

    @property
    def organization_type_label(self) -> str:
        return str(ORGANIZATION_TYPE_LABELS.get(self.organization_type, self.organization_type))
