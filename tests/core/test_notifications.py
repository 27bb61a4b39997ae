"""Notifications (budget_app.notifications): the events the features emit, rendered in the
reader's language; the centre (unread count, list, marking read, another's is 404); email
preferences; reminders sent once by `flask notify send-due`."""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest

from helpers import page_text

sys.path.insert(0, str(Path(__file__).parent.parent / "cycles"))
sys.path.insert(0, str(Path(__file__).parent.parent / "priorities"))
from cycles_testlib import make_cycle  # noqa: E402
from priority_factories import make_priority, make_round  # noqa: E402


def _mine(user, kind=None):
    from budget_app.notifications.models import Notification
    q = Notification.query.filter_by(user_id=user.id)
    if kind:
        q = q.filter_by(kind=kind)
    return q.order_by(Notification.id).all()


def _render(n, lang):
    from flask_babel import force_locale

    from budget_app.notifications.services import render
    with force_locale(lang):
        return render(n, lang).replace("\u2068", "").replace("\u2069", "")  # isolates: see below


def test_every_feature_declares_its_kinds_with_distinct_keys(app):
    from budget_app.features import installed
    from budget_app.notifications.services import kinds

    declared = [k.key for f in installed() for k in f.notifications]
    assert len(declared) == len(set(declared))
    assert {"round_opened", "round_closing", "vote_opened", "approval_awaiting", "priority_shortlisted",
            "priority_merged", "priority_declined", "priority_comment", "recommendation_due",
            "recommendation_overdue", "feedback_awaiting"} <= set(kinds())


def test_unknown_kind_is_a_programming_error(world):
    from budget_app.notifications import notify
    with pytest.raises(ValueError):
        notify([world.users["member1"]], "no_such_kind")


def test_round_opened_tells_every_member_but_the_opener_in_their_language(world):
    coordinator = world.users["coordinator"]
    with world_request(world):
        rnd = make_round(world.hebron, coordinator)
    member = world.users["member1"]
    [n] = _mine(member, "round_opened")
    assert n.endpoint == "priorities.round_detail" and n.url_values == {"slug": "hebron", "round_id": rnd.id}
    assert not _mine(coordinator, "round_opened")
    assert not _mine(world.users["outsider"])  # another council's member
    assert not _mine(world.users["reviewer"])  # a technical reviewer holds no seat: does not rank
    english, arabic = _render(n, "en"), _render(n, "ar")
    assert english.startswith("The ranking round “جولة ترتيب” is open until ")
    assert "جولة ترتيب" in arabic and "The ranking round" not in arabic


class world_request:
    """A request signed in as ``user`` (so that the acting user is excluded)."""

    def __init__(self, world, user="coordinator"):
        self.app, self.user = None, world.users[user]

    def __enter__(self):
        from flask import current_app
        from flask_login import login_user
        self.ctx = current_app.test_request_context("/")
        self.ctx.push()
        login_user(self.user)
        return self

    def __exit__(self, *exc):
        self.ctx.pop()


def test_titles_are_isolated_in_the_sentence(world):
    """An Arabic title in an English sentence keeps its direction (first-strong isolate)."""
    from flask_babel import force_locale

    from budget_app.notifications.services import render
    [n] = _some_notifications(world, n=1)
    with force_locale("en"):
        assert "“\u2068Round 0\u2069”" in render(n, "en")


def test_what_happens_to_my_priority_reaches_me_with_the_reason(world):
    from budget_app.extensions import db
    from priorities import services

    author = world.users["member2"]
    p = make_priority(world.hebron, author, title="أولوية", title_en="A priority")
    q = make_priority(world.hebron, author, title="أولوية مكررة", title_en="A duplicate")
    r = make_priority(world.hebron, author, title="أخرى", title_en="Another")
    with world_request(world):
        services.shortlist_priority(p)
        services.decline_priority(r, "Outside the council's remit")
        services.merge_priority(q, p)
        services.add_comment(p, world.users["member3"], "Good idea")
        services.add_comment(p, author, "My own comment")  # the author is not told of their own
        db.session.commit()
    texts = [_render(n, "en") for n in _mine(author)]
    assert texts == ["Your priority “A priority” was shortlisted.",
                     "Your priority “Another” was declined. The reason given: Outside the council's remit",
                     "Your priority “A duplicate” was merged into “A priority”.",
                     f"{world.users['member3'].display_name} commented on your priority “A priority”."]
    arabic = [_render(n, "ar") for n in _mine(author)]
    assert "أولوية" in arabic[0] and "A priority" not in arabic[0]


def test_budget_vote_and_approval_vote_reach_the_electorate(world):
    with world_request(world, "director"):
        cycle = make_cycle(world, "decided")
    member = world.users["member1"]
    opened, = _mine(member, "vote_opened")
    awaiting, = _mine(member, "approval_awaiting")
    assert (opened.endpoint, awaiting.endpoint) == ("cycles.vote", "cycles.results")
    assert opened.url_values == {"slug": "hebron", "cycle_id": cycle.id}
    assert _render(opened, "en") == "The budget vote “Social services budget” is open: cast your ballot."
    assert "موازنة الخدمات الاجتماعية" in _render(opened, "ar")
    assert not _mine(world.users["director"], "vote_opened")  # who opened it
    assert not _mine(world.users["outsider"])


def test_feedback_tells_the_coordinators_once_while_unread(world):
    from budget_app.extensions import db
    from budget_app.notifications.services import mark_all_read
    from citizen_budget import notices

    coordinator = world.users["coordinator"]
    notices.feedback_received(world.hebron, 2026)
    notices.feedback_received(world.hebron, 2026)
    db.session.commit()
    assert len(_mine(coordinator, "feedback_awaiting")) == 1
    assert not _mine(world.users["member1"], "feedback_awaiting")
    mark_all_read(coordinator)
    notices.feedback_received(world.hebron, 2026)
    db.session.commit()
    assert len(_mine(coordinator, "feedback_awaiting")) == 2


def test_a_rolled_back_transaction_notifies_nobody(world):
    """Notifications are written in the transaction of the change they tell about."""
    from budget_app.extensions import db
    from budget_app.notifications.services import PENDING_KEY

    _some_notifications(world, n=0)
    from budget_app.notifications import notify
    notify([world.users["member1"]], "round_opened", exclude=None, params={"title": "x"})
    db.session.rollback()
    assert not _mine(world.users["member1"]) and PENDING_KEY not in db.session.info


def test_a_refused_request_notifies_nobody(world, client):
    from budget_app.extensions import db
    from priorities.models import Priority

    p = make_priority(world.hebron, world.users["member2"], status="submitted")
    client.login("coordinator@sharaka.test")
    client.post_form(f"/councils/hebron/priorities/{p.id}/decline", {"decline-reason": ""})  # refused: no reason
    db.session.expire_all()
    assert db.session.get(Priority, p.id).status == "submitted"
    assert not _mine(world.users["member2"])


# The centre -------------------------------------------------------------------------------
def _some_notifications(world, user_key="member1", n=2):
    from budget_app.extensions import db
    from budget_app.notifications import notify

    rows = []
    for i in range(n):
        rows += notify([world.users[user_key]], "round_opened", council=world.hebron, exclude=None,
                       params={"title": f"Round {i}", "closes_at": world_now() + timedelta(days=3)},
                       link=("councils.council_home", {"slug": "hebron"}))
    db.session.commit()
    return rows


def world_now():
    from budget_app.utils import utcnow
    return utcnow()


def test_the_header_counts_unread_and_the_centre_lists_and_marks_read(world, client):
    rows = _some_notifications(world)
    client.login("member1@sharaka.test")
    page = client.get("/dashboard?lang=en").get_data(as_text=True)
    assert 'class="notifications-link has-unread"' in page and 'class="unread-count">2<' in page
    centre = client.get("/notifications/?lang=en")
    text = page_text(centre).replace("\u2068", "").replace("\u2069", "")
    assert "The ranking round “Round 1” is open until" in text and "Mark all as read" in text
    assert 'href="/councils/hebron/"' in centre.get_data(as_text=True)
    response = client.post_form(f"/notifications/{rows[0].id}/read", {"next": "/notifications/?show=unread"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/notifications/?show=unread")
    assert 'class="unread-count">1<' in client.get("/dashboard?lang=en").get_data(as_text=True)
    unread = page_text(client.get("/notifications/?show=unread&lang=en"))
    assert "Round 1" in unread and "Round 0" not in unread
    assert client.post_form("/notifications/read-all", {}).status_code == 303
    assert "unread-count" not in client.get("/dashboard?lang=en").get_data(as_text=True)


def test_the_centre_in_arabic(world, client):
    _some_notifications(world, n=1)
    client.login("member1@sharaka.test")
    page = client.get("/notifications/?lang=ar").get_data(as_text=True)
    assert "جولة الترتيب" in page or "جولة ترتيب" in page
    assert "The ranking round" not in page


def test_another_users_notification_is_not_found_and_csrf_is_required(world, client):
    from budget_app.extensions import db
    from budget_app.notifications.models import Notification

    [theirs] = _some_notifications(world, "member2", n=1)
    client.login("member1@sharaka.test")
    assert client.post_form(f"/notifications/{theirs.id}/read", {}).status_code == 404
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 400  # no CSRF token
    client.login("member2@sharaka.test")
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 400
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None
    assert client.post("/notifications/read-all").status_code == 400


def test_an_open_redirect_through_next_is_refused(world, client):
    [mine] = _some_notifications(world, n=1)
    client.login("member1@sharaka.test")
    response = client.post_form(f"/notifications/{mine.id}/read", {"next": "//evil.example/"})
    assert response.headers["Location"].endswith("/notifications/")


def test_email_choices_are_saved_and_bounded(world, client):
    from budget_app.notifications.services import email_choices

    client.login("member1@sharaka.test")
    page = page_text(client.get("/notifications/email?lang=en"))
    assert "A ranking round opens" in page and "does not send email" in page
    response = client.post_form("/notifications/email", {"email": ["vote_opened", "not-a-kind"]})
    assert response.status_code == 303
    choices = email_choices(world.users["member1"])
    assert choices["vote_opened"] is True and choices["round_opened"] is False
    assert "not-a-kind" not in choices


# Reminders ----------------------------------------------------------------------------------
def test_send_due_reminds_of_a_round_closing_within_24_hours_once(world, runner):
    from budget_app.extensions import db
    from budget_app.utils import utcnow
    from priorities import services

    rnd = make_round(world.hebron, world.users["coordinator"])
    rnd.closes_at = utcnow() + timedelta(hours=20)
    db.session.commit()
    services.cast_ballot(rnd, world.users["member1"], {p.id: i for i, p in enumerate(rnd.priorities[:2], 1)})
    db.session.commit()
    first = runner.invoke(args=["notify", "send-due"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["notify", "send-due"])
    assert "reminders: 0" in second.output
    assert len(_mine(world.users["member4"], "round_closing")) == 1
    assert not _mine(world.users["member1"], "round_closing")  # has ranked
    assert "round_closing: " in first.output


def test_send_due_reminds_owners_of_recommendations_due_or_overdue(world, runner):
    from budget_app.extensions import db
    from budget_app.utils import utcnow
    from councils.models import Meeting, Recommendation

    today = utcnow().date()
    meeting = Meeting(council_id=world.hebron.id, kind="council_meeting", title="m", held_at=utcnow())
    db.session.add(meeting)
    db.session.flush()
    member4 = world.users["member4"]
    for text, days in (("overdue one", -2), ("due soon", 5), ("far away", 30)):
        db.session.add(Recommendation(council_id=world.hebron.id, meeting_id=meeting.id, text=text,
                                      owner=member4.name, due_date=today + timedelta(days=days), status="open"))
    db.session.commit()
    runner.invoke(args=["notify", "send-due"])
    runner.invoke(args=["notify", "send-due"])
    got = sorted((n.kind, n.params["text"]) for n in _mine(member4))
    assert got == [("recommendation_due", "due soon"), ("recommendation_overdue", "overdue one")]
    assert not _mine(world.users["member1"])


def test_the_header_count_is_one_query_whatever_the_number(world, client):
    """Every page shows the count: one indexed COUNT, not a load of the notifications."""
    from sqlalchemy import event

    from budget_app.extensions import db

    _some_notifications(world, n=30)
    client.login("member1@sharaka.test")
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        if "notification" in statement and "notification_email_choice" not in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get("/dashboard?lang=en").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert 'class="unread-count">30<' in page
    assert len(seen) == 1 and "count(" in seen[0].lower()


def test_hostile_names_are_escaped_in_the_centre(world, client):
    from budget_app.extensions import db
    from budget_app.notifications import notify

    notify([world.users["member1"]], "priority_comment", exclude=None,
           params={"who": "<script>alert(1)</script>", "title": {"ar": "<b>x</b>", "en": "<b>x</b>"}})
    db.session.commit()
    client.login("member1@sharaka.test")
    page = client.get("/notifications/?lang=en").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page
