"""Notification emails against a local SMTP capture server (aiosmtpd): sent after the commit,
in the reader's language, only the kinds they chose, nothing without SMTP settings, retried
when the server is down, through RQ in synchronous mode when REDIS_URL is set."""
from __future__ import annotations

import socket
from datetime import timedelta
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "priorities"))
from priority_factories import make_priority  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/15"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Capture:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(app):
    from aiosmtpd.controller import Controller

    handler = Capture()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_SECURITY="none",
                      PUBLIC_URL="https://sharaka.example", MAIL_FROM="Sharaka <no-reply@sharaka.example>")
    yield handler
    controller.stop()


def _notify(world, *keys, kind="round_opened"):
    from budget_app.extensions import db
    from budget_app.notifications import notify

    rows = notify([world.users[k] for k in keys], kind, council=world.hebron, exclude=None,
                  params={"title": {"ar": "جولة الخليل", "en": "Hebron round"}},
                  link=("councils.council_home", {"slug": "hebron"}))
    db.session.commit()
    return rows


def _body(message) -> str:
    """The plain text, without the isolates around titles (tests/core/test_notifications.py)."""
    return message.get_body(("plain",)).get_content().replace("\u2068", "").replace("\u2069", "")


def _set_locale(world, key, lang):
    from budget_app.extensions import db
    world.users[key].locale = lang
    db.session.commit()


def test_sent_after_commit_in_each_readers_language(world, smtp):
    from budget_app.extensions import db
    from budget_app.notifications.models import Notification

    _set_locale(world, "member1", "en")
    _set_locale(world, "member2", "ar")
    rows = _notify(world, "member1", "member2")
    by_to = {m["To"].addresses[0].addr_spec: m for m in smtp.messages}
    assert set(by_to) == {"member1@sharaka.test", "member2@sharaka.test"}
    english, arabic = by_to["member1@sharaka.test"], by_to["member2@sharaka.test"]
    assert english["Subject"] == "A ranking round is open"
    assert "The ranking round “Hebron round” is open" in _body(english)
    assert "https://sharaka.example/councils/hebron/" in _body(english)
    assert "https://sharaka.example/notifications/email" in _body(english)
    assert arabic["Subject"] == "فُتحت جولة ترتيب" and "جولة الخليل" in _body(arabic)
    assert 'dir="rtl"' in arabic.get_body(("html",)).get_content()
    assert english["Auto-Submitted"] == "auto-generated"
    db.session.expire_all()
    assert {db.session.get(Notification, n.id).email_status for n in rows} == {"sent"}


def test_only_the_kinds_each_user_chose(world, smtp):
    from budget_app.extensions import db
    from budget_app.notifications.services import set_email_choices

    set_email_choices(world.users["member1"], {"vote_opened"})
    db.session.commit()
    rows = _notify(world, "member1", "member2")
    assert [m["To"].addresses[0].addr_spec for m in smtp.messages] == ["member2@sharaka.test"]
    assert {n.user_id: n.email_status for n in rows}[world.users["member1"].id] == ""


def test_nothing_is_sent_without_smtp_settings(world, smtp, app):
    app.config["SMTP_HOST"] = None
    rows = _notify(world, "member1")
    assert rows[0].email_status == "" and not smtp.messages


def test_a_rollback_sends_nothing(world, smtp):
    from budget_app.extensions import db
    from budget_app.notifications import notify

    notify([world.users["member1"]], "round_opened", exclude=None, params={"title": "x"})
    db.session.rollback()
    db.session.commit()
    assert not smtp.messages


def test_a_request_mails_the_author_after_its_commit(world, smtp, client):
    author = world.users["member2"]
    p = make_priority(world.hebron, author, title="أولوية", title_en="A priority")
    client.login("coordinator@sharaka.test")
    response = client.post_form(f"/councils/hebron/priorities/{p.id}/decline", {"decline-reason": "Already funded"})
    assert response.status_code in (302, 303)
    [message] = smtp.messages
    assert message["To"].addresses[0].addr_spec == "member2@sharaka.test"
    assert "Already funded" in _body(message)  # Arabic by default: the reason as written


def test_server_down_leaves_it_pending_and_send_due_retries_once(world, smtp, app, runner):
    from budget_app.extensions import db
    from budget_app.notifications.models import Notification

    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = _free_port()  # nobody listens there
    [row] = _notify(world, "member1")
    db.session.expire_all()
    row = db.session.get(Notification, row.id)
    assert (row.email_status, row.email_attempts) == ("pending", app.config["NOTIFY_INLINE_ATTEMPTS"])
    app.config["SMTP_PORT"] = port
    assert "emails sent again: 0" in runner.invoke(args=["notify", "send-due"]).output  # left to a worker
    row.created_at -= timedelta(minutes=11)
    db.session.commit()
    result = runner.invoke(args=["notify", "send-due"])
    assert "emails sent again: 1" in result.output, result.output
    runner.invoke(args=["notify", "send-due"])
    assert len(smtp.messages) == 1
    db.session.expire_all()
    assert db.session.get(Notification, row.id).email_status == "sent"


def test_gives_up_after_the_attempts_allowed(world, smtp, app):
    from budget_app.extensions import db
    from budget_app.notifications import mail
    from budget_app.notifications.models import Notification

    app.config.update(SMTP_PORT=_free_port(), NOTIFY_EMAIL_ATTEMPTS=3)
    [row] = _notify(world, "member1")  # two attempts inline
    assert mail.deliver([row.id]) == 0  # the third and last
    db.session.expire_all()
    assert db.session.get(Notification, row.id).email_status == "failed"
    assert mail.deliver([row.id]) == 0


def test_each_email_is_sent_once_even_if_delivered_twice(world, smtp):
    from budget_app.notifications import mail

    [row] = _notify(world, "member1")
    assert mail.deliver([row.id]) == 0
    assert len(smtp.messages) == 1


def test_through_rq_when_redis_is_configured(world, smtp, app, monkeypatch):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    from budget_app.notifications import mail

    jobs = []
    original = mail.deliver_job

    def recorded(ids):  # RQ imports the job by its dotted name, so it finds this one
        jobs.append(list(ids))
        return original(ids)

    monkeypatch.setattr(mail, "deliver_job", recorded)
    app.config.update(REDIS_URL=REDIS_URL, NOTIFY_QUEUE_ASYNC=False, NOTIFY_QUEUE=f"sharaka-test-{_free_port()}")
    [row] = _notify(world, "member1")
    assert jobs == [[row.id]]
    assert [m["To"].addresses[0].addr_spec for m in smtp.messages] == ["member1@sharaka.test"]
    mail.queue().empty()


def test_redis_down_leaves_the_email_pending_and_the_change_saved(world, smtp, app):
    from budget_app.extensions import db
    from budget_app.notifications.models import Notification

    app.config.update(REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0")  # nobody listens there
    [row] = _notify(world, "member1")
    db.session.expire_all()
    assert db.session.get(Notification, row.id).email_status == "pending" and not smtp.messages
