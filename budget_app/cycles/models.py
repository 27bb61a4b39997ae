"""Budget cycles, allocation proposals, ballots and the council's approval of the allocation.

Money is stored as INTEGER minor units (agorot for ILS), never as float.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.cycles import methods
from budget_app.extensions import db
from budget_app.i18n import localized
from budget_app.tally.rules import TALLY_RULES, completes
from budget_app.utils import utcnow

# Phases, in order. Transitions are explicit service actions (see lifecycle.TRANSITIONS).
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

# The rules' names on the council's pages, from the one table of rules (budget_app.tally.rules).
RULE_LABELS = {key: _l(rule.label) for key, rule in TALLY_RULES.items()}

BALLOT_ONLINE = "online"
BALLOT_PAPER = "paper"
BALLOT_IMPORTED = "imported"
BALLOT_SOURCE_LABELS = {BALLOT_ONLINE: _l("Online"), BALLOT_PAPER: _l("Paper"), BALLOT_IMPORTED: _l("Imported")}

# The feasibility review of a proposal by the directorate's technical staff, before voting.
REVIEW_FEASIBLE = "feasible"
REVIEW_WITH_CHANGES = "feasible_with_changes"
REVIEW_NOT_FEASIBLE = "not_feasible"
REVIEW_OUTCOMES = (REVIEW_FEASIBLE, REVIEW_WITH_CHANGES, REVIEW_NOT_FEASIBLE)
REVIEW_OUTCOME_LABELS = {
    REVIEW_FEASIBLE: _l("Feasible"),
    REVIEW_WITH_CHANGES: _l("Feasible with changes"),
    REVIEW_NOT_FEASIBLE: _l("Not feasible"),
}

# Structured state the application reads whole (never queried inside): decoded once when the row
# loads, None until it is set (SQL NULL, not JSON null). Plain JSON on PostgreSQL, not JSONB: JSONB
# reorders an object's keys, and the order of the tally's keys is the order its pages show (the
# rules compared, the explanations); nothing filters or indexes on these values.
JSON_STATE = JSON(none_as_null=True)


def json_state(value):
    """``value`` as it reads back from a JSON column (what is not JSON becomes its text, keys become
    strings), so that the object in memory and the row agree before the row is read again."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


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
    ballot_method: Mapped[str] = mapped_column(String(20), default=methods.DEFAULT)  # a key of methods.METHODS
    max_choices: Mapped[int | None] = mapped_column(Integer, nullable=True)  # approval at most N; ranked top N
    points_total: Mapped[int | None] = mapped_column(Integer, nullable=True)  # cumulative K
    min_spend_pct: Mapped[int | None] = mapped_column(Integer, nullable=True)  # cost-limited minimum share
    tally_rule: Mapped[str] = mapped_column(String(20), default="greedy")
    mes_completion: Mapped[bool] = mapped_column(Boolean, default=True)
    # Frozen with the rules when voting opens (see lifecycle.open_voting): the quorum, and the
    # electorate of the council's approval vote as {"user_ids": [...], "source": ..., "frozen_at": ...}.
    approval_quorum_pct: Mapped[int] = mapped_column(Integer, default=50)
    electorate_json: Mapped[str] = mapped_column(Text, default="")

    voting_opened_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    voting_closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Text, not JSON: the canonical frozen rules + proposals, hashed into the fingerprint, must stay
    # byte for byte what was hashed (a JSON column would re-serialize them). The electorate above
    # stays canonical text too: frozen with the rules and written once (see migration 0011).
    rules_json: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str] = mapped_column(String(64), default="")

    # Stored tally (computed once at close; never recomputed per request).
    tally_json: Mapped[dict | None] = mapped_column(JSON_STATE, nullable=True)
    tallied_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    # The director's override of the computed set, with its public reason.
    override_json: Mapped[dict | None] = mapped_column(JSON_STATE, nullable=True)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    overridden_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    overridden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)

    approval_result_json: Mapped[dict | None] = mapped_column(JSON_STATE, nullable=True)
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
    def method(self) -> methods.BallotMethod:
        """The ballot method object (labels, form, checks, tally kind): see ``budget_app.cycles.methods``."""
        return methods.METHODS[self.ballot_method]

    @property
    def method_label(self) -> str:
        method = methods.get(self.ballot_method)
        return str(method.short_label) if method else self.ballot_method

    @property
    def completion_applies(self) -> bool:
        """The rule is completed with greedy (spending what is left): the option is on and applies."""
        return bool(self.mes_completion) and completes(self.tally_rule)

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
    def ballot_proposals(self) -> list:
        """The proposals on the ballot: all but those the review found not feasible."""
        return [p for p in self.proposals if p.on_ballot]

    @property
    def funding_total_minor(self) -> int:
        return sum(f.amount_minor for f in self.funding)

    @property
    def funding_gap_minor(self) -> int:
        """Envelope minus the funding sources (positive: not yet covered; negative: over)."""
        return self.envelope_minor - self.funding_total_minor

    # The JSON columns are decoded once, when the row loads (a page reads ``cycle.tally`` once per
    # proposal row). Their values are shared: read them, do not change them in place (a change in
    # place is not saved); assign a new value instead.
    @property
    def tally(self) -> dict | None:
        return self.tally_json or None

    @property
    def override(self) -> dict | None:
        return self.override_json or None

    @property
    def electorate(self) -> dict | None:
        """The frozen electorate of the approval vote, or None before voting opens."""
        raw = self.electorate_json
        if not raw:
            return None
        cache = self.__dict__.setdefault("_decoded_electorate", [None, None])
        if cache[0] is not raw:  # decoded once per text
            cache[:] = [raw, json.loads(raw)]
        return cache[1]

    @property
    def electorate_ids(self) -> frozenset[int] | None:
        data = self.electorate
        return frozenset(int(i) for i in data["user_ids"]) if data is not None else None

    @property
    def approval_result(self) -> dict | None:
        return self.approval_result_json or None

    def decision_key(self) -> tuple:
        """What a reading of the stored tally and override depends on, for the caches of what is
        computed from them: the cycle, its frozen rules (fingerprint), when it was tallied (a tally
        is computed once), and the override's content."""
        override = json.dumps(self.override_json, sort_keys=True) if self.override_json else ""
        return (self.id, self.fingerprint, self.tallied_at, override)

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

    def can_view_ballot(self, user) -> bool:
        """The ballot and the council's approval vote are shown to the members (and administrators)."""
        return self.council.is_member(user) or bool(getattr(user, "is_admin", False))

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
    # Who proposes and who would carry it out, from the council's partner directory: members who
    # represent either are flagged for a declaration of interest before the approval vote.
    proposing_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_organization.id", ondelete="SET NULL"), nullable=True)
    implementing_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_organization.id", ondelete="SET NULL"), nullable=True)
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
    review = relationship("ProposalReview", back_populates="proposal", uselist=False, cascade="all, delete-orphan",
                          lazy="selectin")
    proposing_organization = relationship("PartnerOrganization", foreign_keys=[proposing_organization_id])
    implementing_organization = relationship("PartnerOrganization", foreign_keys=[implementing_organization_id])

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def on_ballot(self) -> bool:
        """Not found "not feasible" by the review (cycles voted before reviews existed have none)."""
        return self.review is None or self.review.outcome != REVIEW_NOT_FEASIBLE


class ProposalReview(db.Model):
    """The feasibility review of one proposal, recorded by a technical reviewer while the cycle is
    prepared. "Feasible with changes" sets the proposal's cost to the revised cost (the cost asked
    for is kept here); "not feasible" keeps the proposal off the ballot, its reason shown publicly.
    Frozen with the rules (inside the fingerprint) when voting opens."""

    __tablename__ = "proposal_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("allocation_proposal.id", ondelete="CASCADE"), unique=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("budget_cycle.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text, default="")
    original_cost_minor: Mapped[int] = mapped_column(BigInteger)
    revised_cost_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    proposal = relationship("AllocationProposal", back_populates="review")
    reviewer = relationship("User")

    @property
    def outcome_label(self) -> str:
        return str(REVIEW_OUTCOME_LABELS.get(self.outcome, self.outcome))


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


class InterestDeclaration(db.Model):
    """A member's declaration of interest before the council's approval vote: none, or an interest
    in the listed proposals (budget-line codes). A member who declares an interest is recused:
    they do not vote on the allocation and do not count toward its quorum."""

    __tablename__ = "interest_declaration"
    __table_args__ = (UniqueConstraint("cycle_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("budget_cycle.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    has_interest: Mapped[bool] = mapped_column(Boolean, default=False)
    proposal_codes_json: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User")

    @property
    def proposal_codes(self) -> list[str]:
        return list(json.loads(self.proposal_codes_json or "[]"))
