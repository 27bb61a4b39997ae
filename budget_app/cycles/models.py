"""Budget cycles, allocation proposals, ballots and the council's approval of the allocation.

Money is stored as INTEGER minor units (agorot for ILS), never as float.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.extensions import db
from budget_app.i18n import localized
from budget_app.utils import utcnow

# Phases, in order. Transitions are explicit service actions (see services.TRANSITIONS).
PHASE_PREPARING = "preparing"
PHASE_VOTING = "voting"
PHASE_DECIDED = "decided"
PHASE_APPROVED = "approved"
PHASE_EXECUTING = "executing"
PHASE_CLOSED = "closed"
PHASES = (PHASE_PREPARING, PHASE_VOTING, PHASE_DECIDED, PHASE_APPROVED, PHASE_EXECUTING, PHASE_CLOSED)
PHASE_LABELS = {
    PHASE_PREPARING: _l("Preparing"),
    PHASE_VOTING: _l("Voting"),
    PHASE_DECIDED: _l("Decided"),
    PHASE_APPROVED: _l("Approved"),
    PHASE_EXECUTING: _l("Executing"),
    PHASE_CLOSED: _l("Closed"),
}

METHOD_APPROVAL = "approval"
METHOD_COST_LIMITED = "cost_limited"
METHOD_CUMULATIVE = "cumulative"
METHOD_RANKED = "ranked"
METHODS = (METHOD_APPROVAL, METHOD_COST_LIMITED, METHOD_CUMULATIVE, METHOD_RANKED)
METHOD_LABELS = {
    METHOD_APPROVAL: _l("Approval: choose the proposals you support"),
    METHOD_COST_LIMITED: _l("Cost-limited: choose a set that fits the envelope"),
    METHOD_CUMULATIVE: _l("Cumulative: share a number of points"),
    METHOD_RANKED: _l("Ranked: rank your top choices"),
}
METHOD_SHORT_LABELS = {
    METHOD_APPROVAL: _l("Approval"),
    METHOD_COST_LIMITED: _l("Cost-limited"),
    METHOD_CUMULATIVE: _l("Cumulative points"),
    METHOD_RANKED: _l("Ranked"),
}
# How each ballot method is handed to the tally engine.
METHOD_BALLOT_KIND = {METHOD_APPROVAL: "approval", METHOD_COST_LIMITED: "approval",
                      METHOD_CUMULATIVE: "cumulative", METHOD_RANKED: "ordinal"}

RULE_LABELS = {
    "greedy": _l("Greedy by votes"),
    "mes": _l("Method of Equal Shares"),
    "mes-add1": _l("Method of Equal Shares (add-one completion)"),
    "phragmen": _l("Sequential Phragmén"),
}

BALLOT_ONLINE = "online"
BALLOT_PAPER = "paper"
BALLOT_IMPORTED = "imported"
BALLOT_SOURCE_LABELS = {BALLOT_ONLINE: _l("Online"), BALLOT_PAPER: _l("Paper"), BALLOT_IMPORTED: _l("Imported")}

APPROVAL_CHOICES = ("yes", "no", "abstain")
APPROVAL_CHOICE_LABELS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}


class BudgetCycle(db.Model):
    """One council's budget for one fiscal year: envelope, funding, proposals, vote and decision."""

    __tablename__ = "budget_cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    title_ar: Mapped[str] = mapped_column(String(250))
    title_en: Mapped[str] = mapped_column(String(250), default="")
    description_ar: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3), default="ILS")
    envelope_minor: Mapped[int] = mapped_column(BigInteger)
    phase: Mapped[str] = mapped_column(String(20), default=PHASE_PREPARING, index=True)

    # Voting rules (frozen when voting opens).
    ballot_method: Mapped[str] = mapped_column(String(20), default=METHOD_APPROVAL)
    max_choices: Mapped[int | None] = mapped_column(Integer, nullable=True)  # approval at most N; ranked top N
    points_total: Mapped[int | None] = mapped_column(Integer, nullable=True)  # cumulative K
    min_spend_pct: Mapped[int | None] = mapped_column(Integer, nullable=True)  # cost-limited minimum share
    tally_rule: Mapped[str] = mapped_column(String(20), default="greedy")
    mes_completion: Mapped[bool] = mapped_column(Boolean, default=True)
    approval_quorum_pct: Mapped[int] = mapped_column(Integer, default=50)

    voting_opened_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    voting_closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    rules_json: Mapped[str] = mapped_column(Text, default="")  # canonical frozen rules + proposals
    fingerprint: Mapped[str] = mapped_column(String(64), default="")

    # Stored tally (computed once at close; never recomputed per request).
    tally_json: Mapped[str] = mapped_column(Text, default="")
    tallied_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    # The director's override of the computed set, with its public reason.
    override_json: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    overridden_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    overridden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)

    approval_result_json: Mapped[str] = mapped_column(Text, default="")
    approved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    source: Mapped[str] = mapped_column(String(250), default="")  # e.g. the imported .pb file's name
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    council = relationship("Council")
    funding = relationship("CycleFunding", back_populates="cycle", cascade="all, delete-orphan",
                           order_by="CycleFunding.id")
    proposals = relationship("AllocationProposal", back_populates="cycle", cascade="all, delete-orphan",
                             order_by="AllocationProposal.code")

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def phase_label(self) -> str:
        return str(PHASE_LABELS.get(self.phase, self.phase))

    @property
    def method_label(self) -> str:
        return str(METHOD_SHORT_LABELS.get(self.ballot_method, self.ballot_method))

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS.get(self.tally_rule, self.tally_rule))

    @property
    def is_frozen(self) -> bool:
        """Rules and proposals can no longer change once voting has opened."""
        return self.phase != PHASE_PREPARING

    @property
    def voting_closed(self) -> bool:
        return PHASES.index(self.phase) >= PHASES.index(PHASE_DECIDED)

    @property
    def funding_total_minor(self) -> int:
        return sum(f.amount_minor for f in self.funding)

    @property
    def funding_gap_minor(self) -> int:
        """Envelope minus the funding sources (positive: not yet covered; negative: over)."""
        return self.envelope_minor - self.funding_total_minor

    @property
    def tally(self) -> dict | None:
        return json.loads(self.tally_json) if self.tally_json else None

    @property
    def override(self) -> dict | None:
        return json.loads(self.override_json) if self.override_json else None

    @property
    def approval_result(self) -> dict | None:
        return json.loads(self.approval_result_json) if self.approval_result_json else None

    def final_selected_codes(self) -> list[str]:
        """Budget-line codes of the allocation: the override if any, else the computed set."""
        if self.override:
            return list(self.override["selected"])
        if self.tally:
            return list(self.tally["main"]["selected"])
        return []

    # Permissions ---------------------------------------------------------
    def can_vote(self, user) -> bool:
        """Every council membership (member, coordinator, director) may vote online while voting is open."""
        return self.phase == PHASE_VOTING and self.council.is_member(user)

    def __repr__(self) -> str:
        return f"<BudgetCycle {self.id} {self.fiscal_year}>"


class CycleFunding(db.Model):
    """One funding source of the envelope with its amount."""

    __tablename__ = "cycle_funding"
    __table_args__ = (UniqueConstraint("cycle_id", "funding_source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("budget_cycle.id", ondelete="CASCADE"), index=True)
    funding_source_id: Mapped[int] = mapped_column(ForeignKey("funding_source.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)

    cycle = relationship("BudgetCycle", back_populates="funding")
    funding_source = relationship("FundingSource")


allocation_proposal_target_group = Table(
    "allocation_proposal_target_group",
    db.metadata,
    Column("proposal_id", ForeignKey("allocation_proposal.id", ondelete="CASCADE"), primary_key=True),
    Column("target_group_id", ForeignKey("target_group.id", ondelete="CASCADE"), primary_key=True),
)

allocation_proposal_priority = Table(
    "allocation_proposal_priority",
    db.metadata,
    Column("proposal_id", ForeignKey("allocation_proposal.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True),
)


class AllocationProposal(db.Model):
    """A costed proposal that members vote on; identified within its cycle by its budget-line code."""

    __tablename__ = "allocation_proposal"
    __table_args__ = (UniqueConstraint("cycle_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("budget_cycle.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    # Budget-line code (programme/activity), e.g. "P03-A12": the key for re-imports.
    code: Mapped[str] = mapped_column(String(60))
    title_ar: Mapped[str] = mapped_column(String(250))
    title_en: Mapped[str] = mapped_column(String(250), default="")
    description_ar: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"), nullable=True, index=True)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"), nullable=True, index=True)
    cost_minor: Mapped[int] = mapped_column(BigInteger)
    # Proposals sharing a non-empty group label are mutually exclusive (e.g. the same site).
    exclusive_group: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    cycle = relationship("BudgetCycle", back_populates="proposals")
    sector = relationship("Sector")
    locality = relationship("Locality")
    target_groups = relationship("TargetGroup", secondary=allocation_proposal_target_group,
                                 order_by="TargetGroup.sort_order")
    priorities = relationship("Priority", secondary=allocation_proposal_priority, order_by="Priority.id")
    funding = relationship("ProposalFunding", back_populates="proposal", cascade="all, delete-orphan",
                           order_by="ProposalFunding.id")

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")


class ProposalFunding(db.Model):
    """How a proposal's cost is split across funding sources."""

    __tablename__ = "proposal_funding"
    __table_args__ = (UniqueConstraint("proposal_id", "funding_source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("allocation_proposal.id", ondelete="CASCADE"), index=True)
    funding_source_id: Mapped[int] = mapped_column(ForeignKey("funding_source.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)

    proposal = relationship("AllocationProposal", back_populates="funding")
    funding_source = relationship("FundingSource")


class Ballot(db.Model):
    """One voter's ballot: online (one per member per cycle, the latest counts), paper or imported."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("cycle_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("budget_cycle.id", ondelete="CASCADE"), index=True)
    # NULL for paper and imported ballots (the unique constraint lets NULLs repeat).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    source: Mapped[str] = mapped_column(String(10), default=BALLOT_ONLINE)
    # Random, listed publicly after close; not personal data. NULL for imported ballots.
    receipt_code: Mapped[str | None] = mapped_column(String(16), unique=True, nullable=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), nullable=True)
    meeting_label: Mapped[str] = mapped_column(String(250), default="")
    meeting_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow, nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow, nullable=True)

    cycle = relationship("BudgetCycle")
    user = relationship("User", foreign_keys=[user_id])
    meeting = relationship("Meeting")
    items = relationship("BallotItem", cascade="all, delete-orphan", order_by="BallotItem.rank",
                         passive_deletes=True)


class BallotItem(db.Model):
    """One proposal on a ballot: ``points`` (1 for approval) and ``rank`` (1 = first) for ranked ballots."""

    __tablename__ = "ballot_item"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("allocation_proposal.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)
    points: Mapped[int] = mapped_column(Integer, default=1)
    rank: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ApprovalVote(db.Model):
    """A council member's yes/no/abstain on the final allocation."""

    __tablename__ = "allocation_approval_vote"
    __table_args__ = (UniqueConstraint("cycle_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("budget_cycle.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User")
