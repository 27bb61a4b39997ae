"""The final allocation: the director's override and the council's approval vote, counted
against the electorate frozen when voting opened."""
from __future__ import annotations

import math

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from budget_app import audit
from budget_app.cycles.errors import CycleError
from budget_app.cycles.models import (APPROVAL_CHOICES, PHASE_APPROVED, PHASE_DECIDED, PHASE_PREPARING, ApprovalVote,
                                      BudgetCycle, json_state)
from budget_app.cycles.interests import recused_ids
from budget_app.cycles.proposals import exclusive_groups
from budget_app.cycles.rules import ELECTORATE_AT_FIRST_USE, current_member_ids, electorate_json
from budget_app.cycles.tallying import funded_report
from budget_app.extensions import db
from budget_app.i18n import format_money, format_number
from budget_app.transaction import retry_on_conflict
from budget_app.utils import utcnow


def override_selection(cycle: BudgetCycle, user, selected_codes, reason: str) -> BudgetCycle:
    """The director replaces the computed set; the reason is recorded and shown publicly.
    Approval votes already cast are cleared: they were about another allocation."""
    if cycle.phase != PHASE_DECIDED:
        raise CycleError(_("The allocation can be changed only after the tally and before the council approves."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise CycleError(_("Explain the reason for the change (at least 10 characters); it is shown publicly."),
                         field="reason")
    proposals = {p.code: p for p in cycle.ballot_proposals}
    codes = sorted(set(selected_codes))
    unknown = [c for c in codes if c not in proposals]
    if unknown:
        raise CycleError(_("Unknown proposal: %(code)s.", code=", ".join(unknown)))
    total = sum(proposals[c].cost_minor for c in codes)
    if total > cycle.envelope_minor:
        raise CycleError(_("The chosen allocation costs %(total)s, more than the envelope of %(envelope)s.",
                           total=format_money(total, cycle.currency),
                           envelope=format_money(cycle.envelope_minor, cycle.currency)))
    for group in exclusive_groups(proposals.values()):
        both = [c for c in group if c in codes]
        if len(both) > 1:
            raise CycleError(_("Proposals %(codes)s are mutually exclusive: choose only one of them.",
                               codes=", ".join(both)))
    computed = cycle.tally["main"]["selected"] if cycle.tally else []
    if set(codes) == set(computed):
        cycle.override_json = None
        cycle.override_reason = ""
    else:
        # The fairness report of the set actually funded, beside the rule's (shown side by side).
        cycle.override_json = json_state({"selected": codes, "added": sorted(set(codes) - set(computed)),
                                          "removed": sorted(set(computed) - set(codes)),
                                          **funded_report(cycle, codes)})
        cycle.override_reason = reason
    cycle.overridden_at = utcnow()
    cycle.overridden_by_id = getattr(user, "id", None)
    ApprovalVote.query.filter_by(cycle_id=cycle.id).delete()
    db.session.flush()
    audit.record("cycle.override", cycle, actor=user, selected=codes, reason=reason)
    return cycle


def frozen_electorate(cycle: BudgetCycle, *, store: bool = True) -> frozenset[int]:
    """The user ids who may vote on the allocation and count for the quorum, frozen when voting opened.

    A cycle past that point without one (frozen before electorates existed and missed by the
    migration) gets today's membership, stored once (``store``) so later changes cannot move it."""
    ids = cycle.electorate_ids
    if ids is not None:
        return ids
    if cycle.phase == PHASE_PREPARING:
        return frozenset(current_member_ids(cycle.council_id))
    members = current_member_ids(cycle.council_id)
    if store:
        cycle.electorate_json = electorate_json(members, ELECTORATE_AT_FIRST_USE)
        db.session.flush()
    return frozenset(members)


def cast_approval_vote(cycle: BudgetCycle, user, choice: str) -> ApprovalVote:
    """A council member's yes/no/abstain on the final allocation (changeable until it is approved)."""
    if cycle.phase != PHASE_DECIDED:
        raise CycleError(_("The council vote on the allocation is not open."))
    if choice not in APPROVAL_CHOICES:
        raise CycleError(_("Choose yes, no or abstain."))
    if user.id not in frozen_electorate(cycle):
        raise CycleError(_("Only the council's members at the time voting opened may vote on the allocation."))
    if user.id in recused_ids(cycle):
        raise CycleError(_("You declared an interest in this allocation: you are recused from the council's vote "
                           "on it and do not count toward its quorum."))
    cycle_id, user_id = cycle.id, user.id

    def write() -> ApprovalVote:
        vote = ApprovalVote.query.filter_by(cycle_id=cycle_id, user_id=user_id).populate_existing().first()
        if vote is None:
            vote = ApprovalVote(cycle_id=cycle_id, user_id=user_id, choice=choice)
            db.session.add(vote)
        else:
            vote.choice = choice
        db.session.flush()  # the same member's other vote may have been inserted meanwhile: retried
        return vote

    vote = retry_on_conflict(write, conflicts=(IntegrityError, OperationalError), backoff=0.05)
    audit.record("cycle.approval_vote", vote, council_id=cycle.council_id, actor=user, cycle_id=cycle.id,
                 choice=choice)
    return vote


def approval_tally(cycle: BudgetCycle) -> dict:
    """Yes/no/abstain counts of the frozen electorate, its size ("members") and the quorum needed.

    Members who declared an interest are recused: they are not among the "members" the quorum is
    computed from, and a vote of theirs is not counted ("recused" says how many they are). Votes of
    anyone outside the electorate are not counted either ("ignored" says how many there are)."""
    recused = recused_ids(cycle) & frozen_electorate(cycle, store=False)
    electorate = frozen_electorate(cycle, store=False) - recused
    counts = dict.fromkeys(APPROVAL_CHOICES, 0)
    ignored = 0
    for user_id, choice in db.session.execute(select(ApprovalVote.user_id, ApprovalVote.choice).where(
            ApprovalVote.cycle_id == cycle.id)):
        if user_id in electorate:
            counts[choice] += 1
        elif user_id not in recused:
            ignored += 1
    members = len(electorate)
    quorum = max(1, math.ceil(members * (cycle.approval_quorum_pct or 0) / 100))
    cast = sum(counts.values())
    return {**counts, "cast": cast, "members": members, "quorum": quorum, "quorum_pct": cycle.approval_quorum_pct,
            "ignored": ignored, "recused": len(recused), "quorum_met": cast >= quorum,
            "approved": cast >= quorum and counts["yes"] > counts["no"]}


def approve_allocation(cycle: BudgetCycle, user=None) -> BudgetCycle:
    """decided → approved, when the council's vote reached the quorum and more said yes than no."""
    if cycle.phase != PHASE_DECIDED:
        raise CycleError(_("Only a decided allocation can be approved."))
    frozen_electorate(cycle)
    result = approval_tally(cycle)
    if not result["quorum_met"]:
        raise CycleError(ngettext("The quorum is not reached: %(cast)s of %(num)s member voted, %(quorum)s are needed.",
                                  "The quorum is not reached: %(cast)s of %(num)s members voted, %(quorum)s are needed.",
                                  result["members"], cast=format_number(result["cast"]), quorum=format_number(result["quorum"])))
    if not result["approved"]:
        raise CycleError(_("The council did not approve the allocation: %(yes)s yes, %(no)s no, %(abstain)s "
                           "abstentions.", yes=result["yes"], no=result["no"], abstain=result["abstain"]))
    cycle.approval_result_json = json_state(result)
    cycle.approved_at = utcnow()
    cycle.phase = PHASE_APPROVED
    db.session.flush()
    audit.record("cycle.approve", cycle, actor=user, final=cycle.final_selected_codes(), **{
        k: result[k] for k in ("yes", "no", "abstain", "members", "quorum", "ignored", "recused")})
    return cycle

