"""Citizen-budget texts, publishing versions, citizens' feedback.

Services take plain values and models, add and flush, record the audit entry, and never
commit: the request commits once.
"""
from __future__ import annotations

import json

from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from budget_app import audit
from budget_app.errors import DomainError
from budget_app.extensions import db
from budget_app.navigation import Task
from budget_app.utils import utcnow
from citizen_budget import notices
from citizen_budget import snapshot as snap
from citizen_budget.models import (FEEDBACK_MAX_LENGTH, FEEDBACK_PENDING, FEEDBACK_PUBLISHED, FEEDBACK_REJECTED,
                                   TEXT_SECTIONS, CitizenBudgetText, CitizenBudgetVersion, Feedback)


class CitizenBudgetError(DomainError):
    """A refused action, with a message for the user (and the form field concerned, if any)."""


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
        raise CitizenBudgetError(ngettext("At most %(num)s character.", "At most %(num)s characters.", FEEDBACK_MAX_LENGTH), "body")
    if latest_version(council.id, year) is None:
        raise CitizenBudgetError(_("There is no published citizen budget for this year."))
    feedback = Feedback(council_id=council.id, fiscal_year=year, body=body, contact=(contact or "").strip()[:200])
    db.session.add(feedback)
    db.session.flush()
    audit.record("feedback.submit", feedback, council_id=council.id, fiscal_year=year)
    notices.feedback_received(council, year)
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


# Tasks -----------------------------------------------------------------------------
def my_tasks(user, scope) -> list:
    """Citizens' messages waiting for moderation in the councils ``user`` coordinates: one task
    per council with the count. One query."""

    if not scope.manage_ids:
        return []
    rows = (db.session.query(Feedback.council_id, func.count(Feedback.id))
            .filter(Feedback.council_id.in_(scope.manage_ids), Feedback.status == FEEDBACK_PENDING)
            .group_by(Feedback.council_id).all())
    return [Task(kind="feedback", council=scope.councils[council_id], title="",
                 endpoint="citizen_budget_manage.feedback", values={"slug": scope.councils[council_id].slug},
                 count=n) for council_id, n in sorted(rows)]


def public_links(councils) -> dict:
    """For the home page's council cards: the latest published citizen budget of each council
    (one query)."""

    ids = [c.id for c in councils]
    if not ids:
        return {}
    rows = db.session.execute(select(CitizenBudgetVersion.council_id, func.max(CitizenBudgetVersion.fiscal_year))
                              .where(CitizenBudgetVersion.council_id.in_(ids))
                              .group_by(CitizenBudgetVersion.council_id)).all()
    slugs = {c.id: c.slug for c in councils}
    return {council_id: [(gettext("Citizen budget %(year)s", year=year), "citizen_budget.page",
                          {"slug": slugs[council_id], "year": year})] for council_id, year in rows}


def describe_versions(council, ids) -> dict:
    """For the council's activity feed: published versions by id."""
    wanted = [int(i) for i in ids if str(i).isdigit()]
    rows = CitizenBudgetVersion.query.filter(CitizenBudgetVersion.council_id == council.id,
                                             CitizenBudgetVersion.id.in_(wanted)).all()
    return {v.id: (gettext_version(v), "citizen_budget.version_page",
                   {"slug": council.slug, "year": v.fiscal_year, "number": v.number}) for v in rows}


def gettext_version(version) -> str:
    return _("Citizen budget %(year)s, version %(n)s", year=version.fiscal_year, n=version.number)
