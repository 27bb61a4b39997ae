"""The feasibility review before voting (issue 15 §3): the rules of a review, the vote that cannot
open while a proposal waits, the ballot without the proposals found not feasible, the revised
cost, the fingerprint, the reviewer's pages and who may use them."""
from __future__ import annotations

import json

import pytest

from cycles_testlib import make_cycle
from helpers import page_text

from budget_app.audit import AuditLog
from budget_app.cycles.ballots import cast_ballot, validate_choices
from budget_app.cycles.errors import CycleError, FrozenError
from budget_app.cycles.lifecycle import close_voting, open_voting
from budget_app.cycles.proposals import save_proposal
from budget_app.cycles.review import review_all_feasible, review_proposal, review_summary
from budget_app.cycles.rules import canonical_rules, fingerprint_of, verify_fingerprint
from budget_app.cycles.tallying import tally_inputs
from budget_app.extensions import db


def _by_code(cycle):
    return {p.code: p for p in cycle.proposals}


def _url(cycle, suffix=""):
    return f"/councils/hebron/cycles/{cycle.id}/{suffix}"


def test_voting_cannot_open_while_a_proposal_awaits_review(world):
    cycle = make_cycle(world, reviewed=False)
    reviewer = world.users["reviewer"]
    review_proposal(_by_code(cycle)["P01"], reviewer, outcome="feasible", reason="Site and staff available.")
    db.session.commit()
    with pytest.raises(CycleError, match=r"4 proposals await their feasibility review \(P02, P03, P04, P05\)"):
        open_voting(cycle, world.users["director"])
    db.session.rollback()
    assert review_summary(cycle) == {"feasible": 1, "feasible_with_changes": 0, "not_feasible": 0, "waiting": 4,
                                     "total": 5}
    review_all_feasible(cycle, reviewer, "Feasible.")
    open_voting(cycle, world.users["director"])
    assert cycle.phase == "voting"


def test_a_review_needs_its_reason_and_changes_need_a_revised_cost(world):
    cycle = make_cycle(world, reviewed=False)
    p = _by_code(cycle)["P01"]
    reviewer = world.users["reviewer"]
    with pytest.raises(CycleError, match="Give the reason"):
        review_proposal(p, reviewer, outcome="not_feasible", reason="   ")
    with pytest.raises(CycleError, match="Say what has to change"):
        review_proposal(p, reviewer, outcome="feasible_with_changes", reason="Too big", revised_cost_minor=100)
    with pytest.raises(CycleError, match="revised cost") as info:
        review_proposal(p, reviewer, outcome="feasible_with_changes", reason="Too big", changes="Smaller hall")
    assert info.value.field == "revised_cost"
    with pytest.raises(CycleError, match="Choose feasible"):
        review_proposal(p, reviewer, outcome="maybe", reason="?")
    with pytest.raises(CycleError, match="under"):
        review_proposal(p, reviewer, outcome="feasible", reason="x" * 5001)
    assert p.review is None


def test_feasible_with_changes_is_voted_at_the_revised_cost_and_keeps_the_cost_asked(world):
    from budget_app.reference.models import FundingSource
    cycle = make_cycle(world, reviewed=False)
    treasury = FundingSource.query.filter_by(code="treasury").one()
    eu = FundingSource.query.filter_by(code="eu").one()
    p = save_proposal(cycle, _by_code(cycle)["P01"], funding=[(treasury.id, 300_000_00), (eu.id, 100_000_00)])
    review_proposal(p, world.users["reviewer"], outcome="feasible_with_changes", reason="The hall is too large.",
                    changes="One floor instead of two.", revised_cost_minor=300_000_00)
    assert p.cost_minor == 300_000_00 and p.review.original_cost_minor == 400_000_00
    # The funding split moves with the cost: still fully funded, each source keeping its share.
    assert sorted(f.amount_minor for f in p.funding) == [75_000_00, 225_000_00]
    entry = AuditLog.query.filter_by(action="proposal.review").one()
    assert entry.details_dict["outcome"] == "feasible_with_changes"
    assert entry.details_dict["revised_cost_minor"] == 300_000_00
    # A later review without changes gives back the cost asked for.
    review_proposal(p, world.users["reviewer"], outcome="feasible", reason="Two floors after all.")
    assert p.cost_minor == 400_000_00 and p.review.revised_cost_minor is None
    assert AuditLog.query.filter_by(action="proposal.review_change").count() == 1


def test_not_feasible_proposals_stay_off_the_ballot_and_the_tally(world):
    cycle = make_cycle(world, reviewed=False)
    reviewer = world.users["reviewer"]
    off = _by_code(cycle)["P05"]
    review_proposal(off, reviewer, outcome="not_feasible", reason="No accessible building in the area.")
    review_all_feasible(cycle, reviewer, "Feasible.")
    open_voting(cycle, world.users["director"])
    assert [p.code for p in cycle.ballot_proposals] == ["P01", "P02", "P03", "P04"]
    with pytest.raises(CycleError):
        validate_choices(cycle, [off.id])
    cast_ballot(cycle, world.users["member1"], [_by_code(cycle)["P01"].id])
    assert [p.id for p in tally_inputs(cycle)["projects"]] == ["P01", "P02", "P03", "P04"]
    close_voting(cycle, world.users["director"])
    assert "P05" not in cycle.tally["main"]["explanations"]
    entry = AuditLog.query.filter_by(action="cycle.open_voting").one()
    assert entry.details_dict["not_feasible"] == ["P05"] and entry.details_dict["proposals"] == 4


def test_voting_needs_two_feasible_proposals(world):
    cycle = make_cycle(world, reviewed=False)
    for code in ("P01", "P02", "P03", "P04"):
        review_proposal(_by_code(cycle)[code], world.users["reviewer"], outcome="not_feasible", reason="No site.")
    review_all_feasible(cycle, world.users["reviewer"], "Feasible.")
    with pytest.raises(CycleError, match="at least two proposals found feasible"):
        open_voting(cycle, world.users["director"])


def test_the_review_is_inside_the_fingerprint_and_frozen_with_it(world):
    cycle = make_cycle(world, reviewed=False)
    reviewer = world.users["reviewer"]
    review_all_feasible(cycle, reviewer, "Feasible.")
    before = fingerprint_of(canonical_rules(cycle))
    review_proposal(_by_code(cycle)["P04"], reviewer, outcome="feasible", reason="Feasible, with the partner's staff.")
    after_reason = fingerprint_of(canonical_rules(cycle))
    review_proposal(_by_code(cycle)["P04"], reviewer, outcome="not_feasible", reason="No partner staff.")
    after_outcome = fingerprint_of(canonical_rules(cycle))
    assert len({before, after_reason, after_outcome}) == 3
    open_voting(cycle, world.users["director"])
    db.session.commit()
    frozen = json.loads(cycle.rules_json)
    assert {p["code"]: p["review"]["outcome"] for p in frozen["proposals"]}["P04"] == "not_feasible"
    assert verify_fingerprint(cycle)
    with pytest.raises(FrozenError):
        review_proposal(_by_code(cycle)["P04"], reviewer, outcome="feasible", reason="Changed my mind.")
    db.session.rollback()
    # Even bypassing the service, the freeze guard refuses a changed review.
    _by_code(cycle)["P04"].review.reason = "edited behind the service's back"
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    assert verify_fingerprint(cycle)


def test_a_change_to_a_reviewed_proposal_clears_its_review(world):
    cycle = make_cycle(world)
    p = _by_code(cycle)["P02"]
    save_proposal(cycle, p, title_ar=p.title_ar, exclusive_group=p.exclusive_group)  # nothing judged changed
    assert p.review is not None
    save_proposal(cycle, p, cost_minor=p.cost_minor + 100)
    assert p.review is None
    assert AuditLog.query.filter_by(action="proposal.review_cleared").count() == 1
    with pytest.raises(CycleError, match="1 proposal awaits its feasibility review \\(P02\\)"):
        open_voting(cycle, world.users["director"])


def test_a_reviewer_holds_no_seat(world):
    from budget_app.cycles.rules import current_member_ids
    cycle = make_cycle(world, "voting")
    reviewer = world.users["reviewer"]
    assert world.hebron.can_view(reviewer) and world.hebron.can_review(reviewer)
    assert not world.hebron.is_member(reviewer) and not cycle.can_vote(reviewer)
    assert reviewer.id not in cycle.electorate_ids and reviewer.id not in current_member_ids(world.hebron.id)
    assert not world.hebron.can_review(world.users["director"])


# Over HTTP --------------------------------------------------------------------------------------
def test_reviewer_reviews_over_http_and_the_reason_is_shown(client, world):
    cycle = make_cycle(world, reviewed=False)
    p = _by_code(cycle)["P03"]
    client.login("reviewer@sharaka.test")
    listing = page_text(client.get(_url(cycle, "review?lang=en")))
    assert "5 proposals awaiting review" in listing and "Voting cannot open while 5 proposals await" in listing
    form_url = _url(cycle, f"proposals/{p.id}/review?lang=en")
    assert client.get(form_url).status_code == 200
    response = client.post_form(form_url, {"outcome": "not_feasible", "reason": ""})
    assert response.status_code == 400 and "Give the reason for the review" in page_text(response)
    response = client.post_form(form_url, {"outcome": "feasible_with_changes", "reason": "Too big",
                                           "changes": "Smaller", "revised_cost": ""})
    assert response.status_code == 400 and "Give the revised cost." in page_text(response)
    response = client.post_form(form_url, {"outcome": "not_feasible",
                                           "reason": "The playground site is a flood zone."})
    assert response.status_code == 302
    db.session.expire_all()
    assert p.review.outcome == "not_feasible" and p.review.reviewer_id == world.users["reviewer"].id
    detail = page_text(client.get(_url(cycle, "?lang=en")))
    assert "Not on the ballot: found not feasible" in detail and "The playground site is a flood zone." in detail

    # The director's opening of the vote is refused with the reason, nothing frozen.
    client.logout()
    client.login("director@sharaka.test")
    response = client.post_form(_url(cycle, "transition/open_voting?lang=en"))
    assert response.status_code == 302
    page = page_text(client.get(_url(cycle, "?lang=en")))
    assert "Voting cannot open yet: 4 proposals await their feasibility review" in page
    db.session.expire_all()
    assert cycle.phase == "preparing" and not cycle.fingerprint


def test_review_pages_in_arabic_and_the_public_receipts_list_the_not_feasible(client, world):
    cycle = make_cycle(world, reviewed=False)
    review_proposal(_by_code(cycle)["P05"], world.users["reviewer"], outcome="not_feasible",
                    reason="لا يوجد مبنى مهيأ في المنطقة.")
    review_all_feasible(cycle, world.users["reviewer"], "ممكن التنفيذ")
    open_voting(cycle, world.users["director"])
    cast_ballot(cycle, world.users["member1"], [_by_code(cycle)["P01"].id])
    close_voting(cycle, world.users["director"])
    db.session.commit()
    client.login("reviewer@sharaka.test")
    arabic = client.get(_url(cycle, "review?lang=ar")).get_data(as_text=True)
    assert 'lang="ar"' in arabic and "لا يوجد مبنى مهيأ في المنطقة." in arabic
    # A frozen cycle's review form answers with the reason, not a form.
    response = client.get(_url(cycle, f"proposals/{_by_code(cycle)['P05'].id}/review?lang=en"))
    assert response.status_code == 302
    client.logout()
    public = page_text(client.get(_url(cycle, "receipts?lang=en")))
    assert "Not on the ballot: found not feasible" in public and "لا يوجد مبنى مهيأ في المنطقة." in public
    api = client.get(f"/api/v1/councils/hebron/cycles/{cycle.fiscal_year}/results")
    if api.status_code == 200:
        assert api.get_json()["not_feasible"][0]["code"] == "P05"


def test_reviewer_task_panel_lists_the_cycle_waiting_for_review(client, world):
    cycle = make_cycle(world, reviewed=False)
    client.login("reviewer@sharaka.test")
    page = page_text(client.get("/dashboard?lang=en"))
    assert f"Feasibility review: {cycle.title_en}" in page and "5 proposals await your review" in page
    page = page_text(client.get("/councils/hebron/?lang=en"))
    assert f"Feasibility review: {cycle.title_en}" in page


def test_the_citizen_budget_lists_the_not_feasible_with_their_reason(world):
    from citizen_budget.figures import compute
    from citizen_budget.snapshot import build_snapshot
    cycle = make_cycle(world, reviewed=False)
    review_proposal(_by_code(cycle)["P05"], world.users["reviewer"], outcome="not_feasible",
                    reason="No accessible building in the area.")
    review_all_feasible(cycle, world.users["reviewer"], "Feasible.")
    open_voting(cycle, world.users["director"])
    cast_ballot(cycle, world.users["member1"], [_by_code(cycle)["P01"].id])
    close_voting(cycle, world.users["director"])
    snapshot = build_snapshot(cycle)
    reviews = {a["code"]: a["review"] for a in snapshot["allocations"]}
    assert reviews["P05"] == {"outcome": "not_feasible", "reason": "No accessible building in the area.",
                              "changes": "", "original_cost_minor": 350_000_00, "revised_cost_minor": None,
                              "reviewed_on": reviews["P05"]["reviewed_on"]}
    assert reviews["P05"]["reviewed_on"] and reviews["P01"]["outcome"] == "feasible"
    figures = compute(snapshot)
    assert [a["code"] for a in figures.not_feasible] == ["P05"]
    assert "P05" not in [a["code"] for a in figures.not_funded + figures.funded]
