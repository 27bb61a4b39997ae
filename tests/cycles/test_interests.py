"""Declared conflicts of interest (issue 15 §4): members flagged by the organization they represent,
declarations before the approval vote, recused members outside the vote and its quorum, the
members flagged but silent listed for the coordinator, and the pages that show it."""
from __future__ import annotations

import pytest

from cycles_testlib import decided_with_organizations, make_cycle
from helpers import page_text

from budget_app.audit import AuditLog
from budget_app.cycles.approval import approval_tally, approve_allocation, cast_approval_vote
from budget_app.cycles.errors import CycleError
from budget_app.cycles.interests import declarations_view, declare_interest, flagged_members, recused_ids
from budget_app.extensions import db
from budget_app.tenancy import Membership


def test_members_representing_a_proposing_or_implementing_organization_are_flagged(world):
    from budget_app.notifications.models import Notification
    cycle = decided_with_organizations(world)
    assert flagged_members(cycle) == {world.users["member1"].id: ["P01"], world.users["member2"].id: ["P04"]}
    # When voting opened, the flagged members (and only they) were asked to declare.
    asked = Notification.query.filter_by(kind="declaration_needed").all()
    assert sorted(n.user_id for n in asked) == sorted([world.users["member1"].id, world.users["member2"].id])


def test_declared_members_are_recused_and_do_not_count_toward_the_quorum(world):
    cycle = make_cycle(world, "decided")
    users = world.users
    assert approval_tally(cycle)["members"] == 10 and approval_tally(cycle)["quorum"] == 5
    for key in ("member1", "member2", "member3", "member4"):
        cast_approval_vote(cycle, users[key], "yes")
    db.session.commit()
    with pytest.raises(CycleError, match="quorum is not reached: 4 of 10 members voted, 5 are needed"):
        approve_allocation(cycle, users["director"])
    db.session.rollback()
    # Two members who had not voted declare an interest: 8 members, a quorum of 4, reached.
    for key in ("member7", "member8"):
        declare_interest(cycle, users[key], has_interest=True, codes=["P01"], note="Our partner implements it.")
    tally = approval_tally(cycle)
    assert (tally["members"], tally["quorum"], tally["recused"], tally["cast"]) == (8, 4, 2, 4)
    approve_allocation(cycle, users["director"])
    assert cycle.phase == "approved" and cycle.approval_result["recused"] == 2
    assert AuditLog.query.filter_by(action="cycle.approve").one().details_dict["recused"] == 2


def test_declaring_an_interest_withdraws_the_vote_and_refuses_a_new_one(world):
    cycle = make_cycle(world, "decided")
    member = world.users["member1"]
    cast_approval_vote(cycle, member, "yes")
    assert approval_tally(cycle)["yes"] == 1
    declare_interest(cycle, member, has_interest=True, codes=["P01", "P04"])
    assert approval_tally(cycle)["yes"] == 0 and member.id in recused_ids(cycle)
    with pytest.raises(CycleError, match="recused"):
        cast_approval_vote(cycle, member, "no")
    entry = AuditLog.query.filter_by(action="cycle.declare_interest").one()
    assert entry.details_dict == {"has_interest": True, "codes": ["P01", "P04"], "vote_withdrawn": True}
    # Declaring "none" afterwards lifts the recusal.
    declare_interest(cycle, member, has_interest=False)
    assert member.id not in recused_ids(cycle)
    cast_approval_vote(cycle, member, "no")


def test_declaration_rules(world):
    cycle = make_cycle(world, "decided")
    member = world.users["member1"]
    with pytest.raises(CycleError, match="Tick the proposals"):
        declare_interest(cycle, member, has_interest=True, codes=[])
    with pytest.raises(CycleError, match="Unknown proposal: P99"):
        declare_interest(cycle, member, has_interest=True, codes=["P99"])
    with pytest.raises(CycleError, match="members at the time voting opened"):
        declare_interest(cycle, world.users["outsider"], has_interest=False, electorate=cycle.electorate_ids)
    preparing = make_cycle(world, "preparing", year=2030)
    with pytest.raises(CycleError, match="while voting is open"):
        declare_interest(preparing, member, has_interest=False)


def test_flagged_members_who_have_not_declared_are_listed(world):
    cycle = decided_with_organizations(world)
    declare_interest(cycle, world.users["member1"], has_interest=True, codes=["P01"])
    view = declarations_view(cycle, cycle.electorate_ids)
    assert [u.email for u in view["recused"]] == ["member1@sharaka.test"]
    assert [(f["user"].email, f["codes"]) for f in view["undeclared_flagged"]] == [("member2@sharaka.test", ["P04"])]


def test_declaring_over_http_and_the_approval_page(client, world):
    cycle = decided_with_organizations(world)
    url = f"/councils/hebron/cycles/{cycle.id}/declaration?lang=en"
    client.login("member1@sharaka.test")
    page = page_text(client.get(url))
    assert "The organization you represent proposes or would carry out this proposal: P01." in page
    response = client.post_form(url, {"interest": "interest"})
    assert response.status_code == 400 and "Tick the proposals you have an interest in." in page_text(response)
    response = client.post_form(url, {"interest": "interest", "codes": ["P01"], "note": "We would implement it."})
    assert response.status_code == 302
    results = page_text(client.get(f"/councils/hebron/cycles/{cycle.id}/results?lang=en"))
    assert "1 member declared an interest and is recused" in results and "Recused" in results
    assert "you are recused from the council's vote on it" in results
    client.logout()
    client.login("coordinator@sharaka.test")
    results = page_text(client.get(f"/councils/hebron/cycles/{cycle.id}/results?lang=ar"))
    assert "member2@sharaka.test".split("@")[0] in results or world.users["member2"].name in results
    client.logout()
    client.login("reviewer@sharaka.test")
    assert client.get(url).status_code == 403


def test_the_citizen_budget_shows_the_recusals(world):
    from citizen_budget.snapshot import build_snapshot
    cycle = decided_with_organizations(world)
    declare_interest(cycle, world.users["member1"], has_interest=True, codes=["P01"])
    declare_interest(cycle, world.users["member3"], has_interest=False)
    snapshot = build_snapshot(cycle)
    organization = Membership.query.filter_by(user_id=world.users["member1"].id, council_id=world.hebron.id).one()
    assert snapshot["participation"]["declarations"] == {
        "declared": 2, "recused": [{"organization": organization.organization_name, "codes": ["P01"]}]}
    # Per allocation too, for its public record (citizen_budget.records' optional "declarations" section).
    by_code = {a["code"]: a for a in snapshot["allocations"]}
    assert by_code["P01"]["declarations"] == {"recusals": 1, "organizations": [organization.organization_name]}
    assert by_code["P02"]["declarations"] is None
