"""Notifications by email: composed in the reader's language, sent after the commit.

Plain ``smtplib`` with ``email.message.EmailMessage`` (the standard library, kept with Python):
the platform sends one kind of message — a short text with an HTML alternative and a link —
over one SMTP server with STARTTLS or TLS and a login; a mail library would add a dependency
and a backend layer for no feature used here, and the tests talk real SMTP to a local capture
server (aiosmtpd) anyway.

Settings come from the environment (budget_app.config): ``SMTP_HOST`` (nothing is sent without
it), ``SMTP_PORT``, ``SMTP_SECURITY`` (starttls, ssl or none), ``SMTP_USERNAME``,
``SMTP_PASSWORD``, ``MAIL_FROM``, ``PUBLIC_URL`` (the site's address, for the links).

:func:`notify` marks the rows to mail and remembers their ids in the session; when that
session commits, :func:`after_commit` hands them to a background job on Redis (RQ, queue
``NOTIFY_QUEUE``, with retries) when ``REDIS_URL`` is set, or sends them at once otherwise. A
rollback forgets them. Whatever failed stays ``pending`` and `flask notify send-due` tries again,
up to ``NOTIFY_EMAIL_ATTEMPTS`` times in all.
"""
from __future__ import annotations

import logging
import smtplib
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import urlsplit

from flask import current_app, has_app_context, render_template
from flask_babel import force_locale
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from budget_app.auth.models import User
from budget_app.extensions import db
from budget_app.notifications.models import EMAIL_FAILED, EMAIL_PENDING, EMAIL_SENT, Notification
from budget_app.notifications.services import PENDING_KEY, kinds, render
from budget_app.utils import utcnow

log = logging.getLogger("sharaka.notifications")
JOB = "budget_app.notifications.mail.deliver_job"
RETRY_INTERVALS = (60, 300, 900)  # seconds between the RQ job's attempts
SWEEP_AFTER = timedelta(minutes=10)  # send-due retries what is pending this long (the worker had its chance)


class TransientMailError(Exception):
    """Some messages could not be sent this time (they stay pending and are tried again)."""


# Composing -------------------------------------------------------------------------------
def external_url(endpoint: str, values: dict | None = None) -> str | None:
    """An absolute URL under ``PUBLIC_URL``, built without a request (a worker has none)."""
    base = urlsplit(current_app.config.get("PUBLIC_URL") or "http://localhost:5000")
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    try:
        return adapter.build(endpoint, values or {}, force_external=True)
    except BuildError:
        return None


def compose(notification: Notification, user: User) -> EmailMessage:
    """The email of one notification, in ``user``'s language."""
    config = current_app.config
    lang = user.locale if user.locale in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]
    kind = kinds().get(notification.kind)
    with force_locale(lang):
        text = render(notification, lang)
        subject = str(kind.subject) if kind else text
        context = dict(text=text, lang=lang, user=user, settings_url=external_url("notifications.email_settings"),
                       url=external_url(notification.endpoint, notification.url_values) if notification.endpoint
                       else None, centre_url=external_url("notifications.index"))
        body = render_template("notifications/email.txt", **context)
        html = render_template("notifications/email.html", **context)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = formataddr((user.name or "", user.email))
    message["Message-ID"] = make_msgid(domain=urlsplit(config.get("PUBLIC_URL") or "").hostname or "sharaka")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(body)
    message.add_alternative(html, subtype="html")
    return message


# Sending ---------------------------------------------------------------------------------
def smtp_connection() -> smtplib.SMTP:
    config = current_app.config
    security = (config.get("SMTP_SECURITY") or "starttls").lower()
    cls = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
    connection = cls(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=float(config["SMTP_TIMEOUT"]))
    if security == "starttls":
        connection.starttls()
    if config.get("SMTP_USERNAME"):
        connection.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
    return connection


def deliver(ids, *, attempts: int = 1, pause: float = 0.5) -> int:
    """Send the pending emails of notifications ``ids`` (others are skipped: each is sent once),
    trying ``attempts`` times with ``pause`` seconds between. Uses a session of its own: it runs
    right after a commit, or in a worker. Returns how many were sent; raises
    :class:`TransientMailError` when some are still pending."""
    if not current_app.config.get("SMTP_HOST") or not ids:
        return 0
    limit = int(current_app.config["NOTIFY_EMAIL_ATTEMPTS"])
    sent = 0
    with Session(db.engine, expire_on_commit=False) as session:
        for attempt in range(attempts):
            rows = session.execute(select(Notification, User).join(User, User.id == Notification.user_id).where(
                Notification.id.in_(list(ids)), Notification.email_status == EMAIL_PENDING)).all()
            if not rows:
                return sent
            if attempt:
                time.sleep(pause * attempt)
            sent += _send_rows(session, rows, limit)
        left = session.scalar(select(Notification.id).where(
            Notification.id.in_(list(ids)), Notification.email_status == EMAIL_PENDING).limit(1))
    if left is not None:
        raise TransientMailError(f"emails of notifications {sorted(ids)} still pending")
    return sent


def _send_rows(session, rows, limit: int) -> int:
    sent = 0
    try:
        connection = smtp_connection()
    except (OSError, smtplib.SMTPException) as error:
        log.warning("SMTP server unreachable: %s", error)
        for n, _user in rows:
            _failed_once(n, limit)
        session.commit()
        return 0
    try:
        for n, user in rows:
            try:
                connection.send_message(compose(n, user))
            except smtplib.SMTPRecipientsRefused:
                n.email_status, n.email_attempts = EMAIL_FAILED, n.email_attempts + 1  # no use retrying
            except (OSError, smtplib.SMTPException) as error:
                log.warning("email of notification %s not sent: %s", n.id, error)
                _failed_once(n, limit)
            else:
                n.email_status, n.emailed_at, n.email_attempts = EMAIL_SENT, utcnow(), n.email_attempts + 1
                sent += 1
            session.commit()  # each message once: a crash later does not send it again
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return sent


def _failed_once(n: Notification, limit: int) -> None:
    n.email_attempts += 1
    if n.email_attempts >= limit:
        n.email_status = EMAIL_FAILED


def deliver_job(ids) -> int:
    """The RQ job, run by ``flask notify worker`` inside the app's context (a bare ``rq worker``
    has no app: use the command). RQ retries it when it raises."""
    if not has_app_context():
        raise RuntimeError("run the notification worker with `flask --app budget_app notify worker`")
    return deliver(ids)


def queue():
    """The RQ queue on ``REDIS_URL`` (synchronous when ``NOTIFY_QUEUE_ASYNC`` is false: tests)."""
    # Redis and RQ only with REDIS_URL: most installations send inline.
    from redis import Redis
    from rq import Queue

    config = current_app.config
    return Queue(config["NOTIFY_QUEUE"], connection=Redis.from_url(config["REDIS_URL"]),
                 is_async=bool(config.get("NOTIFY_QUEUE_ASYNC", True)))


def dispatch(ids) -> None:
    """Send (inline) or queue (RQ) the emails of ``ids``; never raises: what fails stays pending."""
    if not ids or not current_app.config.get("SMTP_HOST"):
        return
    try:
        if current_app.config.get("REDIS_URL"):
            # RQ is loaded only with REDIS_URL (see queue): most installations send inline.
            from rq import Retry

            queue().enqueue(JOB, list(ids), retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
                            job_timeout=120, failure_ttl=7 * 24 * 3600)
        else:
            deliver(ids, attempts=int(current_app.config["NOTIFY_INLINE_ATTEMPTS"]))
    except Exception as error:  # the request succeeded; mail is best effort and retried by send-due
        log.warning("notification emails left pending: %s", error)


def retry_pending(older_than: timedelta = SWEEP_AFTER) -> int:
    """`flask notify send-due`: send what is still pending ``older_than`` after the event (failed
    meanwhile, or queued while no worker ran; younger ones are left to the worker)."""
    ids = list(db.session.scalars(select(Notification.id).where(
        Notification.email_status == EMAIL_PENDING, Notification.created_at <= utcnow() - older_than)
        .order_by(Notification.id).limit(1000)))
    try:
        return deliver(ids)
    except TransientMailError:
        return 0


# After the commit ------------------------------------------------------------------------------
def _after_commit(session) -> None:
    ids = session.info.pop(PENDING_KEY, None)
    if ids and has_app_context():
        dispatch(ids)


def _after_rollback(session) -> None:
    session.info.pop(PENDING_KEY, None)


def init_app(app) -> None:
    for name, listener in (("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
