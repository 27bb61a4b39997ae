"""Concurrency guarantees of voting, on SQLite (WAL, busy timeout) and PostgreSQL alike:
50 simultaneous submissions by one member leave one ballot; 100 members at once lose none."""
from __future__ import annotations

import threading

from cycles_testlib import make_cycle


def _run_threads(n, target):
    barrier = threading.Barrier(n)
    errors = []

    def wrapper(i):
        try:
            barrier.wait(timeout=60)
            target(i)
        except Exception as exc:  # collected and asserted in the test's thread
            errors.append(repr(exc))

    threads = [threading.Thread(target=wrapper, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def _cast_in_own_session(app, cycle_id, user_id, choices):
    from budget_app.auth.models import User
    from budget_app.cycles.ballots import cast_ballot
    from budget_app.cycles.models import BudgetCycle
    from budget_app.extensions import db

    with app.app_context(), app.test_request_context("/?lang=en"):
        cycle = db.session.get(BudgetCycle, cycle_id)
        user = db.session.get(User, user_id)
        cast_ballot(cycle, user, choices)
        db.session.commit()
        db.session.remove()


def test_fifty_simultaneous_submissions_by_one_member_leave_one_ballot(app, world):
    from budget_app.cycles.models import Ballot, BallotItem
    from budget_app.extensions import db
    cycle = make_cycle(world, "voting")
    ids = sorted(p.id for p in cycle.proposals)
    member_id, cycle_id = world.users["member1"].id, cycle.id
    # Each submission names a different set, so a mixed ballot would show.
    # Pairs that never hold both alternatives P02 and P03 (ids[1], ids[2]).
    choices = [[ids[i % 5], ids[(i + 2) % 5]] for i in range(50)]
    errors = _run_threads(50, lambda i: _cast_in_own_session(app, cycle_id, member_id, choices[i]))
    assert errors == []
    db.session.expire_all()
    ballots = Ballot.query.filter_by(cycle_id=cycle_id, user_id=member_id).all()
    assert len(ballots) == 1
    items = sorted(i.proposal_id for i in BallotItem.query.filter_by(ballot_id=ballots[0].id))
    assert items in [sorted(c) for c in choices]


def test_hundred_members_submitting_at_once_lose_none(app, world, make_user):
    from budget_app.cycles.models import Ballot
    from budget_app.extensions import db
    cycle = make_cycle(world, "voting")
    ids = sorted(p.id for p in cycle.proposals)
    users = [make_user(f"voter{i}@sharaka.test", roles={"hebron": "member"}) for i in range(100)]
    user_ids, cycle_id = [u.id for u in users], cycle.id
    errors = _run_threads(100, lambda i: _cast_in_own_session(app, cycle_id, user_ids[i], [ids[i % 5]]))
    assert errors == []
    db.session.expire_all()
    assert Ballot.query.filter_by(cycle_id=cycle_id).count() == 100
    assert len({b.receipt_code for b in Ballot.query.filter_by(cycle_id=cycle_id)}) == 100


def test_simultaneous_http_submissions(app, world, make_user):
    """Through the web: 10 submissions of one member and 20 members at the same moment."""
    from budget_app.cycles.models import Ballot
    from budget_app.extensions import db
    cycle = make_cycle(world, "voting")
    ids = sorted(p.id for p in cycle.proposals)
    url = f"/councils/hebron/cycles/{cycle.id}/vote"
    emails = ["member1@sharaka.test"] * 10 + [
        make_user(f"web{i}@sharaka.test", roles={"hebron": "member"}).email for i in range(20)]
    clients = []
    for email in emails:
        c = app.test_client()
        c.login(email)
        clients.append((c, c.csrf_token()))
    statuses = []

    def post(i):
        c, token = clients[i]
        response = c.post(url, data={"proposal": [ids[i % 5]], "csrf_token": token})
        statuses.append(response.status_code)

    errors = _run_threads(len(clients), post)
    assert errors == [] and statuses == [302] * len(clients)
    db.session.expire_all()
    assert Ballot.query.filter_by(cycle_id=cycle.id).count() == 21
    assert Ballot.query.filter_by(cycle_id=cycle.id, user_id=world.users["member1"].id).count() == 1
