"""Execution tracking, citizen-budget texts, publishing versions, citizens' feedback.

Services take plain values and models, add and flush, record the audit entry, and never
commit: the request commits once.
"""
from __future__ import annotations

import json
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from budget_app import audit
from budget_app.extensions import db
from budget_app.utils import utcnow
from citizen_budget import snapshot as snap
from citizen_budget.models import (FEEDBACK_MAX_LENGTH, FEEDBACK_PENDING, FEEDBACK_PUBLISHED, FEEDBACK_REJECTED,
                                   MILESTONE_STATUSES, TEXT_SECTIONS, AllocationProgress, CitizenBudgetText,
                                   CitizenBudgetVersion, Feedback, Milestone, SpendingEntry)

JUSTIFICATION_MIN = 10


class CitizenBudgetError(Exception):
    """A refused action, with a message for the user (and the form field concerned, if any)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


# Execution -----------------------------------------------------------------------------
def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def spent_on_allocation(proposal_id: int) -> int:
    return int(db.session.execute(select(func.coalesce(func.sum(SpendingEntry.amount_minor), 0)).where(
        SpendingEntry.proposal_id == proposal_id)).scalar() or 0)


def _check_executable(cycle, proposal):
    if not snap.is_executable(cycle):
        raise CycleNotApproved()
    if proposal is None or snap.funded_allocation(cycle, proposal.code) is None:
        raise CitizenBudgetError(_("Spending can be recorded only for an allocation the council approved."))


class CycleNotApproved(CitizenBudgetError):
    def __init__(self):
        super().__init__(_("Execution can be recorded only once the council has approved the allocation."))


def record_spending(cycle, proposal, user, *, amount_minor: int, spent_on: date, quarter: int | None = None,
                    funding_source_id: int | None = None, note: str = "", justification: str = "",
                    record: bool = True) -> SpendingEntry:
    """Add money spent on a funded allocation. Spending beyond the allocated amount needs a
    justification (at least 10 characters) and is flagged ``over_allocation``."""
    _check_executable(cycle, proposal)
    if not amount_minor or amount_minor <= 0:
        raise CitizenBudgetError(_("The amount must be more than zero."), "amount")
    if spent_on is None:
        raise CitizenBudgetError(_("Give the date of the spending."), "spent_on")
    if spent_on.year != cycle.fiscal_year:
        raise CitizenBudgetError(_("The date must fall within the fiscal year %(year)s.", year=cycle.fiscal_year),
                                 "spent_on")
    quarter = quarter or quarter_of(spent_on)
    if quarter != quarter_of(spent_on):
        raise CitizenBudgetError(_("The date %(date)s is not in quarter %(quarter)s.", date=spent_on.isoformat(),
                                   quarter=quarter), "quarter")
    justification = (justification or "").strip()
    over = spent_on_allocation(proposal.id) + amount_minor > proposal.cost_minor
    if over and len(justification) < JUSTIFICATION_MIN:
        raise CitizenBudgetError(_("This brings the spending beyond the allocated amount: explain why (at least "
                                   "%(n)s characters).", n=JUSTIFICATION_MIN), "justification")
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
    """The allocation's progress in percent (0–100)."""
    _check_executable(cycle, proposal)
    if progress_pct is None or not 0 <= progress_pct <= 100:
        raise CitizenBudgetError(_("Progress is a percentage between 0 and 100."), "progress_pct")
    row = db.session.get(AllocationProgress, proposal.id)
    if row is None:
        row = AllocationProgress(proposal_id=proposal.id, council_id=cycle.council_id, progress_pct=progress_pct)
        db.session.add(row)
    else:
        row.progress_pct = progress_pct
    try:
        db.session.flush()
    except IntegrityError:  # two directors at once: the other one's row exists now
        db.session.rollback()
        row = db.session.get(AllocationProgress, proposal.id)
        row.progress_pct = progress_pct
        db.session.flush()
    audit.record("execution.progress", None, council_id=cycle.council_id, actor=user, code=proposal.code,
                 progress_pct=progress_pct)
    return row


def save_milestone(cycle, proposal, user, milestone: Milestone | None = None, *, title_ar: str, title_en: str = "",
                   status: str = "planned", due_on: date | None = None, done_on: date | None = None) -> Milestone:
    """Add or update a milestone of a funded allocation."""
    _check_executable(cycle, proposal)
    if not (title_ar or "").strip():
        raise CitizenBudgetError(_("Give the milestone a title in Arabic."), "title_ar")
    if status not in MILESTONE_STATUSES:
        raise CitizenBudgetError(_("Unknown status."), "status")
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
    audit.record("execution.milestone_delete", milestone, council_id=milestone.council_id, actor=user,
                 title=milestone.title_ar)
    db.session.delete(milestone)
    db.session.flush()


def execution_overview(cycle) -> list[dict]:
    """One row per funded allocation: allocated, spent, progress, flagged, milestones count."""
    allocations = snap.funded_allocations(cycle)
    ids = [p.id for p in allocations]
    spent = dict(db.session.execute(select(SpendingEntry.proposal_id, func.sum(SpendingEntry.amount_minor))
                                    .where(SpendingEntry.cycle_id == cycle.id).group_by(SpendingEntry.proposal_id)).all())
    flagged = {r[0] for r in db.session.execute(select(SpendingEntry.proposal_id).where(
        SpendingEntry.cycle_id == cycle.id, SpendingEntry.over_allocation.is_(True)))}
    progress = {r.proposal_id: r.progress_pct for r in AllocationProgress.query.filter(
        AllocationProgress.proposal_id.in_(ids))} if ids else {}
    milestones = dict(db.session.execute(select(Milestone.proposal_id, func.count()).where(
        Milestone.proposal_id.in_(ids)).group_by(Milestone.proposal_id)).all()) if ids else {}
    return [{**snap.allocation_summary(p), "spent_minor": int(spent.get(p.id, 0) or 0),
             "progress_pct": progress.get(p.id), "flagged": p.id in flagged,
             "milestones": milestones.get(p.id, 0)} for p in allocations]


# Spreadsheet import of spending ----------------------------------------------------------
class ImportFailed(CitizenBudgetError):
    """The file had problems; nothing was imported. ``errors``: list of ``RowError``."""

    def __init__(self, errors):
        super().__init__(_("Nothing was imported: the file has %(n)s problem(s). Correct them and send the file "
                           "again.", n=len(errors)))
        self.errors = errors


def spending_columns():
    """The columns of the spending import and of its template."""
    from flask_babel import lazy_gettext as _l

    from budget_app.cycles.forms import parse_amount
    from budget_app.cycles.imports import Column
    from budget_app.reference.models import FundingSource

    def money(raw):
        try:
            value = parse_amount(raw)
        except Exception:
            value = None
        if value is None or value <= 0:
            raise ValueError(_("“%(value)s” is not an amount more than zero; write it like 12000 or 12000.50.",
                               value=raw))
        return value

    def day(raw):
        try:
            return date.fromisoformat(raw.strip()[:10])
        except ValueError:
            raise ValueError(_("“%(value)s” is not a date; write it like 2026-03-31.", value=raw))

    def quarter(raw):
        value = raw.strip().upper().lstrip("Q")
        if value not in ("1", "2", "3", "4"):
            raise ValueError(_("The quarter is 1, 2, 3 or 4."))
        return int(value)

    sources = {}

    def source(raw):
        if not sources:
            for s in FundingSource.query:
                for key in (s.code, s.name_ar, s.name_en):
                    sources[key.strip().casefold()] = s.id
        key = raw.strip().casefold()
        if key not in sources:
            raise ValueError(_("Unknown funding source “%(value)s”; use a code or a name from the reference list.",
                               value=raw))
        return sources[key]

    return [
        Column("code", _l("Budget-line code"), True, None, _l("The code of an approved allocation."), "P01-A01"),
        Column("spent_on", _l("Date"), True, day, _l("The date of the spending, e.g. 2026-03-31."), "2026-03-31"),
        Column("amount", _l("Amount"), True, money, _l("Amount spent, in the cycle's currency."), "12000"),
        Column("quarter", _l("Quarter"), False, quarter, _l("1 to 4; taken from the date when left empty."), "1"),
        Column("funding_source", _l("Funding source"), False, source, _l("Code or name of the funding source."),
               "treasury"),
        Column("note", _l("Note"), False, None, _l("Optional: what the money paid for."), ""),
        Column("justification", _l("Justification"), False, None,
               _l("Required when the spending goes beyond the allocated amount."), ""),
    ]


def import_spending(cycle, table: list[list[str]], user) -> int:
    """Check every row, then record all the spending — or nothing at all (raises :class:`ImportFailed`;
    the caller rolls back)."""
    from budget_app.cycles.imports import Importer, RowError

    if not snap.is_executable(cycle):
        raise CycleNotApproved()
    importer = Importer(spending_columns())
    records, errors = importer.parse(table)
    if errors:
        raise ImportFailed(errors)
    allocations = {p.code: p for p in snap.funded_allocations(cycle)}
    count = 0
    for number, r in records:
        proposal = allocations.get(r["code"])
        if proposal is None:
            errors.append(RowError(number, str(importer.column("code").label),
                                   _("No approved allocation with the code %(code)s.", code=r["code"])))
            continue
        try:
            with db.session.begin_nested():
                record_spending(cycle, proposal, user, amount_minor=r["amount"], spent_on=r["spent_on"],
                                quarter=r["quarter"], funding_source_id=r["funding_source"], note=r["note"] or "",
                                justification=r["justification"] or "", record=False)
            count += 1
        except CitizenBudgetError as exc:
            column = {"spent_on": "spent_on", "quarter": "quarter", "justification": "justification",
                      "amount": "amount"}.get(exc.field or "", "")
            errors.append(RowError(number, str(importer.column(column).label) if column else "", exc.message))
    if errors:
        raise ImportFailed(errors)
    audit.record("execution.import", None, council_id=cycle.council_id, actor=user, cycle_id=cycle.id, rows=count)
    return count


# Texts and publishing ------------------------------------------------------------------
def save_texts(council, year: int, texts: dict, user=None) -> CitizenBudgetText:
    """The director's Markdown texts, ``{section: {"ar": ..., "en": ...}}`` (sanitized when shown)."""
    keys = [k for k, _label in TEXT_SECTIONS]
    clean = {k: {lang: (texts.get(k, {}).get(lang) or "").strip()[:20000] for lang in ("ar", "en")} for k in keys}
    row = CitizenBudgetText.query.filter_by(council_id=council.id, fiscal_year=year).first()
    if row is None:
        row = CitizenBudgetText(council_id=council.id, fiscal_year=year)
        db.session.add(row)
    row.texts_json = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # created at the same moment by someone else: update theirs
        row = CitizenBudgetText.query.filter_by(council_id=council.id, fiscal_year=year).one()
        row.texts_json = json.dumps(clean, ensure_ascii=False, sort_keys=True)
        db.session.flush()
    audit.record("citizen_budget.texts", row, council_id=council.id, actor=user, fiscal_year=year)
    return row


def latest_version(council_id: int, year: int) -> CitizenBudgetVersion | None:
    return (CitizenBudgetVersion.query.filter_by(council_id=council_id, fiscal_year=year)
            .order_by(CitizenBudgetVersion.number.desc()).first())


def publish_version(council, year: int, user=None, note: str = "", snapshot: dict | None = None) -> CitizenBudgetVersion:
    """Freeze the citizen budget of ``year`` as a new immutable version (snapshot, SHA-256, time).

    Refused when the allocation is not approved yet, or when nothing changed since the latest version."""
    cycle = snap.cycle_for_year(council, year)
    if snapshot is None:
        if cycle is None:
            raise CitizenBudgetError(_("There is no approved budget for %(year)s to publish.", year=year))
        snapshot = snap.build_snapshot(cycle)
    digest = snap.content_hash(snapshot)
    latest = latest_version(council.id, year)
    if latest is not None and latest.content_hash == digest:
        raise CitizenBudgetError(_("Nothing changed since version %(n)s: there is nothing new to publish.",
                                   n=latest.number))
    version = CitizenBudgetVersion(council_id=council.id, cycle_id=cycle.id if cycle else None, fiscal_year=year,
                                   number=(latest.number + 1) if latest else 1,
                                   snapshot_json=snap.canonical_json(snapshot), content_hash=digest,
                                   note=(note or "").strip()[:250], published_at=utcnow(),
                                   published_by_id=getattr(user, "id", None))
    db.session.add(version)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise CitizenBudgetError(_("Another version was published at the same moment. Reload and try again."))
    audit.record("citizen_budget.publish", version, council_id=council.id, actor=user, fiscal_year=year,
                 number=version.number, content_hash=digest)
    return version


# Feedback ------------------------------------------------------------------------------
def submit_feedback(council, year: int, body: str, contact: str = "") -> Feedback:
    """A citizen's message, kept unpublished until a coordinator moderates it."""
    body = (body or "").strip()
    if len(body) < 5:
        raise CitizenBudgetError(_("Write a few words."), "body")
    if len(body) > FEEDBACK_MAX_LENGTH:
        raise CitizenBudgetError(_("At most %(n)s characters.", n=FEEDBACK_MAX_LENGTH), "body")
    if latest_version(council.id, year) is None:
        raise CitizenBudgetError(_("There is no published citizen budget for this year."))
    feedback = Feedback(council_id=council.id, fiscal_year=year, body=body, contact=(contact or "").strip()[:200])
    db.session.add(feedback)
    db.session.flush()
    audit.record("feedback.submit", feedback, council_id=council.id, fiscal_year=year)
    return feedback


def moderate_feedback(feedback: Feedback, user, action: str) -> Feedback:
    """``publish`` shows the message (without its author) on the public page; ``reject`` hides it."""
    status = {"publish": FEEDBACK_PUBLISHED, "reject": FEEDBACK_REJECTED, "pending": FEEDBACK_PENDING}.get(action)
    if status is None:
        raise CitizenBudgetError(_("Unknown action."))
    feedback.status = status
    feedback.moderated_at = utcnow()
    feedback.moderated_by_id = getattr(user, "id", None)
    db.session.flush()
    audit.record("feedback.moderate", feedback, council_id=feedback.council_id, actor=user, status=status)
    return feedback


def published_feedback(council_id: int, year: int, limit: int = 50) -> list[Feedback]:
    return (Feedback.query.filter_by(council_id=council_id, fiscal_year=year, status=FEEDBACK_PUBLISHED)
            .order_by(Feedback.created_at.desc()).limit(limit).all())
