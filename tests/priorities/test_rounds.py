"""Ranking rounds: opening over the shortlist, ballots (points, Borda ranks), hidden results, closing,
charts, exports, and the same member's ballot sent twice at once."""
from __future__ import annotations

import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from helpers import page_text  # noqa: E402
from priority_factories import make_priority, make_round  # noqa: E402

COORD = "coordinator@sharaka.test"
MEMBER = "member4@sharaka.test"


def test_coordinator_opens_round_over_shortlist(client, world):
    from priorities.models import RankingRound
    author = world.users["member4"]
    p1 = make_priority(world.hebron, author, status="shortlisted", year=2026)
    client.login(COORD)
    data = {"title": "ترتيب أولويات 2026", "fiscal_year": "2026", "method": "points", "points_budget": "10",
            "top_n": "3", "closes_at": "2030-01-01T12:00"}
    r = client.post_form("/councils/hebron/priorities/rounds/new?lang=en", data)
    assert r.status_code == 400 and "at least two shortlisted priorities" in page_text(r)
    make_priority(world.hebron, author, status="shortlisted", year=2026)
    make_priority(world.hebron, author, status="submitted", year=2026)  # not on the shortlist
    for bad in ({"closes_at": "2001-01-01T12:00"}, {"closes_at": ""}, {"points_budget": "0"},
                {"method": "dice"}, {"title": ""}, {"method": "ranking", "top_n": ""}):
        assert client.post_form("/councils/hebron/priorities/rounds/new", {**data, **bad}).status_code == 400, bad
    assert RankingRound.query.count() == 0
    r = client.post_form("/councils/hebron/priorities/rounds/new", data)
    assert r.status_code == 302
    rnd = RankingRound.query.one()
    assert len(rnd.priorities) == 2 and p1 in rnd.priorities and rnd.points_budget == 10
    client.logout()
    client.login(MEMBER)
    assert client.post_form("/councils/hebron/priorities/rounds/new", data).status_code == 403


def _ballot(client, rnd, values, lang="ar"):
    data = {f"p-{pid}": str(v) for pid, v in values.items()}
    return client.post_form(f"/councils/hebron/priorities/rounds/{rnd.id}/ballot?lang={lang}", data)


def test_points_ballot_validated_editable_and_hidden_until_close(client, world):
    from priorities.models import RoundBallot, RoundBallotItem
    rnd = make_round(world.hebron, world.users["coordinator"], n_priorities=3, points=10)
    a, b, c = (p.id for p in rnd.priorities)
    client.login(MEMBER)
    page = client.get(f"/councils/hebron/priorities/rounds/{rnd.id}/?lang=en").get_data(as_text=True)
    assert 'data-budget="10"' in page and "The results are shown when the round closes." in page
    for values, message in (({a: 8, b: 5}, "You gave 13 points; at most 10 can be distributed."),
                            ({a: -1}, "Enter whole numbers, zero or more."),
                            ({a: "x"}, "Enter whole numbers, zero or more."),
                            ({}, "The ballot is empty")):
        r = _ballot(client, rnd, values, "en")
        assert r.status_code == 400 and message in page_text(r), values
    assert RoundBallot.query.count() == 0
    assert _ballot(client, rnd, {a: 6, b: 4}).status_code == 302
    assert _ballot(client, rnd, {a: 2, c: 8}).status_code == 302  # changed: still one ballot
    assert RoundBallot.query.count() == 1
    assert {(i.priority_id, i.points) for i in RoundBallotItem.query} == {(a, 2), (c, 8)}
    # An id outside the round is ignored by the form and refused by the service.
    from priorities import services
    other = make_priority(world.hebron, world.users["member4"])
    with pytest.raises(services.PriorityError):
        services.validate_ballot(rnd, {other.id: 1})
    # Results stay hidden (and not exported) until the round closes.
    assert client.get(f"/councils/hebron/priorities/rounds/{rnd.id}/results.csv").status_code == 409
    client.logout()
    client.login(COORD)
    assert _ballot(client, rnd, {b: 10}).status_code == 302
    client.post_form(f"/councils/hebron/priorities/rounds/{rnd.id}/close")
    html = client.get(f"/councils/hebron/priorities/rounds/{rnd.id}/?lang=en").get_data(as_text=True)
    assert 'id="round-chart"' in html and 'id="results-table"' in html
    assert "2 ballots cast of 10 members" in page_text(client.get(f"/councils/hebron/priorities/rounds/{rnd.id}/?lang=en"))
    result = services.results(rnd)
    assert [(r.priority.id, r.score) for r in result["rows"]] == [(b, 10), (c, 8), (a, 2)]
    client.logout()
    client.login(MEMBER)
    r = _ballot(client, rnd, {a: 1}, "en")
    assert r.status_code == 409 and "This round is closed" in page_text(r)
    r = client.get(f"/councils/hebron/priorities/rounds/{rnd.id}/results.csv")
    assert r.status_code == 200 and "text/csv" in r.content_type


def test_ranking_ballot_borda_and_duplicate_ranks(client, world):
    from priorities import services
    from priorities.models import RoundBallot
    rnd = make_round(world.hebron, world.users["coordinator"], method="ranking", n_priorities=4, top_n=3,
                     visible=True)
    a, b, c, d = (p.id for p in rnd.priorities)
    client.login(MEMBER)
    for values, message in (({a: 1, b: 1}, "Each rank can be given to one priority only."),
                            ({a: 4}, "Rank at most 3 priorities."),
                            ({a: 1, b: 3}, "Use ranks 1, 2, 3… without gaps.")):
        r = _ballot(client, rnd, values, "en")
        assert r.status_code == 400 and message in page_text(r)
    assert RoundBallot.query.count() == 0
    assert _ballot(client, rnd, {a: 1, b: 2, c: 3}).status_code == 302
    client.logout()
    client.login("member1@sharaka.test")
    assert _ballot(client, rnd, {c: 1, a: 2}).status_code == 302
    # Borda with N = 3: rank 1 → 3, rank 2 → 2, rank 3 → 1.
    rows = services.results(rnd)["rows"]
    assert [(r.priority.id, r.score) for r in rows] == [(a, 5), (c, 4), (b, 2), (d, 0)]
    # This round shows results while open.
    page = client.get(f"/councils/hebron/priorities/rounds/{rnd.id}/?lang=en").get_data(as_text=True)
    assert "Provisional results" in page and 'id="round-chart"' in page


def test_round_closes_when_its_time_passes(client, world):
    from budget_app.extensions import db
    from budget_app.utils import utcnow
    from priorities.models import RankingRound
    rnd = make_round(world.hebron, world.users["coordinator"])
    rnd.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client.login(MEMBER)
    assert RankingRound.query.get(rnd.id).is_closed()
    r = client.get(f"/councils/hebron/priorities/rounds/{rnd.id}/?lang=en")
    assert "Closed" in page_text(r) and 'action="/councils/hebron/priorities/rounds' not in r.get_data(as_text=True)
    assert _ballot(client, rnd, {rnd.priorities[0].id: 1}).status_code == 409
    assert "No round is open." in page_text(client.get("/councils/hebron/?lang=en"))


def test_outsiders_and_admins_do_not_vote(client, world):
    rnd = make_round(world.hebron, world.users["coordinator"])
    client.login("outsider@sharaka.test")
    assert client.get(f"/councils/hebron/priorities/rounds/{rnd.id}/").status_code == 404
    assert _ballot(client, rnd, {rnd.priorities[0].id: 1}).status_code == 404
    client.logout()
    client.login("admin@sharaka.test")
    assert client.get(f"/councils/hebron/priorities/rounds/{rnd.id}/").status_code == 200
    assert _ballot(client, rnd, {rnd.priorities[0].id: 1}).status_code == 403


def test_same_ballot_sent_twice_at_once_leaves_one(app, world):
    """Two requests of the same member race to create the first ballot: exactly one row remains,
    each request ends in a redirect (saved or updated) or a handled 409, never a 500."""
    from budget_app.extensions import db
    from priorities.models import RoundBallot, RoundBallotItem
    rnd = make_round(world.hebron, world.users["coordinator"])
    rid, pid = rnd.id, rnd.priorities[0].id
    emails = ["member1@sharaka.test", "member2@sharaka.test", "member3@sharaka.test", MEMBER]
    for email in emails:
        clients = []
        for _ in range(2):
            c = app.test_client()
            c.login(email)
            clients.append(c)
        tokens = [c.csrf_token() for c in clients]
        barrier = threading.Barrier(2)
        statuses, errors = [], []

        def send(c, token, points):
            try:
                barrier.wait(timeout=10)
                r = c.post(f"/councils/hebron/priorities/rounds/{rid}/ballot",
                           data={"csrf_token": token, f"p-{pid}": str(points)})
                statuses.append(r.status_code)
            except Exception as exc:  # pragma: no cover - reported below
                import traceback
                errors.append(traceback.format_exc())

        threads = [threading.Thread(target=send, args=(c, t, n)) for c, t, n in zip(clients, tokens, (3, 4))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors, errors
        assert sorted(statuses) in ([302, 302], [302, 409]), statuses
    db.session.expire_all()
    assert RoundBallot.query.filter_by(round_id=rid).count() == len(emails)
    assert RoundBallotItem.query.count() == len(emails)


def test_same_ballot_through_the_service_concurrently(app, world):
    """The service alone, two threads, each its own session: the unique constraint refuses the
    duplicate insert; the loser retries as an update."""
    from sqlalchemy.exc import IntegrityError
    from budget_app.auth.models import User
    from budget_app.extensions import db
    from priorities import services
    from priorities.models import RankingRound, RoundBallot
    rnd = make_round(world.hebron, world.users["coordinator"])
    rid, pid, uid = rnd.id, rnd.priorities[0].id, world.users["member5"].id
    barrier = threading.Barrier(2)
    outcomes = []

    def vote(points):
        with app.app_context():
            for attempt in range(2):
                r = db.session.get(RankingRound, rid)
                u = db.session.get(User, uid)
                if attempt == 0:
                    barrier.wait(timeout=10)
                try:
                    services.cast_ballot(r, u, {pid: points})
                    db.session.commit()
                    outcomes.append("retried" if attempt else "saved")
                    break
                except IntegrityError:
                    db.session.rollback()
            db.session.remove()

    threads = [threading.Thread(target=vote, args=(n,)) for n in (2, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(outcomes) == 2
    db.session.expire_all()
    assert RoundBallot.query.filter_by(round_id=rid, user_id=uid).count() == 1
