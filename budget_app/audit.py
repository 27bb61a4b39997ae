"""The audit log: who changed what, on which object, when (UTC) and from where."""
from __future__ import annotations

import importlib
import json
import re
from datetime import date as date_type
from datetime import datetime, timezone

from babel.dates import format_date
from flask import has_request_context, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app import navigation
from budget_app.extensions import db
from budget_app.i18n import current_language, format_datetime, format_money, format_number
from budget_app.tenancy import ROLE_LABELS, Council, Membership
from budget_app.utils import utcnow


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True)
    # Kept as text too, so the entry still says who it was if the account is deleted.
    actor: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(60), default="", index=True)
    object_id: Mapped[str] = mapped_column(String(60), default="")
    council_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")

    user = relationship("User")

    @property
    def details_dict(self) -> dict:
        try:
            return json.loads(self.details or "{}")
        except ValueError:
            return {}


SECRET_KEYS = {"password", "password_hash", "token", "csrf_token", "new_password", "confirm"}


def record(action: str, obj=None, *, council_id: int | None = None, actor=None, **details) -> AuditLog:
    """Add an audit entry to the current transaction (committed with the change it describes).

    ``obj`` is any model instance; its table name and id are recorded. Secret fields in
    ``details`` are dropped, whatever the caller passed.
    """
    user = actor
    if user is None and has_request_context() and getattr(current_user, "is_authenticated", False):
        user = current_user
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    entry = AuditLog(
        user_id=getattr(user, "id", None),
        actor=getattr(user, "email", "") or "",
        action=action,
        object_type=getattr(obj, "__tablename__", "") if obj is not None else "",
        object_id=str(getattr(obj, "id", "")) if obj is not None else "",
        council_id=council_id if council_id is not None else getattr(obj, "council_id", None),
        details=json.dumps({k: _plain(v) for k, v in details.items() if k not in SECRET_KEYS},
                           ensure_ascii=False, sort_keys=True, default=str),
    )
    if has_request_context():
        entry.ip_address = (request.remote_addr or "")[:64]
        entry.user_agent = (request.user_agent.string or "")[:300]
    db.session.add(entry)
    return entry


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


# The audit log in words ------------------------------------------------------------------
# Each feature says, when it is imported, how its entries read (see ``words``); the log page
# turns every entry into a sentence ("Layla Haddad (budget director) opened voting on the budget
# cycle “Hebron 2026”") with the object linked, and its details into label: value pairs.
_ACTIONS: dict[str, tuple] = {}  # action -> (short label for the filter, sentence)
_ABOUT: dict[str, tuple[str, str]] = {}  # action -> (object type, detail key holding its id)
_KINDS: dict[str, object] = {}  # object type (table name) -> label ("budget cycle")
_DESCRIBERS: dict[str, str] = {}  # object type -> "module:function" (council or None, ids) -> {id: (title, endpoint, values)}
_DETAILS: dict[str, tuple] = {}  # "key" or "action:key" -> (label, {value: label} or a kind: "money", "date", "code")


def words(actions: dict | None = None, *, kinds: dict | None = None, describers: dict | None = None,
          about: dict | None = None, details: dict | None = None) -> None:
    """Say how audit entries read.

    ``actions``: ``{action: (label, sentence)}``; the label names the action in the filter, the
    sentence is the whole entry, with ``%(who)s`` (the person and their role) and ``%(what)s``
    (the object, linked) and any detail as ``%(key)s``. ``kinds``: ``{object type: label}``.
    ``describers``: ``{object type: "module:function"}`` taking the council (None for objects
    outside councils) and a list of ids (text) and returning ``{id: (title, endpoint, values)}``
    of the objects that still exist and the reader may see (endpoint None: no page), in one
    query; objects the council activity feed describes need none. ``about``: ``{action: (object
    type, detail key)}`` when the sentence is about another object than the one recorded (a
    ballot is about its cycle). ``details``: ``{key or "action:key": (label, how)}``, ``how``
    being ``{value: label}``, "money" (minor units), "date", "code" or None.
    """
    _ACTIONS.update(actions or {})
    _KINDS.update(kinds or {})
    _DESCRIBERS.update(describers or {})
    _ABOUT.update(about or {})
    _DETAILS.update(details or {})


def known_actions() -> dict[str, tuple]:
    return dict(_ACTIONS)


def action_choices() -> list[tuple[str, str]]:
    """The filter's actions, by their label in the reader's language."""
    return sorted(((a, str(label)) for a, (label, _s) in _ACTIONS.items()), key=lambda c: c[1])


def kind_choices() -> list[tuple[str, str]]:
    return sorted(((k, str(label)) for k, label in _KINDS.items()), key=lambda c: c[1])


def detail_label(action: str, key: str) -> tuple | None:
    return _DETAILS.get(f"{action}:{key}") or _DETAILS.get(key)


class AuditLine:
    """One entry as the log page shows it."""

    def __init__(self, entry: AuditLog, sentence, details: list[tuple[str, str]], action_label: str):
        self.entry = entry
        self.sentence = sentence
        self.details = details
        self.action_label = action_label


def present(entries: list[AuditLog]) -> list[AuditLine]:
    """The entries as sentences in the reader's language, with the objects that still exist (and
    that the reader may see) linked: a fixed number of queries for the page, whatever its length."""



    council_ids = {e.council_id for e in entries if e.council_id}
    user_ids = {e.user_id for e in entries if e.user_id}
    councils = {c.id: c for c in Council.query.filter(Council.id.in_(council_ids))} if council_ids else {}
    roles = {}
    if council_ids and user_ids:
        for m in Membership.query.filter(Membership.user_id.in_(user_ids), Membership.council_id.in_(council_ids)):
            roles[(m.user_id, m.council_id)] = m.role

    targets = {}
    wanted: dict[tuple, set] = {}
    for e in entries:
        details = e.details_dict
        object_type, object_id = e.object_type, e.object_id
        if e.action in _ABOUT:
            about_type, key = _ABOUT[e.action]
            if details.get(key) not in (None, ""):
                object_type, object_id = about_type, str(details[key])
        targets[e.id] = (object_type, object_id)
        if object_type and object_id:
            wanted.setdefault((object_type, e.council_id if object_type in _council_scoped() else None),
                              set()).add(object_id)
    found = {}
    for (object_type, council_id), ids in wanted.items():
        spec = _DESCRIBERS.get(object_type) or navigation.activity_describers().get(object_type)
        if spec is None:
            continue
        council = councils.get(council_id) if council_id else None
        if object_type in _council_scoped() and council is None:
            continue
        module_name, func_name = spec.split(":")
        for k, v in getattr(importlib.import_module(module_name), func_name)(council, sorted(ids)).items():
            found[(object_type, council_id, str(k))] = v

    lines = []
    for e in entries:
        details = e.details_dict
        label, sentence = _ACTIONS.get(e.action, (None, None))
        if e.user is not None:
            name = e.user.display_name
            role = roles.get((e.user_id, e.council_id))
            role_label = ROLE_LABELS.get(role) if role else (_("administrator") if e.user.is_admin else None)
        elif e.actor:
            name, role_label = e.actor, None  # the account was deleted since
        else:  # nobody signed in: a visitor of the site, or the command line (no address)
            name, role_label = (_("A visitor") if e.ip_address else _("The system (command line)")), None
        who = Markup("<strong>%s</strong>") % name
        if role_label:
            who = Markup(escape(_("%(name)s (%(role)s)"))).replace("%(name)s", who).replace(
                "%(role)s", escape(str(role_label)))
        object_type, object_id = targets[e.id]
        scope = e.council_id if object_type in _council_scoped() else None
        item = found.get((object_type, scope, object_id)) if object_type and object_id else None
        if item is not None:
            title = Markup(escape(_("“%(title)s”"))).replace("%(title)s", escape(item[0]))
            what = Markup('<a href="%s">%s</a>') % (url_for(item[1], **item[2]), title) if item[1] else title
        elif object_id:
            what = escape(_("#%(id)s (no longer shown)", id=object_id))
        else:
            what = Markup("")
        council = councils.get(e.council_id)
        values = {"who": who, "what": what, "council": (Markup('<a href="%s">%s</a>') % (
            url_for("councils.council_home", slug=council.slug), council.name)) if council else _("the council")}
        pairs = []
        for key, value in sorted(details.items()):
            shown = format_detail(e.action, key, value, details)
            described = detail_label(e.action, key)
            # codes and addresses stay left-to-right inside an Arabic sentence
            values.setdefault(key, Markup('<bdi dir="ltr">%s</bdi>') % shown if described and described[1] == "code"
                              else escape(shown))
            if e.action in _ABOUT and _ABOUT[e.action][1] == key:
                continue  # the sentence names it already
            pairs.append((str(described[0]) if described else key.replace("_", " "), shown))
        if sentence is not None:
            text = Markup(escape(str(sentence))) % _Missing(values)
        else:
            text = Markup("%s — <code>%s</code> %s") % (who, e.action, what)
        lines.append(AuditLine(e, text, pairs, str(label) if label else e.action))
    return lines


class _Missing(dict):
    def __missing__(self, key):
        return "—"


def _council_scoped() -> set[str]:
    return set(navigation.activity_describers()) | _COUNCIL_KINDS


# Objects that belong to a council although the feed does not describe them itself.
_COUNCIL_KINDS: set[str] = set()


def council_objects(*object_types: str) -> None:
    """Declare object types whose describers take the entry's council."""
    _COUNCIL_KINDS.update(object_types)


def format_detail(action: str, key: str, value, details: dict | None = None) -> str:
    """One detail's value as the reader reads it: money and dates through Babel, codes by their
    label, yes/no, lists joined, a change as "old → new"."""


    described = detail_label(action, key)
    how = described[1] if described else None
    if isinstance(value, dict) and set(value) >= {"old", "new"}:
        return _("%(old)s → %(new)s", old=format_detail(action, key, value["old"], details),
                 new=format_detail(action, key, value["new"], details))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {format_detail(action, key, v, details)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return _(", ").join(format_detail(action, key, v, details) for v in value) or "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if how == "money" or (how is None and key.endswith("_minor") and isinstance(value, int)):
        return format_money(value, (details or {}).get("currency"))
    if isinstance(how, dict):
        return str(how.get(value, value))
    if isinstance(value, (int, float)) and how != "code":
        return format_number(value)
    if how == "date" or (how is None and isinstance(value, str) and _looks_like_date(value)):
        return _format_date_text(value, format_datetime)
    return str(value)


def _looks_like_date(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?)?", text))


def _format_date_text(text: str, format_datetime) -> str:


    try:
        if len(text) == 10:
            return format_date(date_type.fromisoformat(text), "medium", locale=current_language())
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        return format_datetime(moment, "short")
    except ValueError:
        return text
