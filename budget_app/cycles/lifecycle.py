"""A budget cycle's life: creating and editing it while it is prepared, then the phase machine
preparing → voting → decided → approved → executing → closed, and the tasks it gives people."""
from __future__ import annotations


from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from budget_app import audit
from budget_app.cycles import methods, notices
from budget_app.cycles.approval import approve_allocation, frozen_electorate
from budget_app.cycles.errors import CycleError
from budget_app.cycles.models import (PHASE_APPROVED, PHASE_CLOSED, PHASE_DECIDED, PHASE_EXECUTING, PHASE_PREPARING, PHASE_VOTING,
                                      AllocationProposal, ApprovalVote, Ballot, BudgetCycle, CycleFunding,
                                      ProposalReview, json_state)
from budget_app.cycles.proposals import int_ids
from budget_app.cycles.review import check_reviewed, not_feasible
from budget_app.cycles.rules import (CYCLE_FIELDS, ELECTORATE_AT_OPENING, RULE_FIELDS, canonical_json,
                                     canonical_rules, check_quorum, check_rules, current_member_ids,
                                     default_quorum_pct, electorate_json, ensure_not_frozen, fingerprint_of,
                                     verify_fingerprint)
from budget_app.cycles.tallying import compute_tally
from budget_app.extensions import db
from budget_app.ministry_settings import approval_quorum_min_pct
from budget_app.navigation import Task
from budget_app.utils import utcnow


def _refuse_second_cycle(council_id: int, fiscal_year, cycle_id: int | None = None) -> None:
    """One council, one fiscal year, one budget cycle: the citizen budget, the open data and the
    comparison with the previous year are per council and year, so a second cycle would hide one
    of them from the public. A cycle created by mistake is deleted while it is being prepared."""
    query = select(BudgetCycle).where(BudgetCycle.council_id == council_id, BudgetCycle.fiscal_year == fiscal_year)
    if cycle_id is not None:
        query = query.where(BudgetCycle.id != cycle_id)
    other = db.session.execute(query.limit(1)).scalar_one_or_none()
    if other is not None:
        raise CycleError(_("This council already has a budget cycle for %(year)s (“%(title)s”, %(phase)s). Each "
                           "council has one cycle per fiscal year: open that cycle instead, or delete it first if "
                           "it was created by mistake.", year=fiscal_year, title=other.title,
                           phase=other.phase_label), field="fiscal_year")


def create_cycle(council, user, *, funding: list[tuple[int, int]] | None = None, **values) -> BudgetCycle:
    """Open a new budget cycle (phase "preparing") for ``council`` with its envelope, rules and funding."""
    values = {k: v for k, v in values.items() if k in CYCLE_FIELDS}
    values.setdefault("currency", "ILS")
    values.setdefault("ballot_method", methods.DEFAULT)
    values.setdefault("tally_rule", "greedy")
    if values.get("approval_quorum_pct") is None:
        values["approval_quorum_pct"] = default_quorum_pct()
    check_rules(values)
    check_quorum(values["approval_quorum_pct"])
    _refuse_second_cycle(council.id, values.get("fiscal_year"))
    cycle = BudgetCycle(council_id=council.id, created_by_id=getattr(user, "id", None), **values)
    db.session.add(cycle)
    db.session.flush()
    if funding is not None:
        set_funding(cycle, funding, record=False)
    audit.record("cycle.create", cycle, council_id=council.id, actor=user, fiscal_year=cycle.fiscal_year,
                 envelope_minor=cycle.envelope_minor, currency=cycle.currency)
    return cycle


def update_cycle(cycle: BudgetCycle, *, funding: list[tuple[int, int]] | None = None, **values) -> BudgetCycle:
    """Change a cycle's settings; refused once voting has opened (the rules are frozen)."""
    ensure_not_frozen(cycle)
    values = {k: v for k, v in values.items() if k in CYCLE_FIELDS}
    merged = {k: getattr(cycle, k) for k in RULE_FIELDS} | values
    check_rules(merged)
    if "fiscal_year" in values and values["fiscal_year"] != cycle.fiscal_year:
        _refuse_second_cycle(cycle.council_id, values["fiscal_year"], cycle.id)
    if "approval_quorum_pct" in values and values["approval_quorum_pct"] != cycle.approval_quorum_pct:
        # An unchanged quorum set before the minimum was raised stays until the director edits it;
        # opening the vote checks it again.
        check_quorum(values["approval_quorum_pct"])
    changed = {k: v for k, v in values.items() if getattr(cycle, k) != v}
    for key, value in values.items():
        setattr(cycle, key, value)
    if funding is not None:
        set_funding(cycle, funding, record=False)
    audit.record("cycle.update", cycle, changed=sorted(changed))
    return cycle


def set_funding(cycle: BudgetCycle, funding: list[tuple[int, int]], record: bool = True) -> None:
    """Replace the cycle's funding sources by ``[(funding_source_id, amount_minor)]`` (zero amounts dropped)."""
    wanted = {}
    for source_id, amount in funding:
        if amount is None or amount == 0:
            continue
        if amount < 0:
            raise CycleError(_("Funding amounts cannot be negative."), field="funding")
        wanted[int(source_id)] = wanted.get(int(source_id), 0) + int(amount)
    existing = {f.funding_source_id: f for f in cycle.funding}
    for source_id, row in existing.items():
        if source_id not in wanted:
            cycle.funding.remove(row)
    for source_id, amount in wanted.items():
        if source_id in existing:
            existing[source_id].amount_minor = amount
        else:
            cycle.funding.append(CycleFunding(funding_source_id=source_id, amount_minor=amount))
    db.session.flush()
    if record:
        audit.record("cycle.funding", cycle, funding=wanted)


def open_voting(cycle: BudgetCycle, user=None, *, imported: bool = False) -> BudgetCycle:
    """preparing → voting: check the cycle is ready (every proposal reviewed), freeze the rules and
    take their fingerprint. ``imported``: the ballots of a vote held elsewhere are being loaded (a
    Pabulib file): its proposals were on that ballot, so no feasibility review is asked for."""
    if cycle.phase != PHASE_PREPARING:
        raise CycleError(_("Voting can only be opened while the cycle is being prepared."))
    proposals = list(cycle.proposals)
    if len(proposals) < 2:
        raise CycleError(_("Voting needs at least two proposals."))
    if not imported:
        check_reviewed(cycle)
    check_rules({k: getattr(cycle, k) for k in RULE_FIELDS})
    cycle.method.check_opening(cycle, cycle.ballot_proposals)
    try:
        check_quorum(cycle.approval_quorum_pct)
    except CycleError:
        raise CycleError(_("The quorum of the council's approval (%(pct)s%%) is below the ministry's minimum of "
                           "%(min)s%%: edit the cycle first.", pct=cycle.approval_quorum_pct,
                           min=approval_quorum_min_pct())) from None
    # Who may vote on the final allocation, and how many make the quorum, is fixed now, with the
    # rules: adding or removing members later can neither lower the quorum nor change the voters.
    cycle.electorate_json = electorate_json(current_member_ids(cycle.council_id), ELECTORATE_AT_OPENING)
    rules = canonical_rules(cycle, proposals)
    cycle.rules_json = canonical_json(rules)
    cycle.fingerprint = fingerprint_of(rules)
    cycle.phase = PHASE_VOTING
    cycle.voting_opened_at = utcnow()
    db.session.flush()
    audit.record("cycle.open_voting", cycle, actor=user, fingerprint=cycle.fingerprint,
                 proposals=len(cycle.ballot_proposals), not_feasible=[p.code for p in not_feasible(cycle)],
                 electorate=len(cycle.electorate_ids),
                 quorum_pct=cycle.approval_quorum_pct)
    notices.vote_opened(cycle)
    notices.declaration_needed(cycle)
    return cycle


def close_voting(cycle: BudgetCycle, user=None) -> BudgetCycle:
    """voting → decided: stop accepting ballots, tally them and store the result with the fingerprint."""
    stmt = select(BudgetCycle).where(BudgetCycle.id == cycle.id)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    cycle = db.session.execute(stmt.execution_options(populate_existing=True)).scalar_one()
    if cycle.phase != PHASE_VOTING:
        raise CycleError(_("Voting is not open for this cycle."))
    if not verify_fingerprint(cycle):
        raise CycleError(_("The rules or proposals no longer match the fingerprint taken when voting opened; "
                           "the tally is refused."))
    result = compute_tally(cycle)
    if result["ballots"] == 0:
        raise CycleError(_("No ballot has been cast yet: there is nothing to tally."))
    cycle.tally_json = json_state(result)
    cycle.tallied_at = utcnow()
    cycle.voting_closed_at = cycle.tallied_at
    cycle.phase = PHASE_DECIDED
    db.session.flush()
    audit.record("cycle.close_voting", cycle, actor=user, rule=cycle.tally_rule, ballots=result["ballots"],
                 selected=result["main"]["selected"], fingerprint=cycle.fingerprint)
    notices.approval_opened(cycle, frozen_electorate(cycle))
    return cycle


def start_execution(cycle: BudgetCycle, user=None) -> BudgetCycle:
    """approved → executing."""
    if cycle.phase != PHASE_APPROVED:
        raise CycleError(_("Execution can start only after the council approved the allocation."))
    cycle.phase = PHASE_EXECUTING
    audit.record("cycle.execute", cycle, actor=user)
    return cycle


def close_cycle(cycle: BudgetCycle, user=None) -> BudgetCycle:
    """executing → closed."""
    if cycle.phase != PHASE_EXECUTING:
        raise CycleError(_("Only a cycle in execution can be closed."))
    cycle.phase = PHASE_CLOSED
    audit.record("cycle.close", cycle, actor=user)
    return cycle


TRANSITIONS = {
    "open_voting": open_voting,
    "close_voting": close_voting,
    "approve": approve_allocation,
    "execute": start_execution,
    "close": close_cycle,
}


def transition(cycle: BudgetCycle, action: str, user=None) -> BudgetCycle:
    """Run the named phase transition (see ``TRANSITIONS``)."""
    if action not in TRANSITIONS:
        raise CycleError(_("Unknown action."))
    return TRANSITIONS[action](cycle, user)


def delete_cycle(cycle: BudgetCycle, user=None) -> None:
    """Delete a cycle still being prepared (with its proposals)."""
    if cycle.phase != PHASE_PREPARING:
        raise CycleError(_("Only a cycle still being prepared can be deleted."))
    audit.record("cycle.delete", cycle, actor=user, fiscal_year=cycle.fiscal_year)
    db.session.delete(cycle)
    db.session.flush()


def cycles_of(council) -> list[BudgetCycle]:
    return (BudgetCycle.query.filter_by(council_id=council.id)
            .order_by(BudgetCycle.fiscal_year.desc(), BudgetCycle.id.desc()).all())


# The director's next step, per phase, with the page where it is taken.
NEXT_STEP_ENDPOINTS = {PHASE_PREPARING: "cycles.cycle_detail", PHASE_VOTING: "cycles.cycle_detail",
                       PHASE_DECIDED: "cycles.results", PHASE_APPROVED: "cycles.cycle_detail",
                       PHASE_EXECUTING: "cycles.cycle_detail"}


def my_tasks(user, scope) -> list:
    """What ``user`` has to do in the budget cycles of ``scope``'s councils, one query per kind:
    cycles open for their vote (and whether they voted), approval votes on a decided allocation,
    and, for budget directors, the next step of each cycle not yet closed (the "next step" panel
    of the cycle page)."""
    if not scope.member_ids and not scope.review_ids:
        return []
    tasks = []

    def slug_of(cycle):
        return scope.councils[cycle.council_id].slug

    if scope.review_ids:
        waiting = (select(func.count(AllocationProposal.id))
                   .outerjoin(ProposalReview, ProposalReview.proposal_id == AllocationProposal.id)
                   .where(AllocationProposal.cycle_id == BudgetCycle.id, ProposalReview.id.is_(None))
                   .correlate(BudgetCycle).scalar_subquery())
        reviews = (db.session.query(BudgetCycle, waiting)
                   .filter(BudgetCycle.council_id.in_(scope.review_ids), BudgetCycle.phase == PHASE_PREPARING)
                   .order_by(BudgetCycle.id).all())
        tasks += [Task(kind="cycle_review", council=scope.councils[c.council_id], title=c.title,
                       endpoint="cycles.review_list", values={"slug": slug_of(c), "cycle_id": c.id}, count=n,
                       done=n == 0) for c, n in reviews]

    voting = (db.session.query(BudgetCycle, Ballot.id)
              .outerjoin(Ballot, and_(Ballot.cycle_id == BudgetCycle.id, Ballot.user_id == user.id))
              .filter(BudgetCycle.council_id.in_(scope.member_ids), BudgetCycle.phase == PHASE_VOTING)
              .order_by(BudgetCycle.id).all())
    tasks += [Task(kind="cycle_vote", council=scope.councils[c.council_id], title=c.title, endpoint="cycles.vote",
                   values={"slug": slug_of(c), "cycle_id": c.id}, done=ballot_id is not None)
              for c, ballot_id in voting]

    approval = (db.session.query(BudgetCycle, ApprovalVote.choice)
                .outerjoin(ApprovalVote, and_(ApprovalVote.cycle_id == BudgetCycle.id, ApprovalVote.user_id == user.id))
                .filter(BudgetCycle.council_id.in_(scope.member_ids), BudgetCycle.phase == PHASE_DECIDED)
                .order_by(BudgetCycle.id).all())
    tasks += [Task(kind="approval_vote", council=scope.councils[c.council_id], title=c.title,
                   endpoint="cycles.results", values={"slug": slug_of(c), "cycle_id": c.id},
                   done=choice is not None) for c, choice in approval]

    if scope.direct_ids:
        ballots = (select(func.count(Ballot.id)).where(Ballot.cycle_id == BudgetCycle.id)
                   .correlate(BudgetCycle).scalar_subquery())
        steps = (db.session.query(BudgetCycle, ballots)
                 .filter(BudgetCycle.council_id.in_(scope.direct_ids), BudgetCycle.phase.in_(list(NEXT_STEP_ENDPOINTS)))
                 .order_by(BudgetCycle.fiscal_year, BudgetCycle.id).all())
        tasks += [Task(kind="next_step", council=scope.councils[c.council_id], title=c.title,
                       endpoint=NEXT_STEP_ENDPOINTS[c.phase], values={"slug": slug_of(c), "cycle_id": c.id},
                       step=c.phase, count=n) for c, n in steps]
    return tasks


def describe_cycles(council, ids) -> dict:
    rows = BudgetCycle.query.filter(BudgetCycle.council_id == council.id, BudgetCycle.id.in_(int_ids(ids))).all()
    return {c.id: (c.title, "cycles.cycle_detail", {"slug": council.slug, "cycle_id": c.id}) for c in rows}

