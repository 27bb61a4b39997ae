"""Budget cycle services, without HTTP: set-up, freezing, ballots, receipts, tally, override, approval."""
from __future__ import annotations

import json

import pytest

from cycles_testlib import PROPOSALS, by_ids, make_cycle
from budget_app.cycles.approval import approval_tally, approve_allocation, cast_approval_vote, override_selection
from budget_app.cycles.ballots import (cast_ballot, counted_receipts, enter_paper_ballot, format_receipt,
                                       participation, receipt_counted)
from budget_app.cycles.lifecycle import close_voting, create_cycle, open_voting, transition, update_cycle
from budget_app.cycles.proposals import delete_proposal, proposals_of, save_proposal
from budget_app.cycles.errors import CycleError, FrozenError
from budget_app.cycles.rules import canonical_rules, fingerprint_of, verify_fingerprint


def _ids(cycle):
    return {p.code: p.id for p in cycle.proposals}


def test_create_cycle_records_envelope_funding_gap_and_audit(world):
    from budget_app.audit import AuditLog
    cycle = make_cycle(world)
    assert cycle.envelope_minor == 100_000_000 and cycle.currency == "ILS"
    assert cycle.funding_total_minor == 90_000_000
    assert cycle.funding_gap_minor == 10_000_000
    assert cycle.phase == "preparing" and not cycle.is_frozen
    assert AuditLog.query.filter_by(action="cycle.create", object_id=str(cycle.id)).count() == 1


def test_money_is_integer_minor_units(world):
    from budget_app.cycles.forms import parse_amount
    assert parse_amount("120,000") == 12_000_000
    assert parse_amount("١٢٠٬٠٠٠٫٥٠") == 12_000_050
    assert parse_amount("99.99") == 9999
    for bad in ("12.345", "abc", "1,2,3"):
        with pytest.raises(ValueError):
            parse_amount(bad)


def test_no_voting_without_proposals(world):
    from budget_app.cycles.models import BudgetCycle
    from budget_app.extensions import db
    cycle = create_cycle(world.hebron, world.users["director"], fiscal_year=2026, title_ar="دورة",
                         envelope_minor=100_00)
    with pytest.raises(CycleError, match="at least two proposals"):
        open_voting(cycle)
    assert db.session.get(BudgetCycle, cycle.id).phase == "preparing"


def test_rules_validation(world):
    with pytest.raises(CycleError):
        create_cycle(world.hebron, None, fiscal_year=2026, title_ar="x", envelope_minor=0)
    with pytest.raises(CycleError, match="points"):
        create_cycle(world.hebron, None, fiscal_year=2026, title_ar="x", envelope_minor=100,
                     ballot_method="cumulative")
    with pytest.raises(CycleError, match="rank"):
        create_cycle(world.hebron, None, fiscal_year=2026, title_ar="x", envelope_minor=100,
                     ballot_method="ranked")


def test_duplicate_code_and_funding_split_refused(world):
    cycle = make_cycle(world)
    with pytest.raises(CycleError, match="P01"):
        save_proposal(cycle, code="P01", title_ar="x", cost_minor=100)
    with pytest.raises(CycleError, match="more than the cost"):
        save_proposal(cycle, code="P99", title_ar="x", cost_minor=100, funding=[(1, 200)])


def test_open_voting_freezes_with_fingerprint(world):
    from budget_app.audit import AuditLog
    from budget_app.extensions import db
    cycle = make_cycle(world, "voting")
    assert cycle.phase == "voting" and len(cycle.fingerprint) == 64
    rules = json.loads(cycle.rules_json)
    assert [p["code"] for p in rules["proposals"]] == [p[0] for p in PROPOSALS]
    assert fingerprint_of(rules) == cycle.fingerprint == fingerprint_of(canonical_rules(cycle))
    assert verify_fingerprint(cycle)
    entry = AuditLog.query.filter_by(action="cycle.open_voting").one()
    assert entry.details_dict["fingerprint"] == cycle.fingerprint

    # Every later edit is refused: services...
    with pytest.raises(FrozenError):
        save_proposal(cycle, cycle.proposals[0], title_ar="تغيير")
    db.session.rollback()
    with pytest.raises(FrozenError):
        update_cycle(cycle, envelope_minor=1)
    with pytest.raises(FrozenError):
        delete_proposal(cycle.proposals[0])
    db.session.rollback()
    # ...and any other code path, at flush time.
    cycle.proposals[0].cost_minor = 1
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    cycle.tally_rule = "mes"
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    from budget_app.cycles.models import AllocationProposal
    db.session.add(AllocationProposal(cycle_id=cycle.id, council_id=cycle.council_id, code="NEW", title_ar="x",
                                      cost_minor=5))
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    assert verify_fingerprint(cycle)


@pytest.mark.parametrize("method,choices,message", [
    ("approval", [], "at least one"),
    ("cost_limited", ["P01", "P02", "P05"], "more than the envelope"),
    ("cumulative", {"P01": 8, "P02": 3}, "11"),
    ("cumulative", {"P01": -1}, "negative"),
    ("ranked", ["P01", "P02", "P03", "P04"], "at most 3"),
])
def test_ballot_validation(world, method, choices, message):
    cycle = make_cycle(world, "voting", method=method)
    with pytest.raises(CycleError, match=message):
        cast_ballot(cycle, world.users["member1"], by_ids(choices, _ids(cycle)))


def test_approval_at_most_n_and_minimum_spend(world):
    cycle = make_cycle(world, "voting", max_choices=2)
    with pytest.raises(CycleError, match="at most 2"):
        cast_ballot(cycle, world.users["member1"], by_ids(["P01", "P02", "P03"], _ids(cycle)))
    c2 = make_cycle(world, "voting", method="cost_limited", min_spend_pct=50, year=2030)
    with pytest.raises(CycleError, match="spend at least"):
        cast_ballot(c2, world.users["member1"], by_ids(["P04"], _ids(c2)))
    assert cast_ballot(c2, world.users["member1"], by_ids(["P04", "P05"], _ids(c2))).receipt_code


def test_one_ballot_per_member_latest_counts_and_receipts(world):
    from budget_app.cycles.models import Ballot
    from budget_app.extensions import db
    cycle = make_cycle(world, "voting")
    ids = _ids(cycle)
    member = world.users["member1"]
    first = cast_ballot(cycle, member, [ids["P01"]]).receipt_code
    db.session.commit()
    second = cast_ballot(cycle, member, [ids["P02"], ids["P04"]])
    db.session.commit()
    assert Ballot.query.filter_by(cycle_id=cycle.id, user_id=member.id).count() == 1
    assert second.receipt_code != first and len(first) == 10
    assert sorted(i.proposal_id for i in second.items) == sorted([ids["P02"], ids["P04"]])
    close_voting(cycle, world.users["director"])
    assert receipt_counted(cycle, format_receipt(second.receipt_code).lower())
    assert not receipt_counted(cycle, first)
    assert counted_receipts(cycle) == [second.receipt_code]


def test_voting_refused_when_not_open(world):
    cycle = make_cycle(world, "decided")
    with pytest.raises(CycleError, match="not open"):
        cast_ballot(cycle, world.users["member5"], [cycle.proposals[0].id])
    outsider_cycle = make_cycle(world, "voting", year=2031)
    with pytest.raises(CycleError, match="members"):
        cast_ballot(outsider_cycle, world.users["outsider"], [outsider_cycle.proposals[0].id])


def test_paper_ballots_count_as_participants_and_are_tagged(world):
    cycle = make_cycle(world, "voting")
    ids = _ids(cycle)
    coordinator = world.users["coordinator"]
    with pytest.raises(CycleError, match="meeting"):
        enter_paper_ballot(cycle, coordinator, [ids["P01"]])
    for _ in range(3):
        b = enter_paper_ballot(cycle, coordinator, [ids["P05"]], meeting_label="ملتقى يطا")
    assert b.user_id is None and b.source == "paper" and b.receipt_code
    cast_ballot(cycle, world.users["member1"], [ids["P01"]])
    part = participation(cycle)
    assert (part["online"], part["paper"], part["total"]) == (1, 3, 4)
    assert part["meetings"][0]["label"] == "ملتقى يطا" and part["meetings"][0]["count"] == 3


def test_paper_ballot_linked_to_a_council_meeting(world):
    from datetime import datetime

    from budget_app.extensions import db
    from councils.models import Meeting
    cycle = make_cycle(world, "voting")
    meeting = Meeting(council_id=world.hebron.id, title="اجتماع المجلس", held_at=datetime(2026, 3, 1, 10))
    other = Meeting(council_id=world.nablus.id, title="Nablus", held_at=datetime(2026, 3, 1, 10))
    db.session.add_all([meeting, other])
    db.session.flush()
    b = enter_paper_ballot(cycle, None, [cycle.proposals[0].id], meeting_id=meeting.id)
    assert b.meeting_label == "اجتماع المجلس" and str(b.meeting_date) == "2026-03-01"
    with pytest.raises(CycleError):
        enter_paper_ballot(cycle, None, [cycle.proposals[0].id], meeting_id=other.id)


@pytest.mark.parametrize("method,rule", [
    (method, rule) for method in ("approval", "cost_limited", "cumulative", "ranked")
    for rule in ("greedy", "mes", "phragmen")
    if not (rule == "phragmen" and method in ("cumulative", "ranked"))  # Phragmén takes approval ballots
])
def test_stored_result_equals_tally_on_the_same_ballots(world, method, rule):
    """What the web stores is exactly what the engine returns on the same ballots."""
    from fractions import Fraction

    from budget_app.tally import tally
    if method == "cost_limited":
        ballots = {"member1": ["P01", "P04"], "member2": ["P02", "P05"], "member3": ["P03", "P04"],
                   "member4": ["P01", "P05"]}
    else:
        ballots = None
    cycle = make_cycle(world, "decided", method=method, rule=rule, ballots=ballots)
    stored = cycle.tally["main"]
    from cycles_testlib import default_ballots
    raw = list((ballots or default_ballots(method)).values())
    kind = {"cumulative": "cumulative", "ranked": "ordinal"}.get(method, "approval")
    options = {"ordinal_scoring": "borda", "borda_top": 3} if kind == "ordinal" else {}
    expected = tally([(code, Fraction(cost)) for code, _, _, cost, _ in PROPOSALS], raw, 1_000_000, rule,
                     ballot_kind=kind, exclusive_groups=[["P02", "P03"]], completion=rule == "mes", **options)
    assert stored["selected"] == expected.selected
    assert stored["explanations"] == json.loads(json.dumps(expected.to_dict()["explanations"]))
    assert set(cycle.tally["comparison"]) >= {"greedy", "mes"}


def test_exclusive_group_explained(world):
    from flask_babel import force_locale

    from budget_app.cycles import explain
    # (A ballot may not choose both alternatives: each supports one, and P02 has more support.)
    ballots = {"member1": ["P02"], "member2": ["P02"], "member3": ["P03"]}
    cycle = make_cycle(world, "decided", ballots=ballots)
    assert "P02" in cycle.tally["main"]["selected"] and "P03" not in cycle.tally["main"]["selected"]
    with force_locale("en"):
        rows = {r["code"]: r for r in explain.results_rows(cycle, proposals_of(cycle))}
        assert "excludes P02" in rows["P03"]["explanation"]
        assert rows["P05"]["explanation"] == "Not funded: nobody voted for it."
    with force_locale("ar"):
        rows = {r["code"]: r for r in explain.results_rows(cycle, proposals_of(cycle))}
        assert "P02" in rows["P03"]["explanation"] and "Not funded" not in rows["P03"]["explanation"]


def test_explanations_in_words_with_money(world):
    from flask_babel import force_locale

    from budget_app.cycles import explain
    from budget_app.tally import tally
    result = tally([("a", 150_000), ("b", 80_000), ("c", 100_000)], [["b"], ["b", "c"], ["a"], ["c"]], 200_000,
                   "greedy")
    e = result.explanations["a"]
    assert (e.reason.value, e.remaining, e.cost) == ("insufficient_budget", 20_000, 150_000)
    with force_locale("en"):
        assert explain.explain(e, "ILS") == "Not funded: ₪20,000 left, it costs ₪150,000."
        mes = tally([("a", 100_000)], [["a"], ["a"], ["a"]], 100_000, "mes").explanations["a"]
        assert mes.payments == [[pytest.approx(33333.333333), 3]]
        assert explain.explain(mes, "ILS") == ("Funded by equal shares: 3 supporters paid ₪33,333.33 each; "
                                               "₪100,000 in total.")
    with force_locale("ar"):
        text = explain.explain(e, "ILS")
        assert "20,000" in text.replace("٬", ",") or "٢٠" in text


def test_close_voting_stores_snapshot_and_refuses_empty_vote(world):
    from budget_app.extensions import db
    cycle = make_cycle(world, "voting")
    with pytest.raises(CycleError, match="No ballot"):
        close_voting(cycle, world.users["director"])
    db.session.rollback()
    cycle = make_cycle(world, "decided", year=2031)
    assert cycle.phase == "decided" and cycle.tally["fingerprint"] == cycle.fingerprint
    assert cycle.tally["main"]["selected"] == ["P01", "P02", "P04"]
    assert cycle.tally["ballots"] == 4
    fairness = cycle.tally["fairness"]
    assert set(fairness) == set(cycle.tally["comparison"])
    report = fairness[cycle.tally_rule]
    assert 0 < report["percent_non_empty_handed"] <= 1 and report["num_voters"] == 4
    assert report["unspent"]["spent"] == cycle.tally["main"]["total_cost"]
    assert set(report["groups"]) == {"target_group", "sector", "locality"}
    proportionality = cycle.tally["proportionality"][cycle.tally_rule]
    assert proportionality["ejr_up_to_one"]["checked"] and proportionality["pjr"]["checked"]
    margins = cycle.tally["margins"]
    assert set(margins) == {p.code for p in cycle.proposals}
    for code, rec in margins.items():
        assert (rec["cost_headroom"] is not None) == (code in cycle.tally["main"]["selected"])


def test_override_with_reason_then_council_approval(world):
    from budget_app.audit import AuditLog
    from budget_app.extensions import db
    cycle = make_cycle(world, "decided")
    director = world.users["director"]
    with pytest.raises(CycleError, match="reason"):
        override_selection(cycle, director, ["P01"], "short")
    with pytest.raises(CycleError, match="more than the envelope"):
        override_selection(cycle, director, ["P01", "P02", "P05"], "A long enough reason")
    with pytest.raises(CycleError, match="mutually exclusive"):
        override_selection(cycle, director, ["P02", "P03"], "A long enough reason")
    cast_approval_vote(cycle, world.users["member1"], "no")
    override_selection(cycle, director, ["P01", "P05"], "وزارة المالية خصصت تمويلاً للحضانات من مصدر آخر")
    db.session.commit()
    assert cycle.final_selected_codes() == ["P01", "P05"]
    assert cycle.override["added"] == ["P05"] and cycle.override["removed"] == ["P02", "P04"]
    assert approval_tally(cycle)["cast"] == 0  # the earlier vote was about another allocation
    assert AuditLog.query.filter_by(action="cycle.override").count() == 1

    quorum = approval_tally(cycle)["quorum"]
    assert quorum == 5  # 50 % of hebron's 10 members
    for key in ("member1", "member2", "member3"):
        cast_approval_vote(cycle, world.users[key], "yes")
    with pytest.raises(CycleError, match="quorum"):
        approve_allocation(cycle, director)
    for key in ("member4", "member5", "member6"):
        cast_approval_vote(cycle, world.users[key], "no")
    cast_approval_vote(cycle, world.users["member7"], "abstain")
    with pytest.raises(CycleError, match="did not approve"):
        approve_allocation(cycle, director)
    cast_approval_vote(cycle, world.users["member6"], "yes")  # changed their mind
    approve_allocation(cycle, director)
    db.session.commit()
    assert cycle.phase == "approved" and cycle.approval_result["yes"] == 4
    with pytest.raises(CycleError):
        override_selection(cycle, director, ["P01"], "A long enough reason")
    transition(cycle, "execute", director)
    transition(cycle, "close", director)
    assert cycle.phase == "closed"


def test_anonymized_pb_export_recounts_with_pabutools(world, tmp_path):
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare

    from budget_app.cycles.exports import pb_text
    ballots = {"member1": ["P01", "P04"], "member2": ["P01", "P02"], "member3": ["P05"], "member4": ["P01"]}
    cycle = make_cycle(world, "decided", ballots=ballots)
    text = pb_text(cycle)
    assert "member1" not in text and str(world.users["member1"].id) not in text.split("VOTES")[1][:3]
    (tmp_path / "x.pb").write_text(text, encoding="utf-8")
    instance, profile = parse_pabulib(str(tmp_path / "x.pb"))
    outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    # (pabutools knows no mutually exclusive groups: these ballots fund no conflicting pair.)
    assert sorted(p.name for p in outcome) == sorted(cycle.tally["main"]["selected"])
    assert len(profile) == 4


@pytest.mark.parametrize("method", ["cumulative", "ranked"])
def test_phragmen_is_refused_for_points_and_ranked_ballots(world, method):
    with pytest.raises(CycleError) as info:
        create_cycle(world.hebron, world.users["director"], fiscal_year=2030, title_ar="س", title_en="c",
                     envelope_minor=100_000, ballot_method=method, tally_rule="phragmen", points_total=10,
                     max_choices=3)
    assert info.value.field == "tally_rule"
