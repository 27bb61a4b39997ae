"""Allocation proposals of a budget cycle: saving, deleting, reading, mutually exclusive groups."""
from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from budget_app import audit
from budget_app.cycles.codes import normalize_budget_line_code
from budget_app.cycles.errors import CycleError
from budget_app.cycles.models import AllocationProposal, BudgetCycle, ProposalFunding
from budget_app.cycles.review import REVIEWED_FIELDS, clear_review
from budget_app.cycles.rules import ensure_not_frozen
from budget_app.extensions import db
from budget_app.reference.models import TargetGroup
from councils.models import PartnerOrganization
from priorities.models import Priority


PROPOSAL_FIELDS = ("code", "title_ar", "title_en", "description_ar", "description_en", "sector_id",
                   "locality_id", "cost_minor", "exclusive_group", "proposing_organization_id",
                   "implementing_organization_id")


def save_proposal(cycle: BudgetCycle, proposal: AllocationProposal | None = None, *,
                  target_group_ids=None, priority_ids=None, funding=None, record=True, **values):
    """Create (``proposal`` None) or update an allocation proposal of ``cycle``.

    ``funding``: ``[(funding_source_id, amount_minor)]``, must not exceed the cost.
    ``priority_ids``: priorities of the same council answered by this proposal.
    """
    ensure_not_frozen(cycle)
    values = {k: v for k, v in values.items() if k in PROPOSAL_FIELDS}
    code = (values.get("code") if "code" in values else proposal.code if proposal else "") or ""
    try:
        code = normalize_budget_line_code(code)
    except ValueError as exc:
        raise CycleError(str(exc), field="code")
    values["code"] = code
    values["exclusive_group"] = (values.get("exclusive_group") or "").strip()
    cost = values.get("cost_minor", proposal.cost_minor if proposal else None)
    if cost is None or cost <= 0:
        raise CycleError(_("The cost must be more than zero."), field="cost")
    clash = AllocationProposal.query.filter_by(cycle_id=cycle.id, code=code)
    if proposal is not None and proposal.id is not None:
        clash = clash.filter(AllocationProposal.id != proposal.id)
    if clash.first() is not None:
        raise CycleError(_("Another proposal of this cycle already has the budget-line code %(code)s.",
                           code=code), field="code")
    for key in ("proposing_organization_id", "implementing_organization_id"):
        if values.get(key):
            partner = db.session.get(PartnerOrganization, int(values[key]))
            if partner is None or partner.council_id != cycle.council_id:
                raise CycleError(_("Choose an organization from this council's partner directory."), field=key)
    created = proposal is None
    if created:
        proposal = AllocationProposal(cycle_id=cycle.id, council_id=cycle.council_id)
        db.session.add(proposal)
    elif proposal.review is not None and any(
            key in values and getattr(proposal, key) != values[key] for key in REVIEWED_FIELDS):
        # What was reviewed is no longer what would be voted on: the reviewer looks again.
        clear_review(proposal)
    for key, value in values.items():
        setattr(proposal, key, value)
    if target_group_ids is not None:
        proposal.target_groups = TargetGroup.query.filter(TargetGroup.id.in_(list(target_group_ids) or [0])).all()
    if priority_ids is not None:
        proposal.priorities = _priorities(cycle, priority_ids)
    if funding is not None:
        _set_proposal_funding(proposal, funding)
    db.session.flush()
    if record:
        audit.record("proposal.create" if created else "proposal.update", proposal, code=proposal.code,
                     cost_minor=proposal.cost_minor)
    return proposal


def _priorities(cycle, priority_ids):
    ids = [int(i) for i in priority_ids]
    if not ids:
        return []
    found = Priority.query.filter(Priority.id.in_(ids), Priority.council_id == cycle.council_id).all()
    if len(found) != len(set(ids)):
        raise CycleError(_("A linked priority does not belong to this council."), field="priorities")
    return found


def _set_proposal_funding(proposal, funding):
    wanted = {}
    for source_id, amount in funding:
        if not amount:
            continue
        if amount < 0:
            raise CycleError(_("Funding amounts cannot be negative."), field="funding")
        wanted[int(source_id)] = wanted.get(int(source_id), 0) + int(amount)
    if sum(wanted.values()) > proposal.cost_minor:
        raise CycleError(_("The funding split adds up to more than the cost."), field="funding")
    existing = {f.funding_source_id: f for f in proposal.funding}
    for source_id, row in existing.items():
        if source_id not in wanted:
            proposal.funding.remove(row)
    for source_id, amount in wanted.items():
        if source_id in existing:
            existing[source_id].amount_minor = amount
        else:
            proposal.funding.append(ProposalFunding(funding_source_id=source_id, amount_minor=amount))


def delete_proposal(proposal: AllocationProposal) -> None:
    """Remove a proposal; refused once voting has opened."""
    ensure_not_frozen(proposal.cycle)
    audit.record("proposal.delete", proposal, code=proposal.code)
    db.session.delete(proposal)
    db.session.flush()


def proposals_of(cycle: BudgetCycle) -> list[AllocationProposal]:
    """The cycle's proposals with their sector, locality, target groups and priorities loaded at once."""
    return (AllocationProposal.query.filter_by(cycle_id=cycle.id)
            .options(selectinload(AllocationProposal.sector), selectinload(AllocationProposal.locality),
                     selectinload(AllocationProposal.target_groups), selectinload(AllocationProposal.priorities),
                     selectinload(AllocationProposal.funding).selectinload(ProposalFunding.funding_source))
            .order_by(AllocationProposal.code).all())


def ballot_proposals_of(cycle: BudgetCycle) -> list[AllocationProposal]:
    """``proposals_of`` without those the review found not feasible: what is on the ballot."""
    return [p for p in proposals_of(cycle) if p.on_ballot]


def exclusive_groups(proposals) -> list[list[str]]:
    groups = defaultdict(list)
    for p in proposals:
        if p.exclusive_group:
            groups[p.exclusive_group].append(p.code)
    return [sorted(codes) for _, codes in sorted(groups.items()) if len(codes) > 1]


def int_ids(ids) -> list[int]:
    return [int(i) for i in ids if str(i).isdigit()]


def describe_proposals(council, ids) -> dict:
    rows = AllocationProposal.query.filter(AllocationProposal.council_id == council.id,
                                           AllocationProposal.id.in_(int_ids(ids))).all()
    return {p.id: (p.title, "cycles.proposal_detail", {"slug": council.slug, "cycle_id": p.cycle_id,
                                                        "proposal_id": p.id}) for p in rows}

