"""The feasibility review of allocation proposals, between preparing and voting (issue 15 §3).

The directorate's technical staff (the council role "reviewer") record for each proposal:
feasible, feasible with changes (a revised cost and what changes), or not feasible, always with
a reason. Voting cannot open while a proposal is unreviewed. A proposal found not feasible stays
off the ballot and is listed publicly with its reason; one feasible with changes is voted on at
its revised cost (the cost asked for is kept in the review). The reviews are frozen with the
rules, inside the fingerprint (``rules.canonical_rules``). A change the director makes to a
reviewed proposal clears its review: what was reviewed is no longer what would be voted on.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from budget_app import audit
from budget_app.cycles.errors import CycleError
from budget_app.cycles.models import (REVIEW_FEASIBLE, REVIEW_NOT_FEASIBLE, REVIEW_OUTCOMES, REVIEW_WITH_CHANGES,
                                      AllocationProposal, BudgetCycle, ProposalReview)
from budget_app.cycles.rules import ensure_not_frozen
from budget_app.extensions import db
from budget_app.i18n import format_number
from budget_app.utils import utcnow

REASON_MAX = 5000

# What the review judged: changing one of these afterwards clears the review.
REVIEWED_FIELDS = ("code", "title_ar", "title_en", "description_ar", "description_en", "sector_id", "locality_id",
                   "cost_minor", "exclusive_group")


def review_proposal(proposal: AllocationProposal, user, *, outcome: str, reason: str, changes: str = "",
                    revised_cost_minor: int | None = None) -> ProposalReview:
    """Record (or replace) the review of ``proposal``; refused once voting has opened.

    "Feasible with changes" needs what changes and a revised cost, which becomes the proposal's
    cost (the cost first asked for is kept and restored if a later review drops the changes)."""
    cycle = proposal.cycle
    ensure_not_frozen(cycle)
    if outcome not in REVIEW_OUTCOMES:
        raise CycleError(_("Choose feasible, feasible with changes or not feasible."), field="outcome")
    reason = (reason or "").strip()
    changes = (changes or "").strip()
    if not reason:
        raise CycleError(_("Give the reason for the review; it is shown publicly."), field="reason")
    if len(reason) > REASON_MAX or len(changes) > REASON_MAX:
        raise CycleError(_("Keep the text under %(n)s characters.", n=format_number(REASON_MAX)), field="reason")
    review = proposal.review
    original = review.original_cost_minor if review is not None else proposal.cost_minor
    if outcome == REVIEW_WITH_CHANGES:
        if not changes:
            raise CycleError(_("Say what has to change."), field="changes")
        if revised_cost_minor is None or revised_cost_minor <= 0:
            raise CycleError(_("Give the revised cost."), field="revised_cost")
        cost = revised_cost_minor
    else:
        changes, revised_cost_minor, cost = "", None, original
    if review is None:
        review = ProposalReview(cycle_id=cycle.id, original_cost_minor=original)
        proposal.review = review
        action = "proposal.review"
    else:
        action = "proposal.review_change"
    review.outcome, review.reason, review.changes = outcome, reason, changes
    review.revised_cost_minor = revised_cost_minor
    review.reviewer_id = getattr(user, "id", None)
    review.reviewed_at = utcnow()
    _rescale_funding(proposal, proposal.cost_minor, cost)
    proposal.cost_minor = cost
    db.session.flush()
    audit.record(action, proposal, actor=user, code=proposal.code, outcome=outcome, reason=reason,
                 original_cost_minor=original, revised_cost_minor=revised_cost_minor)
    return review


def _rescale_funding(proposal: AllocationProposal, old_cost: int, new_cost: int) -> None:
    """A revised cost moves the funding split with it, each source keeping its share (the last
    source takes the rounding), so a fully funded proposal stays fully funded and none is funded
    beyond its cost."""
    rows = list(proposal.funding)
    if old_cost == new_cost or not rows or old_cost <= 0:
        return
    total = sum(f.amount_minor for f in rows)
    target = total * new_cost // old_cost
    for f in rows[:-1]:
        f.amount_minor = f.amount_minor * new_cost // old_cost
    rows[-1].amount_minor = target - sum(f.amount_minor for f in rows[:-1])


def clear_review(proposal: AllocationProposal, user=None) -> None:
    """Drop the review of a proposal the director changed (called by ``save_proposal``)."""
    review = proposal.review
    if review is None:
        return
    audit.record("proposal.review_cleared", proposal, actor=user, code=proposal.code, outcome=review.outcome)
    proposal.review = None
    db.session.flush()


def unreviewed(cycle: BudgetCycle) -> list[AllocationProposal]:
    return [p for p in cycle.proposals if p.review is None]


def not_feasible(cycle: BudgetCycle) -> list[AllocationProposal]:
    """The proposals kept off the ballot, with their review (listed publicly with the reason)."""
    return [p for p in cycle.proposals if not p.on_ballot]


def check_reviewed(cycle: BudgetCycle) -> None:
    """Before voting opens: every proposal reviewed, and at least two feasible ones for the ballot."""
    waiting = unreviewed(cycle)
    if waiting:
        codes = ", ".join(p.code for p in waiting[:10]) + ("…" if len(waiting) > 10 else "")
        raise CycleError(ngettext("Voting cannot open yet: %(num)s proposal awaits its feasibility review (%(codes)s).",
                                  "Voting cannot open yet: %(num)s proposals await their feasibility review "
                                  "(%(codes)s).", len(waiting), codes=codes))
    if len(cycle.ballot_proposals) < 2:
        raise CycleError(_("Voting needs at least two proposals found feasible by the review."))


def review_summary(cycle: BudgetCycle) -> dict:
    """How many proposals are reviewed, by outcome, and how many wait."""
    counts = dict.fromkeys(REVIEW_OUTCOMES, 0)
    waiting = 0
    for p in cycle.proposals:
        if p.review is None:
            waiting += 1
        else:
            counts[p.review.outcome] += 1
    return {**counts, "waiting": waiting, "total": len(cycle.proposals)}


def review_all_feasible(cycle: BudgetCycle, user, reason: str) -> int:
    """Every unreviewed proposal found feasible with one reason (demo data, imported votes, tests
    that are not about the review). Returns how many were reviewed."""
    waiting = unreviewed(cycle)
    for proposal in waiting:
        review_proposal(proposal, user, outcome=REVIEW_FEASIBLE, reason=reason)
    return len(waiting)


__all__ = ["REVIEW_FEASIBLE", "REVIEW_NOT_FEASIBLE", "REVIEW_WITH_CHANGES", "check_reviewed", "clear_review",
           "not_feasible", "review_all_feasible", "review_proposal", "review_summary", "unreviewed"]
