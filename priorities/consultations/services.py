"""Beneficiaries' consultations: creating one, generating, printing and voiding its codes,
answering with a code (online or on paper at a forum), and the results.

A code is used once: :func:`answer` sets ``used_at`` with one ``UPDATE … WHERE used_at IS NULL
AND voided_at IS NULL`` and goes on only if that changed a row, so two people (or two clicks)
sending the same code at the same moment cannot both be counted, on SQLite (writes are
serialized) as on PostgreSQL (the second UPDATE waits for the first's row lock and then finds
the code used). The answer's unique ``code_id`` is a second guard.

Services add and flush; the request commits once. Every change is audited.
"""
from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import joinedload, selectinload

from budget_app import audit
from budget_app.errors import DomainError
from budget_app.extensions import db
from budget_app.i18n import format_number
from budget_app.utils import utcnow
from councils.models import Meeting
from priorities.consultations import codes, sheets
from priorities.consultations.models import (CHANNEL_ONLINE, CHANNEL_PAPER, AccessCode, CodeBatch, Consultation,
                                             ConsultationAnswer)
from priorities.models import METHOD_RANKING, METHODS, STATUS_SHORTLISTED, Priority, RankingRound
from priorities.services import PriorityError, score_rows, validate_ballot

logger = logging.getLogger("sharaka")
MAX_BATCH = 10_000
MAX_CODES = 50_000  # per consultation


class ConsultationError(DomainError):
    pass


# Why a code was refused; the view words each and counts the guesses.
MALFORMED, TYPO, UNKNOWN, VOIDED, USED, NOT_OPEN, CLOSED = ("malformed", "typo", "unknown", "voided", "used",
                                                             "not_open", "closed")
GUESSES = (MALFORMED, TYPO, UNKNOWN)  # what an attacker's guesses look like: counted per address
REFUSAL_TEXT = {
    MALFORMED: _l("This is not an access code: it has 13 letters and digits, such as 7K3M-9QXA-2B4C-D."),
    TYPO: _l("This code has a typing mistake: check each character against your card."),
    UNKNOWN: _l("This code is not known. Check it against your card."),
    VOIDED: _l("This code was cancelled by the council. Ask the facilitator for a new card."),
    USED: _l("This code has already been used: each code answers once. If you did not use it, tell the "
             "facilitator."),
    NOT_OPEN: _l("This consultation has not opened yet. Come back when it opens."),
    CLOSED: _l("This consultation is closed: answers are no longer accepted."),
}


class CodeRefused(ConsultationError):
    def __init__(self, reason: str, consultation: Consultation | None = None):
        super().__init__(REFUSAL_TEXT[reason], "code")
        self.reason = reason
        self.consultation = consultation


# Creating a consultation ---------------------------------------------------------------
def eligible_priorities(council, *, fiscal_year: int, round_id: int | None = None):
    """The priorities a consultation asks about: the round's, or the council's shortlist for the year."""
    if round_id:
        rnd = RankingRound.query.filter_by(id=round_id, council_id=council.id).first()
        if rnd is None:
            raise ConsultationError(_l("Choose one of the council's ranking rounds."), "round_id")
        return rnd, list(rnd.priorities)
    return None, (Priority.query.filter_by(council_id=council.id, fiscal_year=fiscal_year,
                                           status=STATUS_SHORTLISTED).order_by(Priority.id).all())


def create_consultation(council, user, *, question_ar: str, question_en: str = "", fiscal_year: int, method: str,
                        points_budget: int = 10, top_n: int = 3, opens_at: datetime, closes_at: datetime,
                        codes_count: int, round_id: int | None = None, locality_id: int | None = None,
                        now: datetime | None = None, chosen: list[str] | None = None) -> tuple[Consultation, CodeBatch, list[str]]:
    """A consultation on the shortlist (or a round's priorities) and its first batch of codes
    (returned in readable form: this is the only time they exist as such)."""
    now = now or utcnow()
    if method not in METHODS:
        raise ConsultationError(_l("Choose a method."), "method")
    if closes_at <= now:
        raise ConsultationError(_l("The closing time must be in the future."), "closes_at")
    if closes_at <= opens_at:
        raise ConsultationError(_l("The consultation must close after it opens."), "closes_at")
    rnd, asked = eligible_priorities(council, fiscal_year=fiscal_year, round_id=round_id)
    if len(asked) < 2:
        raise ConsultationError(_l("A consultation needs at least two shortlisted priorities for this fiscal year."))
    if method == METHOD_RANKING:
        top_n = min(top_n, len(asked))
    consultation = Consultation(
        council_id=council.id, round_id=rnd.id if rnd else None, fiscal_year=rnd.fiscal_year if rnd else fiscal_year,
        question_ar=question_ar.strip(), question_en=(question_en or "").strip(), method=method,
        points_budget=points_budget, top_n=top_n, opens_at=opens_at, closes_at=closes_at, locality_id=locality_id,
        created_by_id=getattr(user, "id", None), created_at=now)
    consultation.priorities = asked
    db.session.add(consultation)
    db.session.flush()
    audit.record("consultation.create", consultation, actor=user, method=method, priorities=len(asked),
                 opens_at=opens_at, closes_at=closes_at, round=consultation.round_id)
    batch, plain = generate_batch(consultation, user, codes_count, chosen=chosen)
    return consultation, batch, plain


def close_consultation(consultation, user) -> None:
    if consultation.is_closed():
        raise ConsultationError(_l("This consultation is already closed."))
    consultation.closed_early_at = utcnow()
    audit.record("consultation.close", consultation, actor=user, answers=answer_count(consultation))


# Codes ---------------------------------------------------------------------------------
def generate_batch(consultation, user, size: int, label: str = "", *,
                   chosen: list[str] | None = None) -> tuple[CodeBatch, list[str]]:
    """``size`` new codes; their hashes are stored, the codes themselves only sealed for the
    printable sheet (:mod:`sheets`, in a request). Returns the batch and the codes.
    ``chosen``: codes given instead of random ones (the demo's published codes only)."""
    if not 1 <= size <= MAX_BATCH:
        raise ConsultationError(_l("Print between 1 and %(max)s codes at a time.", max=format_number(MAX_BATCH)), "size")
    if consultation.is_closed():
        raise ConsultationError(_l("This consultation is closed: answers are no longer accepted."))
    existing = db.session.scalar(select(func.count(AccessCode.id)).where(
        AccessCode.consultation_id == consultation.id)) or 0
    if existing + size > MAX_CODES:
        raise ConsultationError(_l("A consultation has at most %(max)s codes.", max=format_number(MAX_CODES)), "size")
    batch = CodeBatch(consultation_id=consultation.id, size=size, label=(label or "").strip()[:120],
                      created_by_id=getattr(user, "id", None))
    db.session.add(batch)
    db.session.flush()
    plain: set[str] = set(chosen or ())
    while len(plain) < size:  # a collision of 60-bit codes is all but impossible; the set makes it certain
        plain.add(codes.new_code())
    ordered = sorted(plain)
    db.session.execute(insert(AccessCode), [
        {"consultation_id": consultation.id, "batch_id": batch.id, "code_hash": codes.code_hash(c)} for c in ordered])
    if has_request_context():
        sheets.seal(batch, ordered)
    audit.record("consultation.codes", consultation, actor=user, size=size, batch=batch.id)
    return batch, ordered


def erase_sheet(batch, user) -> None:
    """The coordinator has printed the batch: its codes can no longer be read back."""
    if batch.sheet is None:
        raise ConsultationError(_l("The codes of this batch are already erased."))
    sheets.erase(batch)
    audit.record("consultation.sheet_erase", batch.consultation, actor=user, batch=batch.id)


def purge_expired_sheets(now: datetime | None = None) -> int:
    """Wipe every sheet past its window (run whenever a consultation page is opened)."""
    now = now or utcnow()
    result = db.session.execute(update(CodeBatch).where(CodeBatch.sheet.is_not(None), CodeBatch.sheet_expires_at <= now)
                                .values(sheet=None, sheet_expires_at=None, sheet_erased_at=now)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


def void_unused(consultation, user, batch_id: int | None = None) -> int:
    """Cancel every code not yet used (of one batch, or all): lost or left-over cards."""
    stmt = update(AccessCode).where(AccessCode.consultation_id == consultation.id, AccessCode.used_at.is_(None),
                                    AccessCode.voided_at.is_(None))
    if batch_id is not None:
        stmt = stmt.where(AccessCode.batch_id == batch_id)
    count = db.session.execute(stmt.values(voided_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    audit.record("consultation.void", consultation, actor=user, voided=count, batch=batch_id)
    return count or 0


def code_stats(consultation) -> dict:
    rows = db.session.execute(select(
        AccessCode.batch_id, func.count(AccessCode.id), func.count(AccessCode.used_at), func.count(AccessCode.voided_at))
        .where(AccessCode.consultation_id == consultation.id).group_by(AccessCode.batch_id)).all()
    per_batch = {b: {"total": t, "used": u, "voided": v, "unused": t - u - v} for b, t, u, v in rows}
    total = {k: sum(s[k] for s in per_batch.values()) for k in ("total", "used", "voided", "unused")}
    return {"batches": per_batch, **total}


# Answering -----------------------------------------------------------------------------
def find_code(typed: str, now: datetime | None = None) -> tuple[AccessCode, Consultation]:
    """The code a person typed and its consultation, if it may answer now; else :class:`CodeRefused`."""
    code = codes.normalize(typed or "")
    if code is None:
        raise CodeRefused(MALFORMED)
    if not codes.is_well_formed(code):
        raise CodeRefused(TYPO)
    # One round trip for the code and its consultation (with its council), one for the
    # priorities and their sectors that the ballot shows: on a busy server every round trip to
    # the database waits for the database's turn on a processor, so the ballot pays for few.
    found = db.session.execute(
        select(AccessCode, Consultation).join(Consultation, Consultation.id == AccessCode.consultation_id)
        .where(AccessCode.code_hash == codes.code_hash(code))
        .options(joinedload(Consultation.council),
                 selectinload(Consultation.priorities).joinedload(Priority.sector))).first()
    if found is None:
        raise CodeRefused(UNKNOWN)
    row, consultation = found
    if row.voided_at is not None:
        raise CodeRefused(VOIDED, consultation)
    if row.used_at is not None:
        raise CodeRefused(USED, consultation)
    now = now or utcnow()
    if not consultation.has_opened(now):
        raise CodeRefused(NOT_OPEN, consultation)
    if consultation.is_closed(now):
        raise CodeRefused(CLOSED, consultation)
    return row, consultation


def answer(typed: str, values: dict[int, int | None], *, channel: str = CHANNEL_ONLINE, meeting_id: int | None = None,
           entered_by=None, council=None, now: datetime | None = None,
           found: tuple[AccessCode, Consultation] | None = None) -> ConsultationAnswer:
    """Count one answer with a code: the ballot checked by the ranking rounds' rules, the code
    claimed atomically (refused if another request claimed it first), the answer saved with a
    receipt. ``council``: for paper answers, the facilitator's council (another's code is unknown).
    ``found``: what :func:`find_code` gave for ``typed`` earlier in the same request (not looked up
    again; the claim below is what makes the code single-use)."""
    row, consultation = found or find_code(typed, now)
    if council is not None and consultation.council_id != council.id:
        raise CodeRefused(UNKNOWN)
    try:
        clean = validate_ballot(consultation, values)
    except PriorityError as exc:
        raise ConsultationError(exc.message, "ballot") from exc
    if channel == CHANNEL_PAPER and meeting_id is not None and not Meeting.query.filter_by(
            id=meeting_id, council_id=consultation.council_id).first():
        raise ConsultationError(_l("Choose one of the council's meetings."), "meeting_id")
    claimed = db.session.execute(
        update(AccessCode).where(AccessCode.id == row.id, AccessCode.used_at.is_(None), AccessCode.voided_at.is_(None))
        .values(used_at=now or utcnow()).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise CodeRefused(USED, consultation)
    result = ConsultationAnswer(consultation_id=consultation.id, code_id=row.id, receipt=new_receipt(),
                                channel=channel, meeting_id=meeting_id if channel == CHANNEL_PAPER else None,
                                entered_by_id=getattr(entered_by, "id", None),
                                values_json=json.dumps({str(k): v for k, v in sorted(clean.items())}),
                                created_at=now or utcnow())
    db.session.add(result)
    db.session.flush()
    audit.record("consultation.answer" if channel == CHANNEL_ONLINE else "consultation.paper_answer", consultation,
                 actor=entered_by, channel=channel, meeting=meeting_id)
    return result


def new_receipt() -> str:
    body = "".join(secrets.choice(codes.ALPHABET) for _ in range(10))
    return f"{body[:5]}-{body[5:]}"


def log_refusal(error: CodeRefused, address: str) -> None:
    """Every refused code goes to the log (the address only as the request log has it)."""
    logger.warning("consultation code refused: %s from %s (consultation %s)", error.reason, address,
                   error.consultation.id if error.consultation else "-")


def receipt_answer(receipt: str) -> ConsultationAnswer | None:
    if not receipt or len(receipt) > 20:
        return None
    return ConsultationAnswer.query.filter_by(receipt=receipt.upper()).first()


# Results -------------------------------------------------------------------------------
def answer_count(consultation) -> int:
    return db.session.scalar(select(func.count(ConsultationAnswer.id)).where(
        ConsultationAnswer.consultation_id == consultation.id)) or 0


@dataclass
class Comparison:
    priority: Priority
    beneficiaries: int | None  # position among the consultation's priorities
    council: int | None  # position in the council's ranking round
    score: int = 0
    voters: int = 0


def results(consultation) -> dict:
    """The beneficiaries' ranking (counted as in a ranking round), answers online and on paper."""
    items, channels = [], {CHANNEL_ONLINE: 0, CHANNEL_PAPER: 0}
    field = 1 if consultation.method != METHOD_RANKING else 2
    for values_json, channel in db.session.execute(select(ConsultationAnswer.values_json, ConsultationAnswer.channel)
                                                   .where(ConsultationAnswer.consultation_id == consultation.id)):
        channels[channel] = channels.get(channel, 0) + 1
        for pid, value in json.loads(values_json).items():
            item = [int(pid), None, None]
            item[field] = int(value)
            items.append(tuple(item))
    rows = score_rows(consultation.method, consultation.top_n, consultation.priorities, items)
    return {"rows": rows, "answers": sum(channels.values()), "online": channels[CHANNEL_ONLINE],
            "paper": channels[CHANNEL_PAPER]}


def council_round(consultation) -> RankingRound | None:
    """The council's own ranking to compare with: the consultation's round, else the council's
    latest closed round of the same fiscal year."""
    if consultation.round is not None:
        return consultation.round
    rounds = (RankingRound.query.filter_by(council_id=consultation.council_id, fiscal_year=consultation.fiscal_year)
              .order_by(RankingRound.closes_at.desc()).all())
    return next((r for r in rounds if r.is_closed()), None)


def describe(council, ids) -> dict:
    """For the audit log and the council's activity feed: consultations by id (the coordinator's
    page; other readers see the title only)."""
    wanted = [int(i) for i in ids if str(i).isdigit()]
    rows = Consultation.query.filter(Consultation.council_id == council.id, Consultation.id.in_(wanted)).all() \
        if wanted and council is not None else []
    manager = council is not None and council.can_manage(current_user)
    return {c.id: (c.question, "consult_manage.detail" if manager else None,
                   {"slug": council.slug, "consultation_id": c.id}) for c in rows}


def public_links(councils) -> dict:
    """For the home page's council cards: where a beneficiary types the card's code, for the
    councils with a consultation open now."""
    ids = [c.id for c in councils]
    if not ids:
        return {}
    now = utcnow()
    rows = db.session.execute(select(Consultation.council_id).where(
        Consultation.council_id.in_(ids), Consultation.opens_at <= now, Consultation.closes_at > now,
        Consultation.closed_early_at.is_(None)).distinct()).scalars()
    label = gettext("Beneficiaries' consultation: answer with your card's code")
    return {council_id: [(label, "consult.enter", {})] for council_id in rows}


def export_rows(consultation) -> tuple[list[str], list[list]]:
    """Every answer as a row for the CSV download: receipt, channel, meeting, time, one column per priority."""
    priorities = list(consultation.priorities)
    header = ["receipt", "channel", "meeting_id", "answered_at", *[f"priority_{p.id}" for p in priorities]]
    out = []
    for row in ConsultationAnswer.query.filter_by(consultation_id=consultation.id).order_by(ConsultationAnswer.id):
        values = row.values
        out.append([row.receipt, row.channel, row.meeting_id or "", row.created_at.isoformat(timespec="seconds"),
                    *[values.get(p.id, "") for p in priorities]])
    return header, out
