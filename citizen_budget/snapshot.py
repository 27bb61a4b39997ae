"""The frozen citizen budget: plain JSON data built from the budget cycle and council work.

This is the ONE module of ``citizen_budget`` that reads the models of the cycles, councils and
priorities packages; the execution (spending, progress, milestones) it reads through the cycles
layer's service ``budget_app.cycles.execution.services.cycle_execution``. Everything else (pages, charts, open data, the API) works on the dict
returned by :func:`build_snapshot`, so a published version renders the same forever.

Snapshot format (``SCHEMA`` 1), all money in integer minor units::

    {"schema": 1, "fiscal_year": 2026, "currency": "ILS",
     "council": {slug, name_ar, name_en, contact_email, contact_phone, governorate_ar, governorate_en},
     "cycle": {id, title_ar, title_en, phase, approved: bool, ballot_method, rule, override_reason},
     "envelope_minor": int,
     "funding_sources": [{code, name_ar, name_en, amount_minor}],
     "allocations": [{code, title_ar, title_en, description_ar, description_en, sector, locality,
                      target_groups: [ref], amount_minor, funding: [{code, amount_minor}],
                      beneficiaries, funded, votes, override: "added"|"removed"|None,
                      explanation: {reason, rank, votes, *_minor..., payments_minor: [[minor, voters]]},
                      margin: None | {max_cost_funded_minor, extra_supporters_needed, cost_headroom_minor,
                                      supporters_to_spare, not_within} (what it would have taken; each
                                      number checked by re-running the rule; None when overridden),
                      priorities: [ids],
                      execution: {executed_minor, progress_pct, over_allocation, justifications,
                                  spending: [{quarter, funding_source, amount_minor}]},
                      milestones: [{title_ar, title_en, status, due_on, done_on}]}],
     "priorities": [{id, title_ar, title_en, sector, locality, target_groups, beneficiaries,
                     evidence_type, evidence_meeting: None | {kind, held_on, title}}],
     "participation": {meetings, meetings_by_kind, outside_participants, members, organizations,
                       organizations_by_type, priorities_recorded, ballots_online, ballots_paper,
                       ballots_imported, ballots_total, ballot_method, rule, approval},
     "consultations": [{question_ar, question_en, method, answers, online, paper, compared_with_round,
                        rows: [{priority_id, title_ar, title_en, position, score, council_position}]}]
                      (beneficiaries' closed consultations of the year; absent from older snapshots),
     "previous_year": None | {fiscal_year, envelope_minor, allocated_minor, executed_minor,
                              by_sector: [{code, name_ar, name_en, amount_minor}]},
     "texts": {section: {"ar": markdown, "en": markdown}},
     "fairness": None | {rule, completion, report: {percent_non_empty_handed, avg_satisfaction,
                          gini_coefficient_of_satisfaction, satisfaction_kind, num_voters, non_empty_handed,
                          unspent}, proportionality: {ejr_up_to_one, pjr, guarantee}}}

where a ``ref`` is ``{code, name_ar, name_en}`` (or None). ``evidence_type`` and
``evidence_meeting`` (the source of a need's evidence and the meeting where it was raised) are
absent from versions published before the allocation record (issue 15): readers use ``.get``. No personal data: no voter, no
member name, no feedback author.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from budget_app.cycles import models as cm
from budget_app.cycles.execution import services as execution
# Re-exported: the citizen budget's pages and demo name the funded allocations through this module.
from budget_app.cycles.execution.services import (allocation_summary, cycle_of, cycle_summary,  # noqa: F401
                                                  funded_allocation, funded_allocations, is_executable)
from budget_app.cycles.fairness_text import margin_minor, snapshot_fairness
from budget_app.extensions import db
from budget_app.tenancy import Membership
from budget_app.uploads import services as uploads
from citizen_budget.models import TEXT_SECTIONS, CitizenBudgetText
from councils.models import Meeting, MeetingParticipantCount
from priorities.consultations.comparison import for_citizen_budget
from priorities.evidence import OBJECT_TYPE as PRIORITY_OBJECT
from priorities.models import Priority

SCHEMA = 1
# A citizen budget can be published once the council approved the allocation: when its
# execution can be recorded.
PUBLISHABLE_PHASES = execution.EXECUTABLE_PHASES
EXPLANATION_MONEY_KEYS = ("cost", "remaining", "remaining_before", "remaining_after", "supporters_budget",
                          "per_voter_payment", "budget")
EXPLANATION_KEYS = ("reason", "phase", "rank", "round", "votes", "score", "supporters", "payers", "conflicts_with",
                    "stopped_by", "completion_reason")


# Canonical form and hash -------------------------------------------------------------
def canonical_json(snapshot: dict) -> str:
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def content_hash(snapshot: dict) -> str:
    """SHA-256 of the canonical JSON: the same figures and texts always give the same hash."""
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()


# Access to the cycles package --------------------------------------------------------
def _models():
    return cm


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


# Building ----------------------------------------------------------------------------
def _ref(obj) -> dict | None:
    if obj is None:
        return None
    return {"code": obj.code, "name_ar": obj.name_ar, "name_en": obj.name_en}


def _meeting(meeting) -> dict | None:
    """Where a need was raised: the meeting's kind, day and title (no attendance, no minutes)."""
    if meeting is None:
        return None
    return {"kind": meeting.kind, "held_on": meeting.held_at.date().isoformat(), "title": meeting.title or ""}


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
    if isinstance(e.get("payments"), list):  # MES: what the supporters paid (tally contract, issue 9.4)
        out["payments_minor"] = [[_minor(amount), int(count)] for amount, count in e["payments"]]
    if "votes" not in out and votes is not None:
        out["votes"] = votes
    out.setdefault("reason", "selected" if e.get("funded") else "unknown")
    return out


def _beneficiaries(proposal) -> int | None:
    """The people the allocation reaches: the sum of its linked priorities' estimates (a proposal
    records no number of its own)."""
    numbers = [p.estimated_beneficiaries for p in proposal.priorities if p.estimated_beneficiaries]
    return sum(numbers) if numbers else None


def _review(proposal) -> dict | None:
    """The feasibility review, as published: outcome, public reason, what changes and the cost asked
    for (the reviewer's name is not published)."""
    review = proposal.review
    if review is None:
        return None
    return {"outcome": review.outcome, "reason": review.reason, "changes": review.changes or "",
            "original_cost_minor": int(review.original_cost_minor),
            "revised_cost_minor": int(review.revised_cost_minor) if review.revised_cost_minor is not None else None,
            "reviewed_on": review.reviewed_at.date().isoformat() if review.reviewed_at else None}


def _recusals_by_code(cycle) -> dict:
    """Per proposal code, the members who declared an interest in it (recused from the approval):
    how many, and the organizations they represent (never their names)."""
    organization = {m.user_id: m.organization_name for m in Membership.query.filter_by(council_id=cycle.council_id)}
    out: dict[str, dict] = {}
    for d in cm.InterestDeclaration.query.filter_by(cycle_id=cycle.id, has_interest=True):
        for code in d.proposal_codes:
            item = out.setdefault(code, {"recusals": 0, "organizations": []})
            item["recusals"] += 1
            org = organization.get(d.user_id, "")
            if org and org not in item["organizations"]:
                item["organizations"].append(org)
    return out


def _participation(cycle, council) -> dict:

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
        "approval": {k: int(approval[k]) for k in ("yes", "no", "abstain", "members", "recused") if k in approval},
        "declarations": _declarations(cycle, memberships),
    }


def _declarations(cycle, memberships) -> dict:
    """The declarations of interest before the approval vote, as published: how many members
    declared, and for each recused member the organization they represent and the proposals
    concerned (not the person's name)."""
    rows = cm.InterestDeclaration.query.filter_by(cycle_id=cycle.id).order_by(cm.InterestDeclaration.id).all()
    organization = {m.user_id: m.organization_name for m in memberships}
    recused = [{"organization": organization.get(d.user_id, ""), "codes": d.proposal_codes}
               for d in rows if d.has_interest]
    return {"declared": len(rows), "recused": sorted(recused, key=lambda r: (r["codes"], r["organization"]))}


def _previous_year(council, year: int) -> dict | None:
    cycle = cycle_for_year(council, year - 1)
    if cycle is None:
        return None

    funded = funded_allocations(cycle)
    by_sector: dict[str, dict] = {}
    for p in funded:
        ref = _ref(p.sector) or {"code": "", "name_ar": "", "name_en": ""}
        item = by_sector.setdefault(ref["code"], {**ref, "amount_minor": 0})
        item["amount_minor"] += int(p.cost_minor)
    executed = execution.executed_minor(cycle)
    return {"fiscal_year": cycle.fiscal_year, "envelope_minor": int(cycle.envelope_minor),
            "allocated_minor": sum(int(p.cost_minor) for p in funded), "executed_minor": int(executed or 0),
            "by_sector": sorted(by_sector.values(), key=lambda s: (-s["amount_minor"], s["code"]))}


def texts_of(council_id: int, year: int) -> dict:

    row = CitizenBudgetText.query.filter_by(council_id=council_id, fiscal_year=year).first()
    stored = row.texts if row else {}
    return {key: {"ar": (stored.get(key) or {}).get("ar", ""), "en": (stored.get(key) or {}).get("en", "")}
            for key, _label in TEXT_SECTIONS}


def _proposals_loaded(cycle) -> list:
    """The cycle's proposals with everything the snapshot reads, in a few queries (not a few
    per proposal: a city-wide election has hundreds)."""


    cm = _models()
    return (cm.AllocationProposal.query.filter_by(cycle_id=cycle.id)
            .options(selectinload(cm.AllocationProposal.sector), selectinload(cm.AllocationProposal.locality),
                     selectinload(cm.AllocationProposal.target_groups),
                     selectinload(cm.AllocationProposal.priorities).selectinload(Priority.target_groups),
                     selectinload(cm.AllocationProposal.priorities).selectinload(Priority.evidence_meeting),
                     selectinload(cm.AllocationProposal.funding).selectinload(cm.ProposalFunding.funding_source))
            .all())


def _need_files(proposals: list) -> dict[int, list[dict]]:
    """The photos and documents of every priority the cycle's proposals answer, by priority id
    (``proposals`` loaded with their priorities: ``_proposals_loaded``)."""
    ids = sorted({pr.id for p in proposals for pr in p.priorities})
    return {pid: [uploads.snapshot_entry(a) for a in rows]
            for pid, rows in uploads.attachments_of(PRIORITY_OBJECT, ids).items()}


def _evidence(proposal, milestones: list[dict], need_files: dict) -> list[dict]:
    """An allocation's evidence for its public record: its needs' photos and documents, then its
    milestones' (each names what it documents). Naming them here makes them public once published
    (``citizen_budget.evidence``)."""
    items = [{**entry, "source": "need", "of_ar": pr.title_ar, "of_en": pr.title_en or ""}
             for pr in sorted(proposal.priorities, key=lambda x: x.id) for entry in need_files.get(pr.id, [])]
    items += [{**entry, "source": "milestone", "of_ar": m["title_ar"], "of_en": m["title_en"]}
              for m in milestones for entry in m.get("attachments") or []]
    return items


def build_snapshot(cycle) -> dict:
    """Everything the citizen budget of ``cycle`` shows, as plain JSON-able data (see the module doc)."""
    council = cycle.council
    tally = cycle.tally or {}
    main = tally.get("main") or {}
    explanations = main.get("explanations") or {}
    scores = main.get("scores") or {}
    margins = tally.get("margins") or {}
    final = set(cycle.final_selected_codes())
    override = cycle.override or {}
    added, removed = set(override.get("added", [])), set(override.get("removed", []))
    spending, progress, milestones = execution.cycle_execution(cycle)
    recusals = _recusals_by_code(cycle)
    proposals = _proposals_loaded(cycle)
    need_files = _need_files(proposals)

    allocations = []
    linked_priorities = {}
    for p in sorted(proposals, key=lambda p: p.code):
        funded = p.code in final
        executed = spending.get(p.id, {"spending": [], "justifications": [], "over_allocation": False})
        executed["spending"].sort(key=lambda s: (s["quarter"], s["funding_source"] or ""))
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
            "margin": None if p.code in added or p.code in removed else margin_minor(margins.get(p.code)),
            "priorities": sorted(pr.id for pr in p.priorities),
            "execution": {
                "executed_minor": sum(s["amount_minor"] for s in executed["spending"]),
                "progress_pct": progress.get(p.id),
                "over_allocation": executed["over_allocation"],
                "justifications": executed["justifications"],
                "spending": executed["spending"],
            } if funded else None,
            "milestones": milestones.get(p.id, []) if funded else [],
            "review": _review(p),
            "declarations": recusals.get(p.code),
            "evidence": _evidence(p, milestones.get(p.id, []) if funded else [], need_files),
        })
        for pr in p.priorities:
            linked_priorities[pr.id] = pr


    # Their sector, locality and target groups in three queries, not three per priority (a
    # ministry's council records hundreds a year).
    candidates = (Priority.query.filter(Priority.council_id == council.id, Priority.fiscal_year == cycle.fiscal_year,
                                        Priority.status.in_(("submitted", "shortlisted")))
                  .options(selectinload(Priority.sector), selectinload(Priority.locality),
                           selectinload(Priority.target_groups), selectinload(Priority.evidence_meeting)).all())
    for pr in candidates:
        linked_priorities.setdefault(pr.id, pr)
    priorities = [{"id": pr.id, "title_ar": pr.title_ar, "title_en": pr.title_en or "",
                   "sector": _ref(pr.sector), "locality": _ref(pr.locality),
                   "target_groups": [_ref(t) for t in pr.target_groups],
                   "beneficiaries": pr.estimated_beneficiaries,
                   "evidence_type": pr.evidence_type or "", "evidence_meeting": _meeting(pr.evidence_meeting)}
                  for pr in sorted(linked_priorities.values(), key=lambda x: x.id)]

    governorate = council.governorate
    return {
        "schema": SCHEMA,
        "fairness": snapshot_fairness(tally, cycle.tally_rule, cycle.override),
        "fiscal_year": cycle.fiscal_year,
        "currency": cycle.currency,
        "council": {"slug": council.slug, "name_ar": council.name_ar, "name_en": council.name_en,
                    "contact_email": council.contact_email or "", "contact_phone": council.contact_phone or "",
                    "governorate_ar": governorate.name_ar if governorate else "",
                    "governorate_en": governorate.name_en if governorate else ""},
        "cycle": {"id": cycle.id, "title_ar": cycle.title_ar, "title_en": cycle.title_en or "", "phase": cycle.phase,
                  "approved": cycle.phase in PUBLISHABLE_PHASES, "ballot_method": cycle.ballot_method,
                  "rule": cycle.tally_rule, "override_reason": cycle.override_reason or "",
                  "approved_on": cycle.approved_at.date().isoformat() if cycle.approved_at else None},
        "envelope_minor": int(cycle.envelope_minor),
        "funding_sources": [{**_ref(f.funding_source), "amount_minor": int(f.amount_minor)}
                            for f in sorted(cycle.funding, key=lambda f: f.funding_source.sort_order)],
        "allocations": allocations,
        "priorities": priorities,
        "participation": _participation(cycle, council),
        "consultations": for_citizen_budget(council.id, cycle.fiscal_year),
        "previous_year": _previous_year(council, cycle.fiscal_year),
        "texts": texts_of(council.id, cycle.fiscal_year),
    }

