"""Seams of budget cycles that misled (issue 10, section 6): alternatives on the ballot, ranked
ballots with a gap, the date of paper ballots from a recorded meeting, a second cycle per year."""
from __future__ import annotations

import html
from datetime import date, datetime

import pytest

from cycles_testlib import make_cycle
from helpers import page_text
from budget_app.cycles.ballots import cast_ballot, enter_paper_ballot
from budget_app.cycles.lifecycle import create_cycle, update_cycle
from budget_app.cycles.errors import CycleError


def _text(response) -> str:
    return html.unescape(page_text(response))


def _ids(cycle):
    return {p.code: p.id for p in cycle.proposals}


@pytest.mark.parametrize("method", ["approval", "cost_limited", "cumulative"])
def test_ballot_choosing_two_alternatives_is_refused(world, method):
    from budget_app.cycles.models import Ballot
    from budget_app.extensions import db
    cycle = make_cycle(world, "voting", method=method)
    ids = _ids(cycle)
    choice = {ids["P02"]: 3, ids["P03"]: 2} if method == "cumulative" else [ids["P02"], ids["P03"]]
    with pytest.raises(CycleError, match="P02, P03 are alternatives"):
        cast_ballot(cycle, world.users["member1"], choice)
    db.session.rollback()
    with pytest.raises(CycleError, match="alternatives"):
        enter_paper_ballot(cycle, world.users["coordinator"], choice, meeting_label="Forum")
    db.session.rollback()
    assert Ballot.query.filter_by(cycle_id=cycle.id).count() == 0
    one = {ids["P02"]: 3} if method == "cumulative" else [ids["P02"], ids["P01"]]
    cast_ballot(cycle, world.users["member1"], one)


def test_ranked_ballot_may_order_alternatives(world):
    cycle = make_cycle(world, "voting", method="ranked")
    ids = _ids(cycle)
    ballot = cast_ballot(cycle, world.users["member1"], [ids["P02"], ids["P03"]])
    assert sorted((i.rank, i.proposal_id) for i in ballot.items) == [(1, ids["P02"]), (2, ids["P03"])]


def test_ballot_page_groups_alternatives_with_a_note_and_says_why_it_refuses(client, world):
    cycle = make_cycle(world, "voting", method="approval")
    ids = _ids(cycle)
    client.login("member1@sharaka.test")
    page = client.get(f"/councils/hebron/cycles/{cycle.id}/vote?lang=en").get_data(as_text=True)
    group = page[page.index('class="exclusive-group"'):]
    group = group[:group.index("</tbody>")]
    assert "Only one of these can be funded" in group
    assert f'value="{ids["P02"]}"' in group and f'value="{ids["P03"]}"' in group
    assert f'value="{ids["P01"]}"' not in group
    r = client.post_form(f"/councils/hebron/cycles/{cycle.id}/vote?lang=en",
                         {"proposal": [str(ids["P02"]), str(ids["P03"])]})
    assert r.status_code == 400
    assert "Proposals P02, P03 are alternatives (only one of them can be funded): choose at most one of them." \
        in _text(r)
    arabic = client.get(f"/councils/hebron/cycles/{cycle.id}/vote?lang=ar").get_data(as_text=True)
    assert 'class="exclusive-group"' in arabic and "Only one of these" not in arabic


def test_ranked_ballot_with_a_gap_is_refused_not_renumbered(client, world):
    from budget_app.cycles.models import Ballot
    cycle = make_cycle(world, "voting", method="ranked", year=2030)
    ids = _ids(cycle)
    client.login("member1@sharaka.test")
    url = f"/councils/hebron/cycles/{cycle.id}/vote?lang=en"
    r = client.post_form(url, {f"rank-{ids['P01']}": "2"})
    assert r.status_code == 400
    assert "rank 1 is missing" in _text(r)
    r = client.post_form(url, {f"rank-{ids['P01']}": "1", f"rank-{ids['P04']}": "3"})
    assert r.status_code == 400 and "rank 2 is missing" in _text(r)
    assert Ballot.query.filter_by(cycle_id=cycle.id).count() == 0
    r = client.post_form(url, {f"rank-{ids['P01']}": "2", f"rank-{ids['P04']}": "1"})
    assert r.status_code == 302
    ballot = Ballot.query.filter_by(cycle_id=cycle.id).one()
    assert sorted((i.rank, i.proposal_id) for i in ballot.items) == [(1, ids["P04"]), (2, ids["P01"])]


def test_paper_ballot_from_a_recorded_meeting_takes_the_meetings_date(client, world):
    from budget_app.cycles.models import Ballot
    from councils import services as council_services
    cycle = make_cycle(world, "voting")
    ids = _ids(cycle)
    # 23:30 in Hebron on 14 March is 21:30 UTC: the meeting's date is the 14th, not today nor the UTC date.
    meeting = council_services.save_meeting(world.hebron, None, data={
        "kind": "forum", "title": "ملتقى يطا", "held_at": datetime(2026, 3, 14, 21, 30), "place": "", "agenda": "",
        "minutes": "", "topic": "", "trainer": "", "group_outputs": ""}, attendee_ids=[], counts={})
    from budget_app.extensions import db
    db.session.commit()
    ballot = enter_paper_ballot(cycle, world.users["coordinator"], [ids["P01"]], meeting_id=meeting.id,
                                meeting_date=date(2026, 12, 1))
    assert ballot.meeting_date == date(2026, 3, 14)
    db.session.commit()
    client.login("coordinator@sharaka.test")
    r = client.post_form(f"/councils/hebron/cycles/{cycle.id}/paper", {
        "meeting_id": str(meeting.id), "meeting_label": "", "meeting_date": date.today().isoformat(),
        "proposal": [str(ids["P04"])]})
    assert r.status_code == 302
    assert {b.meeting_date for b in Ballot.query.filter_by(cycle_id=cycle.id)} == {date(2026, 3, 14)}
    # A meeting named by hand keeps the date typed in.
    r = client.post_form(f"/councils/hebron/cycles/{cycle.id}/paper", {
        "meeting_id": "0", "meeting_label": "لقاء في دورا", "meeting_date": "2026-04-02", "proposal": [str(ids["P05"])]})
    assert r.status_code == 302
    assert Ballot.query.filter_by(meeting_label="لقاء في دورا").one().meeting_date == date(2026, 4, 2)


def test_second_cycle_for_the_same_council_and_year_is_refused(client, world):
    from budget_app.cycles.models import BudgetCycle
    from budget_app.extensions import db
    first = make_cycle(world, "preparing", year=2029)
    with pytest.raises(CycleError, match="already has a budget cycle for 2029") as info:
        create_cycle(world.hebron, world.users["director"], fiscal_year=2029, title_ar="ثانية",
                     envelope_minor=100_00)
    assert info.value.field == "fiscal_year"
    db.session.rollback()
    # Another council, or another year, is fine; moving a cycle onto a taken year is refused too.
    create_cycle(world.nablus, world.users["director"], fiscal_year=2029, title_ar="نابلس", envelope_minor=100)
    other = create_cycle(world.hebron, world.users["director"], fiscal_year=2030, title_ar="ث", envelope_minor=1)
    db.session.commit()
    with pytest.raises(CycleError, match="already has a budget cycle for 2029"):
        update_cycle(other, fiscal_year=2029)
    db.session.rollback()

    client.login("director@sharaka.test")
    r = client.post_form("/councils/hebron/cycles/new?lang=en", {
        "fiscal_year": "2029", "title_ar": "دورة ثانية", "envelope": "1000", "currency": "ILS",
        "ballot_method": "approval", "tally_rule": "greedy", "approval_quorum_pct": "50"})
    assert r.status_code == 400
    text = _text(r)
    assert "This council already has a budget cycle for 2029" in text and first.title in text
    assert BudgetCycle.query.filter_by(council_id=world.hebron.id, fiscal_year=2029).count() == 1


def test_receipt_code_in_the_arabic_confirmation_reads_left_to_right(client, world):
    """The flashed "keep your receipt code" sentence holds the code in a left-to-right isolate:
    in Arabic the bidirectional algorithm had split "M6WAA-87XGM" around its hyphen."""
    from budget_app.cycles.ballots import format_receipt
    from budget_app.cycles.models import Ballot

    cycle = make_cycle(world, "voting", method="approval")
    client.login("member1@sharaka.test")
    r = client.post_form(f"/councils/hebron/cycles/{cycle.id}/vote?lang=ar", {"proposal": [str(_ids(cycle)["P01"])]})
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    code = format_receipt(Ballot.query.filter_by(cycle_id=cycle.id).one().receipt_code)
    assert "\u2066" + code + "\u2069" in html.unescape(page)
