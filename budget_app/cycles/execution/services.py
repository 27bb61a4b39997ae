"""Execution of an approved budget: spending per quarter, progress, milestones.

Services take plain values and models, add and flush, record the audit entry, and never
commit: the request commits once. The citizen budget (a higher layer) reads execution only
through :func:`cycle_execution` and :func:`executed_minor`.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from budget_app import audit
from budget_app.cycles.errors import CycleError
from budget_app.cycles.execution.evidence import OBJECT_TYPE as MILESTONE_OBJECT
from budget_app.cycles.execution.models import MILESTONE_STATUSES, AllocationProgress, Milestone, SpendingEntry
from budget_app.cycles.models import AllocationProposal, BudgetCycle
from budget_app.extensions import db
from budget_app.reference.models import FundingSource
from budget_app.transaction import retry_on_conflict
from budget_app.uploads import services as uploads
from budget_app.utils import utcnow

JUSTIFICATION_MIN = 10
# Once the council has approved the allocation, spending can be recorded (and the citizen
# budget published: citizen_budget.snapshot.PUBLISHABLE_PHASES is this tuple).
EXECUTABLE_PHASES = ("approved", "executing", "closed")


class ExecutionError(CycleError):
    """A refused action on the execution, with a message for the user (and its form field)."""


class CycleNotApproved(ExecutionError):
    def __init__(self):
        super().__init__(_("Execution can be recorded only once the council has approved the allocation."))


# The cycle and its funded allocations -------------------------------------------------
def cycle_of(council, cycle_id: int):
    """The council's budget cycle ``cycle_id`` or None."""
    return BudgetCycle.query.filter_by(id=cycle_id, council_id=council.id).first()


def is_executable(cycle) -> bool:
    """Spending can be recorded once the council approved the allocation."""
    return cycle is not None and cycle.phase in EXECUTABLE_PHASES


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


# Recording -----------------------------------------------------------------------------
def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def spent_on_allocation(proposal_id: int) -> int:
    return int(db.session.execute(select(func.coalesce(func.sum(SpendingEntry.amount_minor), 0)).where(
        SpendingEntry.proposal_id == proposal_id)).scalar() or 0)


def check_executable(cycle, proposal):
    if not is_executable(cycle):
        raise CycleNotApproved()
    if proposal is None or funded_allocation(cycle, proposal.code) is None:
        raise ExecutionError(_("Spending can be recorded only for an allocation the council approved."))


def spending_problems(cycle, proposal, *, amount_minor: int | None, spent_on: date | None,
                      quarter: int | None = None, justification: str = "", pending_minor: int = 0) -> list:
    """Everything wrong with one spending entry, as ``[(field, message)]`` (empty: it may be
    recorded). ``pending_minor``: spending on the same allocation not recorded yet (earlier rows
    of the same file), counted when judging whether it goes beyond the allocated amount."""
    problems = []
    if not amount_minor or amount_minor <= 0:
        problems.append(("amount", _("The amount must be more than zero.")))
    if spent_on is None:
        problems.append(("spent_on", _("Give the date of the spending.")))
    elif spent_on.year != cycle.fiscal_year:
        problems.append(("spent_on", _("The date must fall within the fiscal year %(year)s.",
                                       year=cycle.fiscal_year)))
    elif quarter and quarter != quarter_of(spent_on):
        problems.append(("quarter", _("The date %(date)s is not in quarter %(quarter)s.", date=spent_on.isoformat(),
                                      quarter=quarter)))
    if amount_minor and amount_minor > 0 and proposal is not None:
        over = spent_on_allocation(proposal.id) + pending_minor + amount_minor > proposal.cost_minor
        if over and len((justification or "").strip()) < JUSTIFICATION_MIN:
            problems.append(("justification", ngettext(
                "This brings the spending beyond the allocated amount: explain why (at least %(num)s character).",
                "This brings the spending beyond the allocated amount: explain why (at least %(num)s characters).",
                JUSTIFICATION_MIN)))
    return problems


def record_spending(cycle, proposal, user, *, amount_minor: int, spent_on: date, quarter: int | None = None,
                    funding_source_id: int | None = None, note: str = "", justification: str = "",
                    record: bool = True) -> SpendingEntry:
    """Add money spent on a funded allocation. Spending beyond the allocated amount needs a
    justification (at least 10 characters) and is flagged ``over_allocation``."""
    check_executable(cycle, proposal)
    problems = spending_problems(cycle, proposal, amount_minor=amount_minor, spent_on=spent_on, quarter=quarter,
                                 justification=justification)
    if problems:
        raise ExecutionError(problems[0][1], problems[0][0])
    quarter = quarter or quarter_of(spent_on)
    justification = (justification or "").strip()
    over = spent_on_allocation(proposal.id) + amount_minor > proposal.cost_minor
    entry = SpendingEntry(council_id=cycle.council_id, cycle_id=cycle.id, proposal_id=proposal.id, quarter=quarter,
                          amount_minor=amount_minor, spent_on=spent_on, funding_source_id=funding_source_id,
                          note=(note or "").strip(), justification=justification if over else "",
                          over_allocation=over, created_by_id=getattr(user, "id", None))
    db.session.add(entry)
    db.session.flush()
    if record:
        audit.record("execution.spending", entry, council_id=cycle.council_id, actor=user, code=proposal.code,
                     amount_minor=amount_minor, quarter=quarter, over_allocation=over)
    return entry


def delete_spending(entry: SpendingEntry, user=None) -> None:
    """Remove a spending entry recorded by mistake (the audit log keeps what it was)."""
    audit.record("execution.spending_delete", entry, council_id=entry.council_id, actor=user,
                 amount_minor=entry.amount_minor, quarter=entry.quarter, proposal_id=entry.proposal_id)
    db.session.delete(entry)
    db.session.flush()


def set_progress(cycle, proposal, user, progress_pct: int) -> AllocationProgress:
    """The allocation's progress in percent (0–100). Two directors saving at once: the second
    updates the row the first inserted (in a savepoint; the request is not rolled back)."""
    check_executable(cycle, proposal)
    if progress_pct is None or not 0 <= progress_pct <= 100:
        raise ExecutionError(_("Progress is a percentage between 0 and 100."), "progress_pct")

    def save():
        row = db.session.get(AllocationProgress, proposal.id, populate_existing=True)
        if row is None:
            row = AllocationProgress(proposal_id=proposal.id, council_id=cycle.council_id, progress_pct=progress_pct)
            db.session.add(row)
        else:
            row.progress_pct = progress_pct
        db.session.flush()
        return row

    row = retry_on_conflict(save)
    audit.record("execution.progress", None, council_id=cycle.council_id, actor=user, code=proposal.code,
                 progress_pct=progress_pct)
    return row


def save_milestone(cycle, proposal, user, milestone: Milestone | None = None, *, title_ar: str, title_en: str = "",
                   status: str = "planned", due_on: date | None = None, done_on: date | None = None) -> Milestone:
    """Add or update a milestone of a funded allocation."""
    check_executable(cycle, proposal)
    if not (title_ar or "").strip():
        raise ExecutionError(_("Give the milestone a title in Arabic."), "title_ar")
    if status not in MILESTONE_STATUSES:
        raise ExecutionError(_("Unknown status."), "status")
    if status == "done" and done_on is None:
        done_on = utcnow().date()
    if milestone is None:
        milestone = Milestone(council_id=cycle.council_id, proposal_id=proposal.id)
        db.session.add(milestone)
    milestone.title_ar, milestone.title_en = title_ar.strip(), (title_en or "").strip()
    milestone.status, milestone.due_on, milestone.done_on = status, due_on, done_on
    db.session.flush()
    audit.record("execution.milestone", milestone, council_id=cycle.council_id, actor=user, code=proposal.code,
                 status=status)
    return milestone


def delete_milestone(milestone: Milestone, user=None) -> None:
    """Delete a milestone with its photos and documents (their files go once this is committed)."""
    audit.record("execution.milestone_delete", milestone, council_id=milestone.council_id, actor=user,
                 title=milestone.title_ar)
    uploads.remove_all(MILESTONE_OBJECT, milestone.id)
    db.session.delete(milestone)
    db.session.flush()


# Reading -------------------------------------------------------------------------------
def execution_overview(cycle) -> list[dict]:
    """One row per funded allocation: allocated, spent, progress, flagged, milestones count."""
    allocations = funded_allocations(cycle)
    ids = [p.id for p in allocations]
    spent = dict(db.session.execute(select(SpendingEntry.proposal_id, func.sum(SpendingEntry.amount_minor))
                                    .where(SpendingEntry.cycle_id == cycle.id).group_by(SpendingEntry.proposal_id)).all())
    flagged = {r[0] for r in db.session.execute(select(SpendingEntry.proposal_id).where(
        SpendingEntry.cycle_id == cycle.id, SpendingEntry.over_allocation.is_(True)))}
    progress = {r.proposal_id: r.progress_pct for r in AllocationProgress.query.filter(
        AllocationProgress.proposal_id.in_(ids))} if ids else {}
    milestones = dict(db.session.execute(select(Milestone.proposal_id, func.count()).where(
        Milestone.proposal_id.in_(ids)).group_by(Milestone.proposal_id)).all()) if ids else {}
    return [{**allocation_summary(p), "spent_minor": int(spent.get(p.id, 0) or 0),
             "progress_pct": progress.get(p.id), "flagged": p.id in flagged,
             "milestones": milestones.get(p.id, 0)} for p in allocations]


def allocation_entries(council, proposal) -> tuple[list, list, AllocationProgress | None]:
    """One allocation's spending entries (by date), milestones (by due date) and progress row."""
    entries = (SpendingEntry.query.filter_by(proposal_id=proposal.id, council_id=council.id)
               .order_by(SpendingEntry.spent_on, SpendingEntry.id).all())
    milestones = Milestone.query.filter_by(proposal_id=proposal.id, council_id=council.id).order_by(
        Milestone.due_on.is_(None), Milestone.due_on, Milestone.id).all()
    return entries, milestones, db.session.get(AllocationProgress, proposal.id)


def cycle_execution(cycle) -> tuple[dict, dict, dict]:
    """The execution of every proposal of ``cycle`` as plain data, for the citizen budget's
    snapshot: ``(spending, progress, milestones)`` keyed by proposal id, where

    - ``spending[id]`` is ``{"spending": [{quarter, funding_source (code or None), amount_minor}],
      "justifications": [text], "over_allocation": bool}`` (summed by quarter and source),
    - ``progress[id]`` is the percentage,
    - ``milestones[id]`` is ``[{title_ar, title_en, status, due_on, done_on, attachments}]`` (ISO
      dates), by due date; ``attachments`` are the milestone's photos and documents,
      ``[{attachment_id, kind, name, alt_ar, alt_en, width, height, pages, size, sha256}]``.
    """
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
        rows = (Milestone.query.filter(Milestone.proposal_id.in_(proposal_ids))
                .order_by(Milestone.due_on.is_(None), Milestone.due_on, Milestone.id).all())
        files = uploads.attachments_of(MILESTONE_OBJECT, [m.id for m in rows])
        for m in rows:
            milestones.setdefault(m.proposal_id, []).append({
                "title_ar": m.title_ar, "title_en": m.title_en or "", "status": m.status,
                "due_on": m.due_on.isoformat() if m.due_on else None,
                "done_on": m.done_on.isoformat() if m.done_on else None,
                "attachments": [uploads.snapshot_entry(a) for a in files[m.id]]})
    return spending, progress, milestones


def executed_minor(cycle) -> int:
    """Everything spent on ``cycle``'s allocations, in minor units."""
    return int(db.session.execute(select(func.coalesce(func.sum(SpendingEntry.amount_minor), 0)).where(
        SpendingEntry.cycle_id == cycle.id)).scalar() or 0)


def has_spending(cycle) -> bool:
    return SpendingEntry.query.filter_by(cycle_id=cycle.id).first() is not None


# The audit log ---------------------------------------------------------------------------
def _on_proposals(council, model, ids) -> dict:
    """Spending entries or milestones by id, each named by the allocation it belongs to and
    leading to that allocation's execution page."""
    wanted = [int(i) for i in ids if str(i).isdigit()]
    rows = (db.session.query(model.id, AllocationProposal)
            .join(AllocationProposal, AllocationProposal.id == model.proposal_id)
            .filter(model.council_id == council.id, model.id.in_(wanted)).all())
    return {row_id: (p.title, "execution.allocation",
                     {"slug": council.slug, "cycle_id": p.cycle_id, "proposal_id": p.id}) for row_id, p in rows}


def describe_spending(council, ids) -> dict:
    """For the audit log: spending entries by id (named by their allocation)."""
    return _on_proposals(council, SpendingEntry, ids)


def describe_milestones(council, ids) -> dict:
    """For the audit log: milestones by id (named by their allocation)."""
    return _on_proposals(council, Milestone, ids)
