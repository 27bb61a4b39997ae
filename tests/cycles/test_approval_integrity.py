"""The council's approval vote cannot be steered (issue 9, item 5).

The electorate (who may vote on the final allocation and who counts for the quorum) and the
quorum are frozen with the rules when voting opens, inside the fingerprint; membership changes
afterwards change neither; the quorum cannot be below the ministry-wide minimum nor change
once voting opens; only the frozen electorate's votes decide. Each manoeuvre of the issue is
replayed here, on whichever database the run uses (SQLite, or PostgreSQL with TEST_DATABASE_URL).
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from cycles_testlib import make_cycle
from helpers import insert_row as _insert
from helpers import page_text
from budget_app.cycles.approval import approval_tally, approve_allocation, cast_approval_vote, frozen_electorate
from budget_app.cycles.ballots import cast_ballot
from budget_app.cycles.lifecycle import close_voting, create_cycle, open_voting, update_cycle
from budget_app.cycles.errors import CycleError, FrozenError
from budget_app.cycles.rules import verify_fingerprint


@pytest.fixture
def eleven(world, make_user):
    """Hebron with 11 members (member1..8, coordinator, director and member9; the technical reviewer
    holds no seat)."""
    from budget_app.tenancy import SEAT_ROLES, Membership
    make_user("member9@sharaka.test", roles={"hebron": "member"})
    assert Membership.query.filter(Membership.council_id == world.hebron.id,
                                   Membership.role.in_(SEAT_ROLES)).count() == 11
    return world


def _users(world):
    from budget_app.auth.models import User
    return {u.email.split("@")[0]: u for u in User.query}


def _approval_error(cycle, user):
    from budget_app.extensions import db
    with pytest.raises(CycleError) as info:
        approve_allocation(cycle, user)
    db.session.rollback()
    return info.value.message


def test_three_of_eleven_refused_then_removing_five_members_changes_nothing(eleven):
    """The issue's first manoeuvre: 3 of 11 vote, the coordinator removes 5 members, the director approves."""
    from budget_app.extensions import db
    from councils import services as council_services
    from budget_app.tenancy import SEAT_ROLES, Membership
    world = eleven
    cycle = make_cycle(world, "decided")
    users = _users(world)
    cast_approval_vote(cycle, users["member1"], "yes")
    cast_approval_vote(cycle, users["member2"], "yes")
    cast_approval_vote(cycle, users["member3"], "no")
    db.session.commit()
    message = _approval_error(cycle, users["director"])
    assert "3 of 11 members voted, 6 are needed" in message

    coordinator = users["coordinator"]
    for key in ("member3", "member5", "member6", "member7", "member8"):
        membership = Membership.query.filter_by(council_id=world.hebron.id, user_id=users[key].id).one()
        council_services.remove_member(membership, coordinator)
    db.session.commit()
    assert Membership.query.filter(Membership.council_id == world.hebron.id,
                                   Membership.role.in_(SEAT_ROLES)).count() == 6

    tally = approval_tally(cycle)
    assert (tally["members"], tally["quorum"], tally["cast"]) == (11, 6, 3)
    assert "3 of 11 members voted, 6 are needed" in _approval_error(cycle, users["director"])
    assert cycle.phase == "decided"
    assert verify_fingerprint(cycle)


def test_vote_of_a_member_removed_after_voting_opened_still_counts(eleven):
    """Removing a member who voted "no" cannot flip the outcome: the frozen electorate decides."""
    from budget_app.extensions import db
    from councils import services as council_services
    from budget_app.tenancy import Membership
    world = eleven
    cycle = make_cycle(world, "decided")
    users = _users(world)
    for key in ("member1", "member2", "member3"):
        cast_approval_vote(cycle, users[key], "yes")
    for key in ("member4", "member5", "member6"):
        cast_approval_vote(cycle, users[key], "no")
    db.session.commit()
    assert "did not approve" in _approval_error(cycle, users["director"])
    membership = Membership.query.filter_by(council_id=world.hebron.id, user_id=users["member6"].id).one()
    council_services.remove_member(membership, users["coordinator"])
    db.session.commit()
    tally = approval_tally(cycle)
    assert (tally["yes"], tally["no"], tally["members"]) == (3, 3, 11)
    assert "did not approve" in _approval_error(cycle, users["director"])


def test_member_added_after_voting_opened_cannot_vote_nor_move_the_quorum(eleven, make_user):
    from budget_app.extensions import db
    world = eleven
    cycle = make_cycle(world, "decided")
    late = make_user("late@sharaka.test", roles={"hebron": "member"})
    assert world.hebron.is_member(late)
    with pytest.raises(CycleError, match="members at the time voting opened"):
        cast_approval_vote(cycle, late, "yes")
    db.session.rollback()
    assert approval_tally(cycle)["members"] == 11


def test_votes_from_outside_the_frozen_electorate_are_not_counted(eleven):
    """A vote row of someone outside the electorate (e.g. a member removed before voting opened,
    left from before electorates were frozen) is ignored, and said so."""
    from budget_app.cycles.models import ApprovalVote
    from budget_app.extensions import db
    from budget_app.tenancy import Membership
    world = eleven
    users = _users(world)
    Membership.query.filter_by(council_id=world.hebron.id, user_id=users["member9"].id).delete()
    db.session.commit()
    cycle = make_cycle(world, "decided")
    assert users["member9"].id not in frozen_electorate(cycle)
    db.session.add(ApprovalVote(cycle_id=cycle.id, user_id=users["member9"].id, choice="no"))
    for key in ("member1", "member2", "member3", "member4", "member5"):
        cast_approval_vote(cycle, users[key], "yes")
    db.session.commit()
    tally = approval_tally(cycle)
    assert (tally["yes"], tally["no"], tally["cast"], tally["ignored"], tally["members"]) == (5, 0, 5, 1, 10)
    approve_allocation(cycle, users["director"])
    db.session.commit()
    assert cycle.approval_result["no"] == 0 and cycle.approval_result["ignored"] == 1


def test_director_cannot_set_quorum_to_one_percent_nor_approve_alone(world, client):
    """The issue's second manoeuvre: quorum 1 %, the director casts the only ballot, closes, votes yes, approves."""
    from budget_app.extensions import db
    users = _users(world)
    with pytest.raises(CycleError, match="ministry's minimum") as info:
        create_cycle(world.hebron, users["director"], fiscal_year=2027, title_ar="دورة", envelope_minor=100_00,
                     approval_quorum_pct=1)
    assert info.value.field == "approval_quorum_pct"
    db.session.rollback()
    cycle = make_cycle(world, "preparing", year=2027)
    with pytest.raises(CycleError, match="ministry's minimum"):
        update_cycle(cycle, approval_quorum_pct=1)
    db.session.rollback()

    # Through the form too: the field says why.
    client.login("director@sharaka.test")
    form = {"fiscal_year": "2027", "title_ar": "دورة", "envelope": "1000", "currency": "ILS",
            "ballot_method": "approval", "tally_rule": "greedy", "approval_quorum_pct": "1"}
    response = client.post_form(f"/councils/hebron/cycles/{cycle.id}/edit?lang=en", form)
    assert response.status_code == 400
    assert "The quorum must be between 50% (the ministry&#39;s minimum) and 100%" in page_text(response)
    db.session.expire_all()
    assert cycle.approval_quorum_pct == 50

    open_voting(cycle, users["director"])
    ids = {p.code: p.id for p in cycle.proposals}
    cast_ballot(cycle, users["director"], [ids["P01"]])
    close_voting(cycle, users["director"])
    cast_approval_vote(cycle, users["director"], "yes")
    db.session.commit()
    assert "1 of 10 members voted, 5 are needed" in _approval_error(cycle, users["director"])


def test_quorum_and_electorate_cannot_change_once_voting_opens(world, client):
    from budget_app.cycles.models import BudgetCycle
    from budget_app.extensions import db
    users = _users(world)
    cycle = make_cycle(world, "voting")
    with pytest.raises(FrozenError):
        update_cycle(cycle, approval_quorum_pct=80)
    db.session.rollback()
    # Whatever code path tries it, the flush refuses.
    cycle = db.session.get(BudgetCycle, cycle.id)
    cycle.approval_quorum_pct = 60
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    cycle = db.session.get(BudgetCycle, cycle.id)
    cycle.electorate_json = json.dumps({"user_ids": [users["director"].id], "source": "voting_opened"})
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    client.login("director@sharaka.test")
    response = client.post_form(f"/councils/hebron/cycles/{cycle.id}/edit?lang=en",
                                {"approval_quorum_pct": "51"}, follow_redirects=True)
    assert "frozen" in page_text(response)
    db.session.expire_all()
    assert db.session.get(BudgetCycle, cycle.id).approval_quorum_pct == 50


def test_electorate_and_quorum_are_inside_the_fingerprint(world):
    from budget_app.extensions import db
    users = _users(world)
    cycle = make_cycle(world, "voting")
    rules = json.loads(cycle.rules_json)
    member_ids = sorted(u.id for key, u in users.items() if key not in ("admin", "outsider", "reviewer"))
    assert rules["approval"] == {"electorate_user_ids": member_ids, "quorum_pct": 50}
    assert verify_fingerprint(cycle)
    # Changed behind the application's back, the fingerprint no longer matches and closing is refused.
    db.session.execute(text("UPDATE budget_cycle SET approval_quorum_pct = 1 WHERE id = :id"), {"id": cycle.id})
    db.session.commit()
    db.session.expire_all()
    assert not verify_fingerprint(cycle)
    with pytest.raises(CycleError, match="fingerprint"):
        close_voting(cycle, users["director"])
    db.session.rollback()
    db.session.execute(text("UPDATE budget_cycle SET approval_quorum_pct = 50, electorate_json = :e WHERE id = :id"),
                       {"id": cycle.id, "e": json.dumps({"user_ids": [users["director"].id],
                                                         "source": "voting_opened", "frozen_at": ""})})
    db.session.commit()
    db.session.expire_all()
    assert not verify_fingerprint(cycle)


def test_ministry_minimum_set_by_the_administrator_with_audit(world, client):
    from budget_app.audit import AuditLog
    from budget_app.extensions import db
    from budget_app.ministry_settings import approval_quorum_min_pct
    users = _users(world)
    voting = make_cycle(world, "voting", year=2026)
    preparing = make_cycle(world, "preparing", year=2027)
    assert approval_quorum_min_pct() == 50

    client.login("admin@sharaka.test")
    page = client.get("/admin/?lang=en")
    assert "/admin/settings" in page.get_data(as_text=True)
    response = client.get("/admin/settings?lang=ar")
    assert response.status_code == 200 and 'lang="ar"' in response.get_data(as_text=True)
    response = client.post_form("/admin/settings?lang=en", {"approval_quorum_min_pct": "0"})
    assert response.status_code == 400
    response = client.post_form("/admin/settings?lang=en", {"approval_quorum_min_pct": "60"})
    assert response.status_code == 302
    db.session.expire_all()
    assert approval_quorum_min_pct() == 60
    entry = AuditLog.query.filter_by(action="settings.update").one()
    assert entry.details_dict["approval_quorum_min_pct"] == {"old": 50, "new": 60}
    assert entry.actor == "admin@sharaka.test"

    # A cycle whose voting opened keeps its frozen quorum; one in preparation must rise to the minimum.
    assert approval_tally(voting)["quorum_pct"] == 50 and verify_fingerprint(voting)
    with pytest.raises(CycleError, match="below the ministry's minimum of 60%"):
        open_voting(preparing, users["director"])
    db.session.rollback()
    with pytest.raises(CycleError, match="between 60%"):
        update_cycle(preparing, approval_quorum_pct=55)
    db.session.rollback()
    update_cycle(preparing, approval_quorum_pct=60)
    open_voting(preparing, users["director"])
    assert json.loads(preparing.rules_json)["approval"]["quorum_pct"] == 60
    fresh = create_cycle(world.hebron, users["director"], fiscal_year=2028, title_ar="دورة", envelope_minor=100)
    assert fresh.approval_quorum_pct == 60


def test_ministry_settings_only_for_administrators(world, client):
    client.login("director@sharaka.test")
    assert client.get("/admin/settings").status_code == 403
    assert client.post_form("/admin/settings", {"approval_quorum_min_pct": "1"}).status_code == 403


def test_results_page_explains_the_frozen_electorate(eleven, client, make_user):
    from budget_app.extensions import db
    world = eleven
    cycle = make_cycle(world, "decided")
    make_user("late@sharaka.test", roles={"hebron": "member"})
    db.session.commit()
    client.login("late@sharaka.test")
    text_en = page_text(client.get(f"/councils/hebron/cycles/{cycle.id}/results?lang=en"))
    assert "You were not a member of the council when voting opened" in text_en
    assert "Quorum: 6 of 11 members" in text_en
    client.logout()
    client.login("member1@sharaka.test")
    html = client.get(f"/councils/hebron/cycles/{cycle.id}/results?lang=en").get_data(as_text=True)
    assert "/approval" in html and "frozen with the rules when voting opened" in html
    detail = page_text(client.get(f"/councils/hebron/cycles/{cycle.id}/?lang=en"))
    assert "Quorum: 50% of the 11 members of the council when voting opened" in detail


@pytest.fixture
def empty_database(tmp_path):
    from helpers import drop_postgres_database, is_postgres, make_postgres_database, worker_id
    if is_postgres():
        url = make_postgres_database(f"elect_{worker_id()}")
        yield url
        drop_postgres_database(url)
    else:
        yield "sqlite:///" + str(tmp_path / "electorate.db")


def test_migration_freezes_electorate_of_cycles_past_voting(empty_database, tmp_path, monkeypatch):
    """Cycles already voting or decided when the migration runs get today's membership as their
    electorate (recorded as such), a quorum of at least 50 %, and keep their published fingerprint."""
    from flask_migrate import upgrade

    from budget_app import create_app
    from budget_app.extensions import db
    from helpers import app_config

    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path))
    app = create_app(app_config(empty_database))
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            council = _insert(conn, "council", slug="hebron", name_ar="الخليل", name_en="Hebron")
            users = [_insert(conn, "user_account", email=f"u{i}@x.test", name=f"u{i}") for i in range(4)]
            for uid in users[:3]:
                _insert(conn, "membership", council_id=council, user_id=uid, role="member")
            cycles = {phase: _insert(conn, "budget_cycle", council_id=council, fiscal_year=2026, title_ar="x",
                                     envelope_minor=100, phase=phase, approval_quorum_pct=1, fingerprint="f" * 64,
                                     rules_json="{}")
                      for phase in ("preparing", "decided", "approved")}
        upgrade()
        with db.engine.connect() as conn:
            rows = {r[0]: r[1:] for r in conn.execute(text(
                "SELECT id, electorate_json, approval_quorum_pct, fingerprint FROM budget_cycle"))}
        assert rows[cycles["preparing"]][:2] == ("", 1)  # frozen when its voting opens
        decided = json.loads(rows[cycles["decided"]][0])
        assert decided["user_ids"] == sorted(users[:3]) and decided["source"] == "migration"
        assert rows[cycles["decided"]][1] == 50 and rows[cycles["decided"]][2] == "f" * 64
        assert json.loads(rows[cycles["approved"]][0])["source"] == "migration"
        assert rows[cycles["approved"]][1] == 1  # already approved: history is not rewritten
        db.engine.dispose()
