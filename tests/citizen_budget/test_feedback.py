"""Citizens' feedback: sent without login, shown only after the coordinator publishes it,
never with its author's contact, links never rendered as HTML, rate-limited."""
from __future__ import annotations

from cb_testlib import publish_snapshot
from helpers import page_text

URL = "/citizen-budget/hebron/2026/feedback"


def test_feedback_appears_only_after_moderation(app, world):
    from citizen_budget.models import Feedback

    publish_snapshot(world.hebron)
    citizen = app.test_client()
    body = "Please fund transport <b>for</b> disabled children http://spam.example [x](http://evil.example)"
    response = citizen.post_form(URL + "?lang=en", {"body": body, "contact": "0599-000000"})
    assert response.status_code == 302
    assert "transport" not in page_text(citizen.get(URL + "?lang=en"))
    row = Feedback.query.one()
    assert row.status == "pending"

    coordinator = app.test_client()
    coordinator.login("coordinator@sharaka.test")
    listing = coordinator.get("/councils/hebron/feedback/?lang=en").get_data(as_text=True)
    assert "Please fund transport" in listing and "0599-000000" in listing
    assert coordinator.post_form(f"/councils/hebron/feedback/{row.id}/moderate", {"action": "publish"}).status_code == 302

    page = citizen.get(URL + "?lang=en").get_data(as_text=True)
    assert "Please fund transport" in page
    assert "<b>for</b>" not in page and "&lt;b&gt;for&lt;/b&gt;" in page
    assert 'href="http://spam.example' not in page and 'href="http://evil.example' not in page
    assert "0599-000000" not in page  # the contact is never published
    assert coordinator.post_form(f"/councils/hebron/feedback/{row.id}/moderate", {"action": "reject"}).status_code == 302
    assert "Please fund transport" not in citizen.get(URL).get_data(as_text=True)


def test_feedback_is_length_limited_and_honeypot(app, world):
    from citizen_budget.models import Feedback

    publish_snapshot(world.hebron)
    client = app.test_client()
    assert client.post_form(URL, {"body": "x" * 2001}).status_code == 400
    assert client.post_form(URL, {"body": "hi"}).status_code == 400
    assert client.post_form(URL, {"body": "A real message", "website": "http://bot"}).status_code == 400
    assert Feedback.query.count() == 0


def test_feedback_is_rate_limited(app, world):
    publish_snapshot(world.hebron)
    app.config["CITIZEN_FEEDBACK_LIMIT"] = "2 per hour"
    client = app.test_client()
    codes = [client.post_form(URL, {"body": f"Message number {i}"}).status_code for i in range(3)]
    assert codes == [302, 302, 429]


def test_no_feedback_for_unpublished_budget(client, world):
    assert client.get("/citizen-budget/nablus/2026/feedback").status_code == 404
    assert client.post_form("/citizen-budget/nablus/2026/feedback", {"body": "Hello there"}).status_code == 404


def test_moderation_is_for_the_council_coordinator(app, world):
    from budget_app.extensions import db
    from citizen_budget.models import Feedback

    publish_snapshot(world.hebron)
    row = Feedback(council_id=world.hebron.id, fiscal_year=2026, body="hello council")
    db.session.add(row)
    db.session.commit()
    member = app.test_client()
    member.login("member1@sharaka.test")
    assert member.post_form(f"/councils/hebron/feedback/{row.id}/moderate", {"action": "publish"}).status_code == 403
    outsider = app.test_client()
    outsider.login("outsider@sharaka.test")
    assert outsider.get("/councils/hebron/feedback/").status_code == 404
    coordinator = app.test_client()
    coordinator.login("coordinator@sharaka.test")
    # Another council's feedback id: 404.
    assert coordinator.post_form(f"/councils/nablus/feedback/{row.id}/moderate", {"action": "publish"}).status_code == 404
