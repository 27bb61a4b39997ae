"""Budget cycles: set-up, proposals, freezing, voting, paper ballots, tally, override, approval.

Services take plain values and models, add and flush, and never commit: the request (or
the CLI command) commits once. A refused action raises :class:`CycleError` whose message is
meant for the user, already in the user's language.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import time
from collections import defaultdict
from datetime import date
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import event, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from budget_app import audit
from budget_app.cycles.models import (APPROVAL_CHOICES, BALLOT_IMPORTED, BALLOT_ONLINE, BALLOT_PAPER,
                                      METHOD_APPROVAL, METHOD_BALLOT_KIND, METHOD_COST_LIMITED, METHOD_CUMULATIVE,
                                      METHOD_RANKED, METHODS, PHASE_APPROVED, PHASE_CLOSED, PHASE_DECIDED,
                                      PHASE_EXECUTING, PHASE_PREPARING, PHASE_VOTING, AllocationProposal,
                                      ApprovalVote, Ballot, BallotItem, BudgetCycle, CycleFunding, ProposalFunding)
from budget_app.extensions import db
from budget_app.tally import RULES, ProjectSpec, tally
from budget_app.utils import utcnow

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
RECEIPT_LENGTH = 10
COMPARISON_RULES = ("greedy", "mes")
INSERT_CHUNK = 5000


class CycleError(Exception):
    """An action refused for a reason the user should read (already translated)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class FrozenError(CycleError):
    pass


# Money -----------------------------------------------------------------------
def to_units(minor: int) -> Fraction:
    """Minor units → currency units, exactly (the tally works in whole currency units)."""
    return Fraction(int(minor), 100)


def units_to_minor(value) -> int:
    """Currency units from the tally engine (int, float or Fraction) → integer minor units."""
    return int(round(Fraction(value) * 100)) if not isinstance(value, float) else int(round(value * 100))


# Cycles ----------------------------------------------------------------------
RULE_FIELDS = ("envelope_minor", "currency", "ballot_method", "max_choices", "points_total", "min_spend_pct",
               "tally_rule", "mes_completion")
CYCLE_FIELDS = ("fiscal_year", "title_ar", "title_en", "description_ar", "description_en",
                "approval_quorum_pct") + RULE_FIELDS


def _check_rules(values: dict) -> None:
    method = values.get("ballot_method")
    if method not in METHODS:
        raise CycleError(_("Choose a voting method."), field="ballot_method")
    if values.get("tally_rule") not in RULES:
        raise CycleError(_("Choose a tally rule."), field="tally_rule")
    if (values.get("envelope_minor") or 0) <= 0:
        raise CycleError(_("The envelope must be more than zero."), field="envelope")
    if method == METHOD_CUMULATIVE and not (values.get("points_total") or 0) > 0:
        raise CycleError(_("Cumulative voting needs the number of points each voter shares."),
                         field="points_total")
    if values.get("tally_rule") == "phragmen" and method in (METHOD_CUMULATIVE, METHOD_RANKED):
        raise CycleError(_("Sequential Phragmén counts approvals only: choose approval or cost-limited voting, "
                           "or another rule."), field="tally_rule")
    if method == METHOD_RANKED and not (values.get("max_choices") or 0) > 0:
        raise CycleError(_("Ranked voting needs how many proposals each voter ranks."), field="max_choices")
    pct = values.get("min_spend_pct")
    if pct is not None and not 0 <= pct <= 100:
        raise CycleError(_("The minimum share must be between 0 and 100 percent."), field="min_spend_pct")


def create_cycle(council, user, *, funding: list[tuple[int, int]] | None = None, **values) -> BudgetCycle:
    """Open a new budget cycle (phase "preparing") for ``council`` with its envelope, rules and funding."""
    values = {k: v for k, v in values.items() if k in CYCLE_FIELDS}
    values.setdefault("currency", "ILS")
    values.setdefault("ballot_method", METHOD_APPROVAL)
    values.setdefault("tally_rule", "greedy")
    _check_rules(values)
    cycle = BudgetCycle(council_id=council.id, created_by_id=getattr(user, "id", None), **values)
    db.session.add(cycle)
    db.session.flush()
    if funding is not None:
        set_funding(cycle, funding, record=False)
    audit.record("cycle.create", cycle, council_id=council.id, fiscal_year=cycle.fiscal_year,
                 envelope_minor=cycle.envelope_minor, currency=cycle.currency)
    return cycle


def update_cycle(cycle: BudgetCycle, *, funding: list[tuple[int, int]] | None = None, **values) -> BudgetCycle:
    """Change a cycle's settings; refused once voting has opened (the rules are frozen)."""
    ensure_not_frozen(cycle)
    values = {k: v for k, v in values.items() if k in CYCLE_FIELDS}
    merged = {k: getattr(cycle, k) for k in RULE_FIELDS} | values
    _check_rules(merged)
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


def ensure_not_frozen(cycle: BudgetCycle) -> None:
    if cycle.is_frozen:
        raise FrozenError(_("Voting has opened: the rules and the proposals are frozen and can no longer be "
                            "changed."))


# Proposals -------------------------------------------------------------------
PROPOSAL_FIELDS = ("code", "title_ar", "title_en", "description_ar", "description_en", "sector_id",
                   "locality_id", "cost_minor", "exclusive_group")


def save_proposal(cycle: BudgetCycle, proposal: AllocationProposal | None = None, *,
                  target_group_ids=None, priority_ids=None, funding=None, record=True, **values):
    """Create (``proposal`` None) or update an allocation proposal of ``cycle``.

    ``funding``: ``[(funding_source_id, amount_minor)]``, must not exceed the cost.
    ``priority_ids``: priorities of the same council answered by this proposal.
    """
    ensure_not_frozen(cycle)
    values = {k: v for k, v in values.items() if k in PROPOSAL_FIELDS}
    code = (values.get("code") if "code" in values else proposal.code if proposal else "") or ""
    code = code.strip()
    if not code:
        raise CycleError(_("Give the budget-line code."), field="code")
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
    created = proposal is None
    if created:
        proposal = AllocationProposal(cycle_id=cycle.id, council_id=cycle.council_id)
        db.session.add(proposal)
    for key, value in values.items():
        setattr(proposal, key, value)
    if target_group_ids is not None:
        from budget_app.reference.models import TargetGroup
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
    from priorities.models import Priority
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
    from sqlalchemy.orm import selectinload
    return (AllocationProposal.query.filter_by(cycle_id=cycle.id)
            .options(selectinload(AllocationProposal.sector), selectinload(AllocationProposal.locality),
                     selectinload(AllocationProposal.target_groups), selectinload(AllocationProposal.priorities),
                     selectinload(AllocationProposal.funding).selectinload(ProposalFunding.funding_source))
            .order_by(AllocationProposal.code).all())


def exclusive_groups(proposals) -> list[list[str]]:
    groups = defaultdict(list)
    for p in proposals:
        if p.exclusive_group:
            groups[p.exclusive_group].append(p.code)
    return [sorted(codes) for _, codes in sorted(groups.items()) if len(codes) > 1]


# Freezing and the fingerprint ------------------------------------------------
def canonical_rules(cycle: BudgetCycle, proposals=None) -> dict:
    """The rules and proposal list that the fingerprint covers, as plain sorted data."""
    proposals = proposals if proposals is not None else cycle.proposals
    return {
        "cycle_id": cycle.id,
        "council_id": cycle.council_id,
        "fiscal_year": cycle.fiscal_year,
        "currency": cycle.currency,
        "envelope_minor": int(cycle.envelope_minor),
        "ballot_method": cycle.ballot_method,
        "max_choices": cycle.max_choices,
        "points_total": cycle.points_total,
        "min_spend_pct": cycle.min_spend_pct,
        "tally_rule": cycle.tally_rule,
        "mes_completion": bool(cycle.mes_completion),
        "ranked_scoring": "borda" if cycle.ballot_method == METHOD_RANKED else None,
        "tie_break": "lexicographic by budget-line code",
        "proposals": sorted(
            ({"code": p.code, "title_ar": p.title_ar, "title_en": p.title_en or "", "cost_minor": int(p.cost_minor),
              "exclusive_group": p.exclusive_group or ""} for p in proposals),
            key=lambda d: d["code"]),
    }


def canonical_json(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fingerprint_of(rules: dict) -> str:
    return hashlib.sha256(canonical_json(rules).encode("utf-8")).hexdigest()


def group_fingerprint(fingerprint: str) -> str:
    """For reading aloud and comparing: groups of 8 hex digits."""
    return " ".join(fingerprint[i:i + 8] for i in range(0, len(fingerprint), 8))


def verify_fingerprint(cycle: BudgetCycle) -> bool:
    """True when the current rules and proposals still match the fingerprint taken when voting opened."""
    if not cycle.fingerprint:
        return False
    return fingerprint_of(canonical_rules(cycle)) == cycle.fingerprint and \
        fingerprint_of(json.loads(cycle.rules_json)) == cycle.fingerprint


def open_voting(cycle: BudgetCycle, user=None) -> BudgetCycle:
    """preparing → voting: check the cycle is ready, freeze the rules and take their fingerprint."""
    if cycle.phase != PHASE_PREPARING:
        raise CycleError(_("Voting can only be opened while the cycle is being prepared."))
    proposals = list(cycle.proposals)
    if len(proposals) < 2:
        raise CycleError(_("Voting needs at least two proposals."))
    _check_rules({k: getattr(cycle, k) for k in RULE_FIELDS})
    total = sum(p.cost_minor for p in proposals)
    if cycle.ballot_method == METHOD_COST_LIMITED:
        if min(p.cost_minor for p in proposals) > cycle.envelope_minor:
            raise CycleError(_("No proposal fits in the envelope: a cost-limited ballot could not be filled."))
        if cycle.min_spend_pct and total * 100 < cycle.min_spend_pct * cycle.envelope_minor:
            raise CycleError(_("All proposals together cost less than the minimum share to spend."))
    if cycle.ballot_method in (METHOD_APPROVAL, METHOD_RANKED) and cycle.max_choices and cycle.max_choices < 1:
        raise CycleError(_("The number of choices must be at least one."))
    rules = canonical_rules(cycle, proposals)
    cycle.rules_json = canonical_json(rules)
    cycle.fingerprint = fingerprint_of(rules)
    cycle.phase = PHASE_VOTING
    cycle.voting_opened_at = utcnow()
    db.session.flush()
    audit.record("cycle.open_voting", cycle, actor=user, fingerprint=cycle.fingerprint,
                 proposals=len(proposals))
    return cycle


FROZEN_CYCLE_ATTRS = RULE_FIELDS + ("fiscal_year",)


def _committed(obj, attr):
    hist = inspect(obj).attrs[attr].history
    if hist.deleted:
        return hist.deleted[0]
    if hist.unchanged:
        return hist.unchanged[0]
    if hist.added and not inspect(obj).persistent:
        return None
    return getattr(obj, attr)


@event.listens_for(Session, "before_flush")
def _refuse_frozen_changes(session, flush_context, instances):
    """Last line of defence: whatever code path tries it, rules and proposals of a cycle whose
    voting has opened cannot change (only deleting the whole cycle is allowed)."""
    deleted_cycles = {o.id for o in session.deleted if isinstance(o, BudgetCycle)}
    for obj in list(session.dirty):
        if isinstance(obj, BudgetCycle) and _committed(obj, "fingerprint"):
            if any(inspect(obj).attrs[a].history.has_changes() for a in FROZEN_CYCLE_ATTRS) \
                    and session.is_modified(obj):
                raise FrozenError(_("Voting has opened: the rules and the proposals are frozen and can no "
                                    "longer be changed."))
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        proposal = obj if isinstance(obj, AllocationProposal) else (
            obj.proposal if isinstance(obj, ProposalFunding) else None)
        if proposal is None or proposal.cycle_id in deleted_cycles:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        cycle = proposal.cycle or (db.session.get(BudgetCycle, proposal.cycle_id) if proposal.cycle_id else None)
        if cycle is not None and _committed(cycle, "fingerprint"):
            raise FrozenError(_("Voting has opened: the rules and the proposals are frozen and can no longer "
                                "be changed."))


# Ballots ---------------------------------------------------------------------
def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def format_receipt(code: str | None) -> str:
    if not code:
        return ""
    return code[:5] + "-" + code[5:]


def normalize_receipt(text: str) -> str:
    """What a person types (any case, dashes, spaces, O for 0, I or L for 1) → the stored code."""
    text = (text or "").upper().translate(str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"}))
    return "".join(ch for ch in text if ch in RECEIPT_ALPHABET)


def validate_choices(cycle: BudgetCycle, choices, proposals=None) -> list[tuple[int, int, int | None]]:
    """Check a ballot against the frozen rules; return ``[(proposal_id, points, rank)]``.

    ``choices``: proposal ids (approval, cost-limited), ``{proposal_id: points}`` (cumulative) or
    ``[proposal_id, ...]`` best first (ranked). Raises :class:`CycleError` with the reason.
    """
    proposals = proposals if proposals is not None else cycle.proposals
    by_id = {p.id: p for p in proposals}
    method = cycle.ballot_method
    if method == METHOD_CUMULATIVE:
        items = {}
        for pid, pts in dict(choices or {}).items():
            if int(pid) not in by_id:
                raise CycleError(_("The ballot names a proposal that is not part of this vote."))
            pts = int(pts)
            if pts < 0:
                raise CycleError(_("Points cannot be negative."))
            if pts:
                items[int(pid)] = pts
        used = sum(items.values())
        if used == 0:
            raise CycleError(_("Give at least one point to a proposal."))
        if used > cycle.points_total:
            raise CycleError(_("You gave %(used)s points; you have %(total)s to share.",
                               used=used, total=cycle.points_total))
        return [(pid, pts, None) for pid, pts in sorted(items.items())]
    ordered = []
    for pid in list(choices or []):
        pid = int(pid)
        if pid not in by_id:
            raise CycleError(_("The ballot names a proposal that is not part of this vote."))
        if pid in ordered:
            if method == METHOD_RANKED:
                raise CycleError(_("Each proposal can be ranked only once."))
            continue
        ordered.append(pid)
    if not ordered:
        raise CycleError(_("Choose at least one proposal."))
    if method == METHOD_RANKED:
        if len(ordered) > cycle.max_choices:
            raise CycleError(_("Rank at most %(n)s proposals.", n=cycle.max_choices))
        return [(pid, 1, rank) for rank, pid in enumerate(ordered, 1)]
    if method == METHOD_APPROVAL and cycle.max_choices and len(ordered) > cycle.max_choices:
        raise CycleError(_("Choose at most %(n)s proposals; you chose %(chosen)s.", n=cycle.max_choices,
                           chosen=len(ordered)))
    if method == METHOD_COST_LIMITED:
        from budget_app.i18n import format_money
        total = sum(by_id[pid].cost_minor for pid in ordered)
        if total > cycle.envelope_minor:
            raise CycleError(_("Your choice costs %(total)s, more than the envelope of %(envelope)s.",
                               total=format_money(total, cycle.currency),
                               envelope=format_money(cycle.envelope_minor, cycle.currency)))
        if cycle.min_spend_pct:
            minimum = math.ceil(cycle.envelope_minor * cycle.min_spend_pct / 100)
            if total < minimum:
                raise CycleError(_("Your choice costs %(total)s; spend at least %(minimum)s (%(pct)s%% of the "
                                   "envelope).", total=format_money(total, cycle.currency),
                                   minimum=format_money(minimum, cycle.currency), pct=cycle.min_spend_pct))
    return [(pid, 1, None) for pid in sorted(ordered)]


def _write_items(ballot_id: int, items) -> None:
    db.session.execute(BallotItem.__table__.delete().where(BallotItem.ballot_id == ballot_id))
    if items:
        db.session.execute(insert(BallotItem), [
            {"ballot_id": ballot_id, "proposal_id": pid, "points": pts, "rank": rank} for pid, pts, rank in items])


def _voting_cycle_locked(cycle_id: int) -> BudgetCycle:
    # FOR SHARE on PostgreSQL: closing the vote (FOR UPDATE) waits for ballots being cast, and
    # a ballot cast after the close sees the new phase. SQLite serializes writers anyway.
    stmt = select(BudgetCycle).where(BudgetCycle.id == cycle_id).execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(read=True)
    return db.session.execute(stmt).scalar_one()


def cast_ballot(cycle: BudgetCycle, user, choices, *, max_attempts: int = 8) -> Ballot:
    """Record ``user``'s online ballot (one per member per cycle; a new one replaces the old).

    Each submission gets a new receipt code; the previous code is no longer counted. Safe under
    concurrency: two submissions racing to create the ballot end as one ballot (the unique
    constraint refuses the second insert, which is retried as an update). On such a race this
    rolls back the session, so call it before any other change in the request.
    """
    cycle_id, user_id = cycle.id, user.id
    for attempt in range(max_attempts):
        cycle = _voting_cycle_locked(cycle_id)
        if cycle.phase != PHASE_VOTING:
            raise CycleError(_("Voting is not open for this cycle."))
        if not cycle.council.is_member(user):
            raise CycleError(_("Only members of the council may vote."))
        items = validate_choices(cycle, choices)
        stmt = select(Ballot).where(Ballot.cycle_id == cycle_id, Ballot.user_id == user_id)
        if db.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        ballot = db.session.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()
        now = utcnow()
        try:
            if ballot is None:
                ballot = Ballot(cycle_id=cycle_id, user_id=user_id, source=BALLOT_ONLINE,
                                receipt_code=new_receipt_code(), created_at=now, updated_at=now)
                db.session.add(ballot)
                db.session.flush()
                action = "ballot.cast"
            else:
                ballot.receipt_code = new_receipt_code()
                ballot.updated_at = now
                db.session.flush()
                action = "ballot.change"
            _write_items(ballot.id, items)
        except (IntegrityError, OperationalError) as exc:
            # Another submission of the same member won the race (or, on SQLite, the write lock):
            # start again; the second pass finds the ballot and updates it.
            db.session.rollback()
            if attempt == max_attempts - 1:
                raise
            if isinstance(exc, OperationalError):
                time.sleep(0.05 * (attempt + 1))
            continue
        audit.record(action, ballot, council_id=cycle.council_id, cycle_id=cycle_id, items=len(items))
        return ballot
    raise RuntimeError("unreachable")


def my_ballot(cycle: BudgetCycle, user) -> Ballot | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Ballot.query.filter_by(cycle_id=cycle.id, user_id=user.id).first()


def enter_paper_ballot(cycle: BudgetCycle, entered_by, choices, *, meeting_id: int | None = None,
                       meeting_label: str = "", meeting_date: date | None = None, record: bool = True) -> Ballot:
    """Record a paper ballot from an in-person meeting (no user; tagged with its meeting)."""
    if cycle.phase != PHASE_VOTING:
        raise CycleError(_("Paper ballots can be entered only while voting is open."))
    meeting_label = (meeting_label or "").strip()
    if meeting_id is not None:
        from councils.models import Meeting
        meeting = Meeting.query.filter_by(id=meeting_id, council_id=cycle.council_id).first()
        if meeting is None:
            raise CycleError(_("Choose a meeting of this council."), field="meeting_id")
        meeting_label = meeting_label or meeting.title
        meeting_date = meeting_date or meeting.held_at.date()
    if not meeting_label:
        raise CycleError(_("Say at which meeting the paper ballot was cast."), field="meeting_label")
    items = validate_choices(cycle, choices)
    now = utcnow()
    ballot = Ballot(cycle_id=cycle.id, user_id=None, source=BALLOT_PAPER, receipt_code=new_receipt_code(),
                    meeting_id=meeting_id, meeting_label=meeting_label[:250], meeting_date=meeting_date,
                    entered_by_id=getattr(entered_by, "id", None), created_at=now, updated_at=now)
    db.session.add(ballot)
    db.session.flush()
    _write_items(ballot.id, items)
    if record:
        audit.record("ballot.paper", ballot, council_id=cycle.council_id, cycle_id=cycle.id,
                     meeting=meeting_label, items=len(items))
    return ballot


def delete_paper_ballot(ballot: Ballot) -> None:
    """Remove a mis-entered paper ballot while voting is open."""
    if ballot.source != BALLOT_PAPER:
        raise CycleError(_("Only paper ballots can be removed here."))
    if ballot.cycle.phase != PHASE_VOTING:
        raise CycleError(_("Paper ballots can be removed only while voting is open."))
    audit.record("ballot.paper_delete", ballot, council_id=ballot.cycle.council_id, cycle_id=ballot.cycle_id,
                 meeting=ballot.meeting_label)
    db.session.delete(ballot)
    db.session.flush()


def paper_ballots(cycle: BudgetCycle) -> list[Ballot]:
    from sqlalchemy.orm import selectinload
    return (Ballot.query.filter_by(cycle_id=cycle.id, source=BALLOT_PAPER)
            .options(selectinload(Ballot.items)).order_by(Ballot.id.desc()).all())


def ballot_choices(cycle: BudgetCycle, ballot: Ballot | None):
    """A stored ballot as the ``choices`` value the forms use."""
    if ballot is None:
        return None
    if cycle.ballot_method == METHOD_CUMULATIVE:
        return {i.proposal_id: i.points for i in ballot.items}
    if cycle.ballot_method == METHOD_RANKED:
        return [i.proposal_id for i in sorted(ballot.items, key=lambda i: i.rank or 0)]
    return [i.proposal_id for i in ballot.items]


def counted_receipts(cycle: BudgetCycle) -> list[str]:
    """Receipt codes of the ballots counted (public only after voting closed), sorted."""
    rows = db.session.execute(select(Ballot.receipt_code).where(
        Ballot.cycle_id == cycle.id, Ballot.receipt_code.is_not(None)).order_by(Ballot.receipt_code))
    return [r[0] for r in rows]


def receipt_counted(cycle: BudgetCycle, text: str) -> bool:
    code = normalize_receipt(text)
    if len(code) != RECEIPT_LENGTH:
        return False
    return db.session.execute(select(Ballot.id).where(Ballot.cycle_id == cycle.id,
                                                       Ballot.receipt_code == code)).first() is not None


def bulk_insert_ballots(cycle: BudgetCycle, ballots: list, *, kind: str, code_of: dict[str, int],
                        source: str = BALLOT_IMPORTED) -> int:
    """Insert many anonymous ballots at once (imports): ``ballots`` as in :func:`validate_choices`
    but keyed by proposal code. Returns how many were inserted."""
    now = utcnow()
    table_b, table_i = Ballot.__table__, BallotItem.__table__
    n = 0
    for start in range(0, len(ballots), INSERT_CHUNK):
        chunk = ballots[start:start + INSERT_CHUNK]
        rows = [{"cycle_id": cycle.id, "user_id": None, "source": source, "receipt_code": None,
                 "meeting_label": "", "created_at": now, "updated_at": now} for _ in chunk]
        ids = db.session.execute(insert(table_b).returning(table_b.c.id, sort_by_parameter_order=True),
                                 rows).scalars().all()
        items = []
        for bid, b in zip(ids, chunk):
            if kind == "cumulative":
                items.extend({"ballot_id": bid, "proposal_id": code_of[c], "points": int(p), "rank": None}
                             for c, p in b.items())
            elif kind == "ordinal":
                items.extend({"ballot_id": bid, "proposal_id": code_of[c], "points": 1, "rank": r}
                             for r, c in enumerate(b, 1))
            else:
                items.extend({"ballot_id": bid, "proposal_id": code_of[c], "points": 1, "rank": None}
                             for c in b)
        if items:
            db.session.execute(insert(table_i), items)
        n += len(chunk)
    return n


# Tally -----------------------------------------------------------------------
def tally_inputs(cycle: BudgetCycle, proposals=None) -> dict:
    """Everything ``tally()`` needs, read from the database in two queries."""
    proposals = proposals if proposals is not None else list(cycle.proposals)
    code_of = {p.id: p.code for p in proposals}
    kind = METHOD_BALLOT_KIND[cycle.ballot_method]
    rows = db.session.execute(
        select(BallotItem.ballot_id, BallotItem.proposal_id, BallotItem.points, BallotItem.rank)
        .join(Ballot, Ballot.id == BallotItem.ballot_id).where(Ballot.cycle_id == cycle.id)
        .order_by(BallotItem.ballot_id, BallotItem.rank, BallotItem.proposal_id))
    grouped: dict[int, list] = {}
    for ballot_id, pid, points, rank in rows:
        grouped.setdefault(ballot_id, []).append((code_of[pid], points))
    ballot_ids = [r[0] for r in db.session.execute(select(Ballot.id).where(Ballot.cycle_id == cycle.id))]
    ballots = []
    for bid in sorted(ballot_ids):
        items = grouped.get(bid, [])
        if kind == "cumulative":
            ballots.append({code: pts for code, pts in items})
        else:
            ballots.append([code for code, _ in items])
    options = {"ballot_kind": kind, "exclusive_groups": exclusive_groups(proposals)}
    if kind == "ordinal":
        options.update(ordinal_scoring="borda", borda_top=cycle.max_choices)
    return {
        "projects": [ProjectSpec(p.code, to_units(p.cost_minor)) for p in sorted(proposals, key=lambda p: p.code)],
        "ballots": ballots,
        "budget": to_units(cycle.envelope_minor),
        "options": options,
    }


def run_tally(cycle: BudgetCycle, rule: str | None = None, inputs: dict | None = None):
    """The engine's result for this cycle's ballots under ``rule`` (default: the cycle's rule)."""
    inputs = inputs or tally_inputs(cycle)
    rule = rule or cycle.tally_rule
    completion = bool(cycle.mes_completion) and rule in ("mes", "mes-add1")
    return tally(inputs["projects"], inputs["ballots"], inputs["budget"], rule, completion=completion,
                 **inputs["options"])


def compute_tally(cycle: BudgetCycle) -> dict:
    """Tally with the cycle's rule and, for comparison, greedy and MES; the snapshot stored on the cycle."""
    inputs = tally_inputs(cycle)
    main = run_tally(cycle, inputs=inputs).to_dict()
    comparison = {}
    for rule in dict.fromkeys((cycle.tally_rule,) + COMPARISON_RULES):
        res = main if rule == cycle.tally_rule else run_tally(cycle, rule, inputs).to_dict()
        comparison[rule] = {"selected": res["selected"], "total_cost": res["total_cost"],
                            "completion": res["completion"]}
    return {"main": main, "comparison": comparison, "ballots": len(inputs["ballots"]),
            "fingerprint": cycle.fingerprint, "computed_at": utcnow().isoformat(timespec="seconds")}


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
    cycle.tally_json = json.dumps(result, ensure_ascii=False, default=str)
    cycle.tallied_at = utcnow()
    cycle.voting_closed_at = cycle.tallied_at
    cycle.phase = PHASE_DECIDED
    db.session.flush()
    audit.record("cycle.close_voting", cycle, actor=user, rule=cycle.tally_rule, ballots=result["ballots"],
                 selected=result["main"]["selected"], fingerprint=cycle.fingerprint)
    return cycle


def override_selection(cycle: BudgetCycle, user, selected_codes, reason: str) -> BudgetCycle:
    """The director replaces the computed set; the reason is recorded and shown publicly.
    Approval votes already cast are cleared: they were about another allocation."""
    if cycle.phase != PHASE_DECIDED:
        raise CycleError(_("The allocation can be changed only after the tally and before the council approves."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise CycleError(_("Explain the reason for the change (at least 10 characters); it is shown publicly."),
                         field="reason")
    proposals = {p.code: p for p in cycle.proposals}
    codes = sorted(set(selected_codes))
    unknown = [c for c in codes if c not in proposals]
    if unknown:
        raise CycleError(_("Unknown proposal: %(code)s.", code=", ".join(unknown)))
    total = sum(proposals[c].cost_minor for c in codes)
    if total > cycle.envelope_minor:
        from budget_app.i18n import format_money
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
        cycle.override_json = ""
        cycle.override_reason = ""
    else:
        cycle.override_json = json.dumps({"selected": codes, "added": sorted(set(codes) - set(computed)),
                                          "removed": sorted(set(computed) - set(codes))})
        cycle.override_reason = reason
    cycle.overridden_at = utcnow()
    cycle.overridden_by_id = getattr(user, "id", None)
    ApprovalVote.query.filter_by(cycle_id=cycle.id).delete()
    db.session.flush()
    audit.record("cycle.override", cycle, actor=user, selected=codes, reason=reason)
    return cycle


def cast_approval_vote(cycle: BudgetCycle, user, choice: str) -> ApprovalVote:
    """A council member's yes/no/abstain on the final allocation (changeable until it is approved)."""
    if cycle.phase != PHASE_DECIDED:
        raise CycleError(_("The council vote on the allocation is not open."))
    if choice not in APPROVAL_CHOICES:
        raise CycleError(_("Choose yes, no or abstain."))
    if not cycle.council.is_member(user):
        raise CycleError(_("Only members of the council may vote."))
    for attempt in range(3):
        vote = ApprovalVote.query.filter_by(cycle_id=cycle.id, user_id=user.id).first()
        try:
            if vote is None:
                vote = ApprovalVote(cycle_id=cycle.id, user_id=user.id, choice=choice)
                db.session.add(vote)
            else:
                vote.choice = choice
            db.session.flush()
            break
        except IntegrityError:
            db.session.rollback()
            cycle = db.session.get(BudgetCycle, cycle.id)
    audit.record("cycle.approval_vote", vote, council_id=cycle.council_id, cycle_id=cycle.id, choice=choice)
    return vote


def approval_tally(cycle: BudgetCycle) -> dict:
    """Yes/no/abstain counts, the number of council members and the quorum needed."""
    from councils.models import Membership
    counts = dict.fromkeys(APPROVAL_CHOICES, 0)
    for choice, n in db.session.execute(select(ApprovalVote.choice, func.count()).where(
            ApprovalVote.cycle_id == cycle.id).group_by(ApprovalVote.choice)):
        counts[choice] = n
    members = Membership.query.filter_by(council_id=cycle.council_id).count()
    quorum = max(1, math.ceil(members * (cycle.approval_quorum_pct or 0) / 100))
    cast = sum(counts.values())
    return {**counts, "cast": cast, "members": members, "quorum": quorum, "quorum_met": cast >= quorum,
            "approved": cast >= quorum and counts["yes"] > counts["no"]}


def approve_allocation(cycle: BudgetCycle, user=None) -> BudgetCycle:
    """decided → approved, when the council's vote reached the quorum and more said yes than no."""
    if cycle.phase != PHASE_DECIDED:
        raise CycleError(_("Only a decided allocation can be approved."))
    result = approval_tally(cycle)
    if not result["quorum_met"]:
        raise CycleError(_("The quorum is not reached: %(cast)s of %(members)s members voted, %(quorum)s are "
                           "needed.", cast=result["cast"], members=result["members"], quorum=result["quorum"]))
    if not result["approved"]:
        raise CycleError(_("The council did not approve the allocation: %(yes)s yes, %(no)s no, %(abstain)s "
                           "abstentions.", yes=result["yes"], no=result["no"], abstain=result["abstain"]))
    cycle.approval_result_json = json.dumps(result)
    cycle.approved_at = utcnow()
    cycle.phase = PHASE_APPROVED
    db.session.flush()
    audit.record("cycle.approve", cycle, actor=user, final=cycle.final_selected_codes(), **{
        k: result[k] for k in ("yes", "no", "abstain", "members", "quorum")})
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


# Reading ---------------------------------------------------------------------
def participation(cycle: BudgetCycle) -> dict:
    """Ballots by source, members who voted online, paper ballots per meeting."""
    from councils.models import Membership
    counts = dict(db.session.execute(select(Ballot.source, func.count()).where(Ballot.cycle_id == cycle.id)
                                     .group_by(Ballot.source)).all())
    members = Membership.query.filter_by(council_id=cycle.council_id).count()
    online = counts.get(BALLOT_ONLINE, 0)
    meetings = db.session.execute(select(Ballot.meeting_label, Ballot.meeting_date, func.count())
                                  .where(Ballot.cycle_id == cycle.id, Ballot.source == BALLOT_PAPER)
                                  .group_by(Ballot.meeting_label, Ballot.meeting_date)
                                  .order_by(Ballot.meeting_date, Ballot.meeting_label)).all()
    return {"online": online, "paper": counts.get(BALLOT_PAPER, 0), "imported": counts.get(BALLOT_IMPORTED, 0),
            "total": sum(counts.values()), "members": members,
            "member_share": (online / members) if members else None,
            "meetings": [{"label": m[0], "date": m[1], "count": m[2]} for m in meetings]}


def cycles_of(council) -> list[BudgetCycle]:
    return (BudgetCycle.query.filter_by(council_id=council.id)
            .order_by(BudgetCycle.fiscal_year.desc(), BudgetCycle.id.desc()).all())


# Spreadsheet imports: proposals and paper ballots ----------------------------------
class ImportFailed(CycleError):
    """The file had problems; nothing was imported. ``errors``: list of ``imports.RowError``."""

    def __init__(self, errors):
        super().__init__(_("Nothing was imported: the file has %(n)s problem(s). Correct them and send the file "
                           "again.", n=len(errors)))
        self.errors = errors


def _split_list(raw: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,،\n]+", raw or "") if part.strip()]


def _reference_lookup(model) -> dict[str, int]:
    out = {}
    for item in model.query.all():
        for key in (item.code, item.name_ar, item.name_en):
            if key:
                out[key.strip().casefold()] = item.id
    return out


def proposal_columns(cycle: BudgetCycle | None = None):
    """The columns of the proposal import (and of its template)."""
    from flask_babel import lazy_gettext as _l

    from budget_app.cycles.forms import parse_amount
    from budget_app.cycles.imports import Column
    from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup

    lookups = {}

    def ref(model, what):
        def parse(raw):
            table = lookups.setdefault(model, _reference_lookup(model))
            key = raw.strip().casefold()
            if key not in table:
                raise ValueError(_("Unknown %(what)s “%(value)s”; use a code or a name from the reference list.",
                                   what=what, value=raw))
            return table[key]
        return parse

    def target_groups(raw):
        table = lookups.setdefault(TargetGroup, _reference_lookup(TargetGroup))
        out = []
        for part in _split_list(raw):
            if part.casefold() not in table:
                raise ValueError(_("Unknown target group “%(value)s”.", value=part))
            out.append(table[part.casefold()])
        return out

    def money(raw):
        try:
            value = parse_amount(raw)
        except Exception:
            raise ValueError(_("“%(value)s” is not an amount; write it like 120000 or 120000.50.", value=raw))
        if value is None or value <= 0:
            raise ValueError(_("The cost must be more than zero."))
        return value

    def funding(raw):
        table = lookups.setdefault(FundingSource, _reference_lookup(FundingSource))
        out = []
        for part in _split_list(raw.replace("،", ";")):
            name, sep, amount = part.rpartition(":")
            if not sep or name.strip().casefold() not in table:
                raise ValueError(_("Write the funding as source: amount; source: amount (e.g. treasury: 50000; "
                                   "eu: 30000)."))
            try:
                value = parse_amount(amount)
            except Exception:
                value = None
            if value is None:
                raise ValueError(_("“%(value)s” is not an amount; write it like 120000 or 120000.50.",
                                   value=amount.strip()))
            out.append((table[name.strip().casefold()], value))
        return out

    def priorities(raw):
        ids = []
        for part in _split_list(raw):
            if not part.lstrip("#").isdigit():
                raise ValueError(_("Write priority numbers separated by commas, e.g. 12, 15."))
            ids.append(int(part.lstrip("#")))
        return ids

    return [
        Column("code", _l("Budget-line code"), True, None, _l("Programme/activity code, unique in the cycle; "
                                                             "re-importing a code updates that proposal."),
               "P01-A01"),
        Column("title_ar", _l("Title (Arabic)"), True, None, _l("Short title in Arabic."),
               "تأهيل مركز الإرشاد الأسري في يطا"),
        Column("title_en", _l("Title (English)"), False, None, _l("Optional."), "Family counselling centre, Yatta"),
        Column("description_ar", _l("Description (Arabic)"), False, None, _l("Optional."), ""),
        Column("description_en", _l("Description (English)"), False, None, _l("Optional."), ""),
        Column("sector", _l("Sector"), False, ref(Sector, _("sector")),
               _l("Code or name from the sectors list."), "women-protection"),
        Column("target_groups", _l("Target groups"), False, target_groups,
               _l("Codes or names separated by commas."), "women, children"),
        Column("locality", _l("Locality"), False, ref(Locality, _("locality")),
               _l("Code or name from the localities list."), "yatta"),
        Column("cost", _l("Cost"), True, money, _l("Amount in the cycle's currency, e.g. 120000."), "120000"),
        Column("funding", _l("Funding split"), False, funding,
               _l("source: amount; source: amount — must not exceed the cost."), "treasury: 80000; eu: 40000"),
        Column("exclusive_group", _l("Mutually exclusive group"), False, None,
               _l("Proposals with the same group label exclude each other (e.g. the same site)."), ""),
        Column("priorities", _l("Priorities"), False, priorities,
               _l("Numbers of the priorities it answers, separated by commas."), ""),
    ]


def import_proposals(cycle: BudgetCycle, table: list[list[str]]) -> dict:
    """Validate every row, then create or update proposals by budget-line code — or nothing at all.

    Raises :class:`ImportFailed` with every row's problems; the caller must then roll back."""
    from budget_app.cycles.imports import Importer, RowError

    ensure_not_frozen(cycle)
    seen: dict[str, int] = {}

    def row_check(record, number, errors):
        code = record["code"]
        if code in seen:
            errors.append(RowError(number, str(importer.column("code").label),
                                   _("The code %(code)s is also on row %(row)s.", code=code, row=seen[code])))
        seen.setdefault(code, number)
        spent = sum(a for _, a in record.get("funding") or [])
        if spent > (record.get("cost") or 0):
            errors.append(RowError(number, str(importer.column("funding").label),
                                   _("The funding split adds up to more than the cost.")))
        if record.get("priorities"):
            from priorities.models import Priority
            found = {p.id for p in Priority.query.filter(Priority.id.in_(record["priorities"]),
                                                         Priority.council_id == cycle.council_id)}
            missing = [str(i) for i in record["priorities"] if i not in found]
            if missing:
                errors.append(RowError(number, str(importer.column("priorities").label),
                                       _("No priority %(ids)s in this council.", ids=", ".join(missing))))

    importer = Importer(proposal_columns(cycle), row_check=row_check)
    records, errors = importer.parse(table)
    if errors:
        raise ImportFailed(errors)
    existing = {p.code: p for p in cycle.proposals}
    created = updated = 0
    for number, r in records:
        proposal = existing.get(r["code"])
        try:
            save_proposal(cycle, proposal, record=False, code=r["code"], title_ar=r["title_ar"],
                          title_en=r["title_en"] or "", description_ar=r["description_ar"] or "",
                          description_en=r["description_en"] or "", sector_id=r["sector"],
                          locality_id=r["locality"], cost_minor=r["cost"],
                          exclusive_group=r["exclusive_group"] or "", target_group_ids=r["target_groups"] or [],
                          priority_ids=r["priorities"] or [], funding=r["funding"] or [])
        except CycleError as exc:
            raise ImportFailed([RowError(number, "", exc.message)])
        if proposal is None:
            created += 1
        else:
            updated += 1
    audit.record("proposal.import", cycle, created=created, updated=updated)
    return {"created": created, "updated": updated}


def paper_ballot_columns(cycle: BudgetCycle):
    from flask_babel import lazy_gettext as _l

    from budget_app.cycles.imports import Column
    codes = {p.code.casefold(): p.id for p in cycle.proposals}

    def code_id(raw):
        key = raw.strip().casefold()
        if key not in codes:
            raise ValueError(_("Unknown proposal code “%(code)s”.", code=raw.strip()))
        return codes[key]

    def choices(raw):
        parts = _split_list(raw)
        if cycle.ballot_method == METHOD_CUMULATIVE:
            out = {}
            for part in parts:
                code, sep, pts = part.rpartition(":")
                if not sep or not pts.strip().isdigit():
                    raise ValueError(_("Write code: points; code: points (e.g. P01: 3; P04: 2)."))
                out[code_id(code)] = out.get(code_id(code), 0) + int(pts)
            return out
        return [code_id(part) for part in parts]

    examples = {METHOD_CUMULATIVE: "P01: 3; P04: 2", METHOD_RANKED: "P04; P01; P02"}
    helps = {METHOD_CUMULATIVE: _l("Proposal codes with points: code: points; code: points."),
             METHOD_RANKED: _l("Proposal codes in the voter's order, first choice first, separated by ;")}
    return [
        Column("choices", _l("Choices"), True, choices,
               helps.get(cycle.ballot_method, _l("The codes of the proposals ticked, separated by ;")),
               examples.get(cycle.ballot_method, "P01; P04")),
        Column("paper_ref", _l("Paper number"), False, None, _l("Optional: the number written on the paper."),
               "17"),
    ]


def import_paper_ballots(cycle: BudgetCycle, table, entered_by, **meeting) -> int:
    """Enter many paper ballots of one meeting from a spreadsheet — all of them or none."""
    from budget_app.cycles.imports import Importer, RowError

    if cycle.phase != PHASE_VOTING:
        raise CycleError(_("Paper ballots can be entered only while voting is open."))

    def row_check(record, number, errors):
        try:
            validate_choices(cycle, record["choices"])
        except CycleError as exc:
            errors.append(RowError(number, str(importer.column("choices").label), exc.message))

    importer = Importer(paper_ballot_columns(cycle), row_check=row_check)
    records, errors = importer.parse(table)
    if errors:
        raise ImportFailed(errors)
    for number, record in records:
        enter_paper_ballot(cycle, entered_by, record["choices"], record=False, **meeting)
    audit.record("ballot.paper_import", cycle, ballots=len(records), meeting=meeting.get("meeting_label") or
                 meeting.get("meeting_id"))
    return len(records)
