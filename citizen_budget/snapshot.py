"""The frozen citizen budget: plain JSON data built from the budget cycle and council work.

This is the ONE module of ``citizen_budget`` that reads the models of the cycles, councils and
priorities packages. Everything else (pages, charts, open data, the API) works on the dict
returned by :func:`build_snapshot`, so a published version renders the same forever.

Snapshot format (``SCHEMA`` 1), all money in integer minor units::

    {"schema": 1, "fiscal_year": 2026, "currency": "ILS",
     "council": {slug, name_ar, name_en, contact_email, contact_phone, governorate_ar, governorate_en},
     "cycle": {title_ar, title_en, phase, approved: bool, ballot_method, rule, override_reason},
     "envelope_minor": int,
     "funding_sources": [{code, name_ar, name_en, amount_minor}],
     "allocations": [{code, title_ar, title_en, description_ar, description_en, sector, locality,
                      target_groups: [ref], amount_minor, funding: [{code, amount_minor}],
                      beneficiaries, funded, votes, override: "added"|"removed"|None,
                      explanation: {reason, rank, votes, *_minor...}, priorities: [ids],
                      execution: {executed_minor, progress_pct, over_allocation, justifications,
                                  spending: [{quarter, funding_source, amount_minor}]},
                      milestones: [{title_ar, title_en, status, due_on, done_on}]}],
     "priorities": [{id, title_ar, title_en, sector, locality, target_groups, beneficiaries}],
     "participation": {meetings, meetings_by_kind, outside_participants, members, organizations,
                       organizations_by_type, priorities_recorded, ballots_online, ballots_paper,
                       ballots_imported, ballots_total, ballot_method, rule, approval},
     "previous_year": None | {fiscal_year, envelope_minor, allocated_minor, executed_minor,
                              by_sector: [{code, name_ar, name_en, amount_minor}]},
     "texts": {section: {"ar": markdown, "en": markdown}}}

where a ``ref`` is ``{code, name_ar, name_en}`` (or None). No personal data: no voter, no
member name, no feedback author.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import func, select

from budget_app.extensions import db

SCHEMA = 1
PUBLISHABLE_PHASES = ("approved", "executing", "closed")
EXPLANATION_MONEY_KEYS = ("cost", "remaining", "remaining_before", "remaining_after", "supporters_budget",
                          "per_voter_payment", "budget")
EXPLANATION_KEYS = ("reason", "phase", "rank", "round", "votes", "score", "supporters", "payers", "full_payers",
                    "partial_payers", "conflicts_with", "stopped_by", "completion_reason")


# Canonical form and hash -------------------------------------------------------------
def canonical_json(snapshot: dict) -> str:
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def content_hash(snapshot: dict) -> str:
    """SHA-256 of the canonical JSON: the same figures and texts always give the same hash."""
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()


# Access to the cycles package --------------------------------------------------------
def _models():
    from budget_app.cycles import models as cm
    return cm


def cycle_of(council, cycle_id: int):
    """The council's budget cycle ``cycle_id`` or None."""
    cm = _models()
    return cm.BudgetCycle.query.filter_by(id=cycle_id, council_id=council.id).first()


def cycle_for_year(council, year: int):
    """The council's cycle of ``year`` that can be published (approved or later), else None."""
    cm = _models()
    return (cm.BudgetCycle.query.filter_by(council_id=council.id, fiscal_year=year)
            .filter(cm.BudgetCycle.phase.in_(PUBLISHABLE_PHASES))
            .order_by(cm.BudgetCycle.id.desc()).first())


def publishable_years(council) -> list[int]:
    cm = _models()
    rows = db.session.execute(select(cm.BudgetCycle.fiscal_year).distinct().where(
        cm.BudgetCycle.council_id == council.id, cm.BudgetCycle.phase.in_(PUBLISHABLE_PHASES)))
    return sorted((r[0] for r in rows), reverse=True)


def is_executable(cycle) -> bool:
    """Spending can be recorded once the council approved the allocation."""
    return cycle is not None and cycle.phase in PUBLISHABLE_PHASES


def cycle_summary(cycle) -> dict:
    return {"id": cycle.id, "fiscal_year": cycle.fiscal_year, "title_ar": cycle.title_ar,
            "title_en": cycle.title_en or "", "currency": cycle.currency, "phase": cycle.phase,
            "council_id": cycle.council_id}


def funded_allocations(cycle) -> list:
    """The cycle's funded allocation proposals (after any override), by budget-line code."""
    final = set(cycle.final_selected_codes())
    return [p for p in sorted(cycle.proposals, key=lambda p: p.code) if p.code in final]


def funded_allocation(cycle, code: str):
    for p in funded_allocations(cycle):
        if p.code == code:
            return p
    return None


def allocation_summary(p) -> dict:
    return {"id": p.id, "code": p.code, "title_ar": p.title_ar, "title_en": p.title_en or "",
            "amount_minor": int(p.cost_minor)}


# Building ----------------------------------------------------------------------------
def _ref(obj) -> dict | None:
    if obj is None:
        return None
    return {"code": obj.code, "name_ar": obj.name_ar, "name_en": obj.name_en}


def _minor(value) -> int:
    return int(round(Fraction(value) * 100)) if not isinstance(value, float) else int(round(value * 100))


def _explanation(e: dict | None, votes) -> dict:
    e = e or {}
    out = {k: e[k] for k in EXPLANATION_KEYS if k in e and isinstance(e[k], (int, str, bool))}
    for key in EXPLANATION_MONEY_KEYS:
        if e.get(key) is not None:
            try:
                out[f"{key}_minor"] = _minor(e[key])
            except (TypeError, ValueError):
                pass
    if "votes" not in out and votes is not None:
        out["votes"] = votes
    out.setdefault("reason", "selected" if e.get("funded") else "unknown")
    return out


def _beneficiaries(proposal) -> int | None:
    own = getattr(proposal, "beneficiaries", None) or getattr(proposal, "estimated_beneficiaries", None)
    if own:
        return int(own)
    numbers = [p.estimated_beneficiaries for p in proposal.priorities if p.estimated_beneficiaries]
    return sum(numbers) if numbers else None


def _execution(cycle) -> tuple[dict, dict, dict]:
    """Spending by proposal id, progress by proposal id, milestones by proposal id."""
    from budget_app.reference.models import FundingSource
    from citizen_budget.models import AllocationProgress, Milestone, SpendingEntry

    codes = {f.id: f.code for f in FundingSource.query}
    spending: dict[int, dict] = {}
    rows = db.session.execute(
        select(SpendingEntry.proposal_id, SpendingEntry.quarter, SpendingEntry.funding_source_id,
               func.sum(SpendingEntry.amount_minor))
        .where(SpendingEntry.cycle_id == cycle.id)
        .group_by(SpendingEntry.proposal_id, SpendingEntry.quarter, SpendingEntry.funding_source_id))
    for pid, quarter, source_id, amount in rows:
        spending.setdefault(pid, {"spending": [], "justifications": [], "over_allocation": False})
        spending[pid]["spending"].append({"quarter": int(quarter), "funding_source": codes.get(source_id),
                                          "amount_minor": int(amount)})
    for entry in SpendingEntry.query.filter_by(cycle_id=cycle.id, over_allocation=True).order_by(SpendingEntry.id):
        item = spending.setdefault(entry.proposal_id, {"spending": [], "justifications": [], "over_allocation": False})
        item["over_allocation"] = True
        if entry.justification:
            item["justifications"].append(entry.justification)
    proposal_ids = [p.id for p in cycle.proposals]
    progress = {r.proposal_id: r.progress_pct for r in
                AllocationProgress.query.filter(AllocationProgress.proposal_id.in_(proposal_ids))} if proposal_ids else {}
    milestones: dict[int, list] = {}
    if proposal_ids:
        for m in (Milestone.query.filter(Milestone.proposal_id.in_(proposal_ids))
                  .order_by(Milestone.due_on.is_(None), Milestone.due_on, Milestone.id)):
            milestones.setdefault(m.proposal_id, []).append({
                "title_ar": m.title_ar, "title_en": m.title_en or "", "status": m.status,
                "due_on": m.due_on.isoformat() if m.due_on else None,
                "done_on": m.done_on.isoformat() if m.done_on else None})
    return spending, progress, milestones


def _participation(cycle, council) -> dict:
    from councils.models import Meeting, MeetingParticipantCount, Membership
    from priorities.models import Priority

    cm = _models()
    start = datetime(cycle.fiscal_year - 1, 1, 1)
    end = cycle.approved_at or datetime(cycle.fiscal_year, 12, 31, 23, 59)
    # Meetings of the preparation: from the start of the year before until the council's approval.
    by_kind = dict(db.session.execute(
        select(Meeting.kind, func.count()).where(Meeting.council_id == council.id, Meeting.held_at >= start,
                                                 Meeting.held_at <= end).group_by(Meeting.kind)).all())
    outside = db.session.execute(
        select(func.coalesce(func.sum(MeetingParticipantCount.count), 0))
        .join(Meeting, Meeting.id == MeetingParticipantCount.meeting_id)
        .where(Meeting.council_id == council.id, Meeting.held_at >= start, Meeting.held_at <= end)).scalar()
    memberships = Membership.query.filter_by(council_id=council.id).all()
    organizations: dict[str, set] = {}
    for m in memberships:
        if m.organization_name:
            organizations.setdefault(m.organization_type or "other", set()).add(m.organization_name.strip())
    priorities = Priority.query.filter(Priority.council_id == council.id, Priority.fiscal_year == cycle.fiscal_year,
                                       Priority.status != "draft").count()
    ballots = dict(db.session.execute(select(cm.Ballot.source, func.count()).where(
        cm.Ballot.cycle_id == cycle.id).group_by(cm.Ballot.source)).all())
    approval = cycle.approval_result or {}
    return {
        "meetings": int(sum(by_kind.values())),
        "meetings_by_kind": {k: int(v) for k, v in sorted(by_kind.items())},
        "outside_participants": int(outside or 0),
        "members": len(memberships),
        "organizations": len({n for names in organizations.values() for n in names}),
        "organizations_by_type": {k: len(v) for k, v in sorted(organizations.items())},
        "priorities_recorded": int(priorities),
        "ballots_online": int(ballots.get("online", 0)),
        "ballots_paper": int(ballots.get("paper", 0)),
        "ballots_imported": int(ballots.get("imported", 0)),
        "ballots_total": int(sum(ballots.values())),
        "ballot_method": cycle.ballot_method,
        "rule": cycle.tally_rule,
        "approval": {k: int(approval[k]) for k in ("yes", "no", "abstain", "members") if k in approval},
    }


def _previous_year(council, year: int) -> dict | None:
    cycle = cycle_for_year(council, year - 1)
    if cycle is None:
        return None
    from citizen_budget.models import SpendingEntry

    funded = funded_allocations(cycle)
    by_sector: dict[str, dict] = {}
    for p in funded:
        ref = _ref(p.sector) or {"code": "", "name_ar": "", "name_en": ""}
        item = by_sector.setdefault(ref["code"], {**ref, "amount_minor": 0})
        item["amount_minor"] += int(p.cost_minor)
    executed = db.session.execute(select(func.coalesce(func.sum(SpendingEntry.amount_minor), 0)).where(
        SpendingEntry.cycle_id == cycle.id)).scalar()
    return {"fiscal_year": cycle.fiscal_year, "envelope_minor": int(cycle.envelope_minor),
            "allocated_minor": sum(int(p.cost_minor) for p in funded), "executed_minor": int(executed or 0),
            "by_sector": sorted(by_sector.values(), key=lambda s: (-s["amount_minor"], s["code"]))}


def texts_of(council_id: int, year: int) -> dict:
    from citizen_budget.models import TEXT_SECTIONS, CitizenBudgetText

    row = CitizenBudgetText.query.filter_by(council_id=council_id, fiscal_year=year).first()
    stored = row.texts if row else {}
    return {key: {"ar": (stored.get(key) or {}).get("ar", ""), "en": (stored.get(key) or {}).get("en", "")}
            for key, _label in TEXT_SECTIONS}


def build_snapshot(cycle) -> dict:
    """Everything the citizen budget of ``cycle`` shows, as plain JSON-able data (see the module doc)."""
    council = cycle.council
    tally = cycle.tally or {}
    main = tally.get("main") or {}
    explanations = main.get("explanations") or {}
    scores = main.get("scores") or {}
    final = set(cycle.final_selected_codes())
    override = cycle.override or {}
    added, removed = set(override.get("added", [])), set(override.get("removed", []))
    spending, progress, milestones = _execution(cycle)

    allocations = []
    linked_priorities = {}
    for p in sorted(cycle.proposals, key=lambda p: p.code):
        funded = p.code in final
        execution = spending.get(p.id, {"spending": [], "justifications": [], "over_allocation": False})
        execution["spending"].sort(key=lambda s: (s["quarter"], s["funding_source"] or ""))
        allocations.append({
            "code": p.code,
            "title_ar": p.title_ar, "title_en": p.title_en or "",
            "description_ar": p.description_ar or "", "description_en": p.description_en or "",
            "sector": _ref(p.sector), "locality": _ref(p.locality),
            "target_groups": [_ref(t) for t in p.target_groups],
            "amount_minor": int(p.cost_minor),
            "funding": [{"code": f.funding_source.code, "amount_minor": int(f.amount_minor)}
                        for f in sorted(p.funding, key=lambda f: f.funding_source.code) if f.amount_minor],
            "beneficiaries": _beneficiaries(p),
            "funded": funded,
            "votes": int(explanations.get(p.code, {}).get("votes", scores.get(p.code, 0)) or 0),
            "override": "added" if p.code in added else "removed" if p.code in removed else None,
            "explanation": _explanation(explanations.get(p.code), scores.get(p.code)),
            "priorities": sorted(pr.id for pr in p.priorities),
            "execution": {
                "executed_minor": sum(s["amount_minor"] for s in execution["spending"]),
                "progress_pct": progress.get(p.id),
                "over_allocation": execution["over_allocation"],
                "justifications": execution["justifications"],
                "spending": execution["spending"],
            } if funded else None,
            "milestones": milestones.get(p.id, []) if funded else [],
        })
        for pr in p.priorities:
            linked_priorities[pr.id] = pr

    from priorities.models import Priority
    candidates = Priority.query.filter(Priority.council_id == council.id, Priority.fiscal_year == cycle.fiscal_year,
                                       Priority.status.in_(("submitted", "shortlisted"))).all()
    for pr in candidates:
        linked_priorities.setdefault(pr.id, pr)
    priorities = [{"id": pr.id, "title_ar": pr.title_ar, "title_en": pr.title_en or "",
                   "sector": _ref(pr.sector), "locality": _ref(pr.locality),
                   "target_groups": [_ref(t) for t in pr.target_groups],
                   "beneficiaries": pr.estimated_beneficiaries}
                  for pr in sorted(linked_priorities.values(), key=lambda x: x.id)]

    governorate = council.governorate
    return {
        "schema": SCHEMA,
        "fiscal_year": cycle.fiscal_year,
        "currency": cycle.currency,
        "council": {"slug": council.slug, "name_ar": council.name_ar, "name_en": council.name_en,
                    "contact_email": council.contact_email or "", "contact_phone": council.contact_phone or "",
                    "governorate_ar": governorate.name_ar if governorate else "",
                    "governorate_en": governorate.name_en if governorate else ""},
        "cycle": {"title_ar": cycle.title_ar, "title_en": cycle.title_en or "", "phase": cycle.phase,
                  "approved": cycle.phase in PUBLISHABLE_PHASES, "ballot_method": cycle.ballot_method,
                  "rule": cycle.tally_rule, "override_reason": cycle.override_reason or "",
                  "approved_on": cycle.approved_at.date().isoformat() if cycle.approved_at else None},
        "envelope_minor": int(cycle.envelope_minor),
        "funding_sources": [{**_ref(f.funding_source), "amount_minor": int(f.amount_minor)}
                            for f in sorted(cycle.funding, key=lambda f: f.funding_source.sort_order)],
        "allocations": allocations,
        "priorities": priorities,
        "participation": _participation(cycle, council),
        "previous_year": _previous_year(council, cycle.fiscal_year),
        "texts": texts_of(council.id, cycle.fiscal_year),
    }


def json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(type(value))
