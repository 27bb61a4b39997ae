"""Notifications: what features call (:func:`notify`), what the centre shows, and the reminders.

A feature declares its kinds of notification in its feature object
(``Feature(notifications=(EventKind(...), ...))``, budget_app.features) and calls
``notify(users, "kind", council=..., params=..., link=(endpoint, values))`` from its services,
inside the request's transaction: the rows are committed with the change they tell about, and
the email (when SMTP is configured and the reader wants that kind by email) leaves only after
that commit (budget_app.notifications.mail). A refused change (rolled back) notifies nobody.

Parameters are stored, not sentences: plain values, dates (``datetime``/``date``, shown in the
reader's format and time zone) and texts in both languages (``{"ar": ..., "en": ...}``, e.g.
``bilingual(priority, "title")``), so each reader sees the notification in their own language.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, g, has_request_context, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from budget_app.auth.models import User
from budget_app.extensions import db
from budget_app.features import EventKind, installed, resolve
from budget_app.i18n import current_language, format_datetime, format_number
from budget_app.notifications.models import EMAIL_PENDING, Notification, NotificationEmailChoice
from budget_app.utils import utcnow

PENDING_KEY = "sharaka.notifications.pending"  # session.info: ids to mail once committed
MAX_KEY = 200


@dataclass
class Reminder:
    """A reminder a feature's finder returns to `flask notify send-due`; ``key`` makes it once-only
    (the same user never gets two notifications with one key)."""
    user_id: int
    kind: str
    key: str
    council: object = None
    params: dict = field(default_factory=dict)
    link: tuple | None = None


# The registry --------------------------------------------------------------------------
def kinds() -> dict[str, EventKind]:
    """Every kind of notification the installed features send, in their order."""
    found = [kind for feature in installed() for kind in feature.notifications]
    return {kind.key: kind for kind in sorted(found, key=lambda k: (k.order, k.key))}


def bilingual(obj, field_name: str = "title") -> dict:
    """``{"ar": obj.<field>_ar, "en": obj.<field>_en}``: a text shown in the reader's language."""
    return {"ar": getattr(obj, f"{field_name}_ar", "") or "", "en": getattr(obj, f"{field_name}_en", "") or ""}


def _plain(value):
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _exclude_default():
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id
    return None


# Sending --------------------------------------------------------------------------------
def notify(users, kind: str, *, council=None, params: dict | None = None, link: tuple | None = None,
           key: str | None = None, once_unread: bool = False, exclude="current") -> list[Notification]:
    """Notify ``users`` (users or ids) of an event of ``kind`` (declared by a feature).

    ``link`` is ``(endpoint, values)``, the page the notification opens. ``key`` (reminders)
    skips users who already had a notification with that key; ``once_unread`` skips users who
    still have an unread one of this kind for this council and page (no pile of the same news).
    The acting user (``exclude``, by default the one signed in) is not told of their own act.
    Inactive accounts are skipped. Rows are flushed, not committed; emails leave after the commit.
    Two or three queries whatever the number of users."""
    registry = kinds()
    if kind not in registry:
        raise ValueError(f"unknown notification kind {kind!r}: declare it in a feature's notifications")
    ids = {u if isinstance(u, int) else u.id for u in users if u is not None}
    skip = _exclude_default() if exclude == "current" else (getattr(exclude, "id", exclude))
    ids.discard(skip)
    if not ids:
        return []
    ids = set(db.session.scalars(select(User.id).where(User.id.in_(ids), User.active.is_(True))))
    endpoint, values = link or ("", {})
    council_id = getattr(council, "id", council)
    if key:
        key = key[:MAX_KEY]
        ids -= set(db.session.scalars(select(Notification.user_id).where(
            Notification.user_id.in_(ids), Notification.key == key)))
    if once_unread and ids:
        ids -= set(db.session.scalars(select(Notification.user_id).where(
            Notification.user_id.in_(ids), Notification.kind == kind, Notification.read_at.is_(None),
            Notification.council_id.is_(council_id) if council_id is None else Notification.council_id == council_id,
            Notification.endpoint == endpoint)))
    if not ids:
        return []
    mailed = _email_wanted(ids, registry[kind]) if mail_configured() else set()
    params_json = json.dumps(_plain(params or {}), ensure_ascii=False, sort_keys=True)
    values_json = json.dumps(_plain(values or {}), sort_keys=True)
    rows = [Notification(user_id=uid, council_id=council_id, kind=kind, params_json=params_json, endpoint=endpoint,
                         values_json=values_json, key=key, email_status=EMAIL_PENDING if uid in mailed else "")
            for uid in sorted(ids)]
    db.session.add_all(rows)
    db.session.flush()
    pending = [n.id for n in rows if n.email_status == EMAIL_PENDING]
    if pending:
        db.session.info.setdefault(PENDING_KEY, []).extend(pending)
    return rows


def mail_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def _email_wanted(user_ids: set[int], kind: EventKind) -> set[int]:
    """The users among ``user_ids`` who get ``kind`` by email (their choice, else the kind's default)."""
    chosen = dict(db.session.execute(select(NotificationEmailChoice.user_id, NotificationEmailChoice.email).where(
        NotificationEmailChoice.user_id.in_(user_ids), NotificationEmailChoice.kind == kind.key)).all())
    return {uid for uid in user_ids if chosen.get(uid, kind.email)}


# Reading ---------------------------------------------------------------------------------
class _Params(dict):
    def __missing__(self, key):
        return "…"


def _shown(value, lang: str):
    if isinstance(value, dict):
        if "$datetime" in value:
            return format_datetime(datetime.fromisoformat(value["$datetime"]), "medium")
        if "$date" in value:
            return format_date(date.fromisoformat(value["$date"]), "medium")
        other = "en" if lang == "ar" else "ar"
        return _isolated(value.get(lang) or value.get(other) or "")
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return format_number(value)
    return "" if value is None else _isolated(str(value))


def _isolated(text: str) -> str:
    """A name or title inside the sentence, isolated (U+2068 … U+2069): an Arabic title in an
    English sentence, or the reverse, keeps its own direction without reordering the sentence."""
    return f"\u2068{text}\u2069" if text else text


def render(notification: Notification, lang: str | None = None) -> str:
    """The notification's sentence in the current language (the kind's translated message with
    the stored parameters filled in). Plain text: the page escapes it."""
    lang = lang or current_language()
    kind = kinds().get(notification.kind)
    if kind is None:  # a kind no installed feature declares any more
        return _("A notification of a kind this site no longer sends.")
    params = _Params({k: _shown(v, lang) for k, v in notification.params.items()})
    return str(kind.message) % params


def link_of(notification: Notification, **url_kwargs) -> str | None:
    """The URL the notification opens, or None (no page, or the page no longer exists)."""
    if not notification.endpoint:
        return None
    try:
        return url_for(notification.endpoint, **notification.url_values, **url_kwargs)
    except BuildError:
        return None


def unread_count(user) -> int:
    """The header's count: one query per request (cached in ``g``)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if "_sharaka_unread" not in g:
        g._sharaka_unread = db.session.scalar(select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None))) or 0
    return g._sharaka_unread


def notifications_of(user, unread_only: bool = False):
    """The user's notifications, newest first, with their councils (one query more)."""
    q = Notification.query.filter(Notification.user_id == user.id).options(selectinload(Notification.council))
    if unread_only:
        q = q.filter(Notification.read_at.is_(None))
    return q.order_by(Notification.created_at.desc(), Notification.id.desc())


def mark_read(user, notification_id: int) -> Notification | None:
    """Mark one of the user's notifications read (None: not theirs, or none such). The user's own
    reading state: not audited."""
    n = db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                     Notification.user_id == user.id))
    if n is not None and n.read_at is None:
        n.read_at = utcnow()
        db.session.flush()
    return n


def mark_all_read(user) -> int:
    """Mark every unread notification of the user read; how many were."""
    result = db.session.execute(Notification.__table__.update().where(
        and_(Notification.user_id == user.id, Notification.read_at.is_(None))).values(read_at=utcnow()))
    return result.rowcount or 0


# Email preferences ----------------------------------------------------------------------------
def email_choices(user) -> dict[str, bool]:
    """``{kind: by email?}`` for every kind: the user's choice, else the kind's default."""
    chosen = dict(db.session.execute(select(NotificationEmailChoice.kind, NotificationEmailChoice.email).where(
        NotificationEmailChoice.user_id == user.id)).all())
    return {key: chosen.get(key, kind.email) for key, kind in kinds().items()}


def set_email_choices(user, wanted: set[str]) -> None:
    """Remember, for every kind, whether it reaches ``user`` by email. The user's own settings:
    not audited (only changes to others' data are)."""
    existing = {c.kind: c for c in NotificationEmailChoice.query.filter_by(user_id=user.id)}
    for key in kinds():
        row = existing.get(key)
        if row is None:
            db.session.add(NotificationEmailChoice(user_id=user.id, kind=key, email=key in wanted))
        else:
            row.email = key in wanted
    db.session.flush()


# Reminders (`flask notify send-due`) -------------------------------------------------------
def send_due(now: datetime | None = None) -> dict[str, int]:
    """Ask every feature's reminder finders what is due at ``now`` and notify once per key.
    Returns ``{kind: notifications created}``. Run as often as you like: a reminder already
    sent (same user and key) is not sent again."""
    now = now or utcnow()
    counts: dict[str, int] = {}
    for feature in installed():
        for spec in feature.reminders:
            for r in resolve(spec)(now):
                made = notify([r.user_id], r.kind, council=r.council, params=r.params, link=r.link, key=r.key,
                              exclude=None)
                counts[r.kind] = counts.get(r.kind, 0) + len(made)
    return counts
