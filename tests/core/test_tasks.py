"""The task panel's service (budget_app.navigation.tasks_for and each feature's provider), tested
directly: what each role has to do, and one query per kind of task whatever the number of items."""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).parent.parent / "cycles"))
from cycles_testlib import make_cycle  # noqa: E402


@pytest.fixture(autouse=True)
def _english_request(app):
    with app.test_request_context("/?lang=en"):
        yield


def _tasks(user, councils=None):
    from budget_app.navigation import tasks_for
    return tasks_for(user, councils)


def _kinds(tasks):
    return sorted((t.kind, t.done) for t in tasks)


def test_open_budget_vote_says_whether_i_voted(world):
    from budget_app.cycles.ballots import cast_ballot

    cycle = make_cycle(world, "voting")
    cast_ballot(cycle, world.users["member1"], [cycle.proposals[0].id])
    mine = [t for t in _tasks(world.users["member1"]) if t.kind == "cycle_vote"]
    theirs = [t for t in _tasks(world.users["member4"]) if t.kind == "cycle_vote"]
    assert [(t.values["cycle_id"], t.done) for t in mine] == [(cycle.id, True)]
    assert [(t.values["cycle_id"], t.done) for t in theirs] == [(cycle.id, False)]
    assert theirs[0].endpoint == "cycles.vote"
    # Someone of another council has nothing to vote on here.
    assert not [t for t in _tasks(world.users["outsider"]) if t.kind == "cycle_vote"]


def test_approval_vote_awaits_those_who_have_not_voted(world):
    from budget_app.cycles.approval import cast_approval_vote

    cycle = make_cycle(world, "decided")
    cast_approval_vote(cycle, world.users["member2"], "yes")
    assert ("approval_vote", True) in _kinds(_tasks(world.users["member2"]))
    assert ("approval_vote", False) in _kinds(_tasks(world.users["member4"]))
    assert [t.endpoint for t in _tasks(world.users["member4"]) if t.kind == "approval_vote"] == ["cycles.results"]


def test_director_gets_the_next_step_of_every_cycle_not_closed(world):
    from budget_app.cycles.ballots import cast_ballot
    from budget_app.cycles.lifecycle import close_cycle, start_execution

    preparing = make_cycle(world, "preparing", year=2031)
    voting = make_cycle(world, "voting", year=2032)
    cast_ballot(voting, world.users["member1"], [voting.proposals[0].id])
    approved = make_cycle(world, "approved", year=2033)
    closed = make_cycle(world, "approved", year=2034)
    start_execution(closed)
    close_cycle(closed)
    steps = {t.values["cycle_id"]: t for t in _tasks(world.users["director"]) if t.kind == "next_step"}
    assert set(steps) == {preparing.id, voting.id, approved.id}
    assert steps[preparing.id].step == "preparing"
    assert (steps[voting.id].step, steps[voting.id].count) == ("voting", 1)
    assert steps[approved.id].step == "approved"
    # Members and coordinators do not get the director's steps.
    assert not [t for t in _tasks(world.users["coordinator"]) if t.kind == "next_step"]


def test_coordinator_sees_feedback_waiting_for_moderation(world):
    from citizen_budget.models import Feedback
    from budget_app.extensions import db

    for body, status in (("a", "pending"), ("b", "pending"), ("c", "published")):
        db.session.add(Feedback(council_id=world.hebron.id, fiscal_year=2026, body=body, status=status))
    db.session.add(Feedback(council_id=world.nablus.id, fiscal_year=2026, body="d", status="pending"))
    db.session.flush()
    feedback = [t for t in _tasks(world.users["coordinator"]) if t.kind == "feedback"]
    assert [(t.council.slug, t.count) for t in feedback] == [("hebron", 2)]
    assert feedback[0].endpoint == "citizen_budget_manage.feedback"
    assert not [t for t in _tasks(world.users["member4"]) if t.kind == "feedback"]


def test_recommendations_i_own_that_are_due_or_overdue(world):
    from budget_app.extensions import db
    from budget_app.utils import utcnow
    from councils.models import Meeting, Recommendation

    today = utcnow().date()
    meeting = Meeting(council_id=world.hebron.id, kind="council_meeting", title="m", held_at=utcnow())
    db.session.add(meeting)
    db.session.flush()
    member4 = world.users["member4"]
    organization = member4.membership_in(world.hebron).organization_name
    rows = [("mine by name, overdue", member4.name, -3, "open"),
            ("mine by organization, due soon", organization, 5, "in_progress"),
            ("mine, but far away", member4.name, 60, "open"),
            ("mine, but done", member4.name, -3, "done"),
            ("someone else's", "another body", -3, "open"),
            ("the coordinator's role", "منسق المجلس", 2, "open")]
    for text, owner, days, status in rows:
        db.session.add(Recommendation(council_id=world.hebron.id, meeting_id=meeting.id, text=text, owner=owner,
                                      due_date=today + timedelta(days=days), status=status))
    db.session.flush()
    mine = [(t.title, t.overdue) for t in _tasks(member4) if t.kind == "recommendation"]
    assert mine == [("mine by name, overdue", True), ("mine by organization, due soon", False)]
    coordinator = [t.title for t in _tasks(world.users["coordinator"]) if t.kind == "recommendation"]
    assert coordinator == ["the coordinator's role"]


def test_open_ranking_round_with_closing_time(world):
    from budget_app.utils import utcnow
    from priorities import services
    from priorities.models import Priority
    from budget_app.extensions import db

    priorities = []
    for i in range(2):
        p = Priority(council_id=world.hebron.id, fiscal_year=2026, title_ar=f"حاجة {i}", status="shortlisted")
        db.session.add(p)
        priorities.append(p)
    db.session.flush()
    closes = utcnow() + timedelta(days=3)
    rnd = services.open_round(world.hebron, title="Round", fiscal_year=2026, method="points", points_budget=10,
                              top_n=2, closes_at=closes, results_visible_before_close=False,
                              user=world.users["coordinator"])
    services.cast_ballot(rnd, world.users["member1"], {priorities[0].id: 4})
    rounds = {t.values["round_id"]: t for t in _tasks(world.users["member1"]) if t.kind == "round_vote"}
    assert rounds[rnd.id].done and rounds[rnd.id].closes_at == rnd.closes_at
    assert not [t for t in _tasks(world.users["member4"]) if t.kind == "round_vote" and t.done]


def test_tasks_are_scoped_to_the_council_asked_for(world):
    make_cycle(world, "voting")
    make_cycle(world, "voting", council=world.nablus)
    member1 = world.users["member1"]
    assert {t.council.slug for t in _tasks(member1) if t.kind == "cycle_vote"} == {"hebron", "nablus"}
    assert {t.council.slug for t in _tasks(member1, [world.nablus]) if t.kind == "cycle_vote"} == {"nablus"}


def _queries(fn):
    from budget_app.extensions import db

    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_one_query_per_kind_whatever_the_number_of_cycles(world):
    """No N+1: the director's tasks cost as many queries with six cycles as with two."""
    from budget_app.extensions import db

    director = world.users["director"]
    for year in (2031, 2032):
        make_cycle(world, "voting", year=year)
    db.session.expire_all()
    director = db.session.get(type(director), director.id)
    few = _queries(lambda: _tasks(director))
    for year in (2033, 2034, 2035, 2036):
        make_cycle(world, "voting", year=year)
    db.session.expire_all()
    director = db.session.get(type(director), director.id)
    many = _queries(lambda: _tasks(director))
    assert len([t for t in _tasks(director) if t.kind == "next_step"]) == 6
    assert many == few
