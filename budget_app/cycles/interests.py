"""Declared conflicts of interest before the council's approval vote (issue 15 §4).

A proposal records its proposing and implementing organizations from the council's partner
directory; a member whose membership represents one of them is *flagged* on that proposal. Before
the approval vote each member of the frozen electorate declares: no interest, or an interest in
some proposals. A member who declares an interest is *recused*: their approval vote is not asked
for (nor counted), and they do not count toward the quorum (``approval.approval_tally``). Members
flagged but not declaring are listed for the coordinator. Every declaration is audited.
"""
from __future__ import annotations

import json

from flask_babel import gettext as _
from sqlalchemy import select

from budget_app import audit
from budget_app.auth.models import User
from budget_app.cycles.errors import CycleError
from budget_app.cycles.models import (PHASE_DECIDED, PHASE_VOTING, AllocationProposal, ApprovalVote, BudgetCycle,
                                      InterestDeclaration)
from budget_app.extensions import db
from budget_app.tenancy import SEAT_ROLES, Membership
from budget_app.utils import utcnow

DECLARING_PHASES = (PHASE_VOTING, PHASE_DECIDED)
NOTE_MAX = 2000


def declarations_of(cycle: BudgetCycle) -> dict[int, InterestDeclaration]:
    """The cycle's declarations by user id."""
    return {d.user_id: d for d in InterestDeclaration.query.filter_by(cycle_id=cycle.id)}


def recused_ids(cycle: BudgetCycle) -> frozenset[int]:
    """Members who declared an interest: recused from the approval vote and its quorum."""
    return frozenset(r[0] for r in db.session.execute(
        select(InterestDeclaration.user_id).where(InterestDeclaration.cycle_id == cycle.id,
                                                  InterestDeclaration.has_interest.is_(True))))


def flagged_members(cycle: BudgetCycle) -> dict[int, list[str]]:
    """``{user_id: [codes]}``: members of the council representing an organization that proposes or
    implements one of the ballot's proposals, with those proposals' codes."""
    by_org: dict[int, set[str]] = {}
    for p in cycle.ballot_proposals:
        for org_id in {p.proposing_organization_id, p.implementing_organization_id} - {None}:
            by_org.setdefault(org_id, set()).add(p.code)
    if not by_org:
        return {}
    rows = db.session.execute(select(Membership.user_id, Membership.partner_organization_id).where(
        Membership.council_id == cycle.council_id, Membership.role.in_(SEAT_ROLES),
        Membership.partner_organization_id.in_(list(by_org))))
    flagged: dict[int, set[str]] = {}
    for user_id, org_id in rows:
        flagged.setdefault(user_id, set()).update(by_org[org_id])
    return {uid: sorted(codes) for uid, codes in flagged.items()}


def declare_interest(cycle: BudgetCycle, user, *, has_interest: bool, codes=(), note: str = "",
                     electorate=None) -> InterestDeclaration:
    """Record (or change) ``user``'s declaration for ``cycle``'s approval vote. An interest needs the
    proposals concerned; declaring one withdraws the member's approval vote, if cast."""
    if cycle.phase not in DECLARING_PHASES:
        raise CycleError(_("Declarations of interest are made while voting is open or before the council "
                           "approves the allocation."))
    if electorate is not None and user.id not in electorate:
        raise CycleError(_("Only the council's members at the time voting opened declare their interests."))
    known = {p.code for p in cycle.ballot_proposals}
    codes = sorted({str(c) for c in codes})
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise CycleError(_("Unknown proposal: %(code)s.", code=", ".join(unknown)), field="codes")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise CycleError(_("Keep the text under %(n)s characters.", n=NOTE_MAX), field="note")
    if has_interest and not codes:
        raise CycleError(_("Tick the proposals you have an interest in."), field="codes")
    if not has_interest:
        codes = []
    declaration = InterestDeclaration.query.filter_by(cycle_id=cycle.id, user_id=user.id).first()
    if declaration is None:
        declaration = InterestDeclaration(cycle_id=cycle.id, user_id=user.id)
        db.session.add(declaration)
    declaration.has_interest = bool(has_interest)
    declaration.proposal_codes_json = json.dumps(codes)
    declaration.note = note
    declaration.declared_at = utcnow()
    withdrawn = 0
    if has_interest:
        withdrawn = ApprovalVote.query.filter_by(cycle_id=cycle.id, user_id=user.id).delete()
    db.session.flush()
    audit.record("cycle.declare_interest", cycle, actor=user, has_interest=bool(has_interest), codes=codes,
                 vote_withdrawn=bool(withdrawn))
    return declaration


def declarations_view(cycle: BudgetCycle, electorate) -> dict:
    """What the approval page shows: each declaration with the member, who is recused, and the
    members flagged by their organization who have not declared (for the coordinator)."""
    declared = declarations_of(cycle)
    flagged = {uid: codes for uid, codes in flagged_members(cycle).items() if uid in electorate}
    ids = set(declared) | set(flagged)
    users = {u.id: u for u in User.query.filter(User.id.in_(list(ids) or [0]))}
    titles = {p.code: p.title for p in cycle.proposals}
    rows = sorted(declared.values(), key=lambda d: (not d.has_interest, users[d.user_id].name))
    return {
        "declarations": [{"user": users[d.user_id], "has_interest": d.has_interest, "codes": d.proposal_codes,
                          "titles": [titles.get(c, c) for c in d.proposal_codes], "note": d.note,
                          "flagged": flagged.get(d.user_id, [])} for d in rows],
        "recused": [users[d.user_id] for d in rows if d.has_interest],
        "undeclared_flagged": [{"user": users[uid], "codes": codes} for uid, codes in sorted(flagged.items())
                               if uid not in declared],
        "flagged": flagged,
    }


def organizations_of(proposal: AllocationProposal) -> list:
    return [o for o in (proposal.proposing_organization, proposal.implementing_organization) if o is not None]
