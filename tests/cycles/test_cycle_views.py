"""Budget cycle pages over HTTP: the whole flow, the import's all-or-nothing behaviour, receipts, languages."""
from __future__ import annotations

import io

import openpyxl
import pytest

from cycles_testlib import make_cycle
from helpers import page_text


def switch(client, email):
    client.logout()
    client.login(email)


def _url(cycle, suffix=""):
    return f"/councils/hebron/cycles/{cycle.id}/{suffix}"


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEADER_EN = ["Budget-line code", "Title (Arabic)", "Title (English)", "Sector", "Locality", "Cost", "Funding split",
             "Target groups", "Mutually exclusive group"]


def _upload(client, cycle, data: bytes, name: str, lang="en"):
    return client.post_form(_url(cycle, f"proposals/import?lang={lang}"),
                            {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _token(response) -> str:
    import re
    return re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def _confirm(client, cycle, preview, token=None, lang="en"):
    return client.post_form(_url(cycle, f"proposals/import/confirm?lang={lang}"),
                            {"token": token if token is not None else _token(preview)})


def test_director_opens_cycle_with_envelope_and_funding_gap(client, world):
    from budget_app.cycles.models import BudgetCycle
    from budget_app.reference.models import FundingSource
    switch(client, "director@sharaka.test")
    treasury = FundingSource.query.filter_by(code="treasury").one()
    response = client.post_form("/councils/hebron/cycles/new?lang=en", {
        "fiscal_year": "2027", "title_ar": "موازنة 2027", "envelope": "1,500,000", "currency": "ILS",
        "ballot_method": "cost_limited", "tally_rule": "mes", "mes_completion": "y", "approval_quorum_pct": "50",
        f"funding_{treasury.id}": "١٠٠٠٠٠٠"})
    assert response.status_code == 302
    cycle = BudgetCycle.query.one()
    assert (cycle.envelope_minor, cycle.funding_total_minor) == (150_000_000, 100_000_000)
    page = page_text(client.get(_url(cycle) + "?lang=en"))
    assert "Gap: ₪500,000 of the envelope is not yet covered" in page


def test_cycle_form_errors_in_both_languages(client, world):
    switch(client, "director@sharaka.test")
    response = client.post_form("/councils/hebron/cycles/new?lang=en", {
        "fiscal_year": "2027", "title_ar": "", "envelope": "12.345", "ballot_method": "cumulative",
        "tally_rule": "greedy", "approval_quorum_pct": "50"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Give a title in Arabic." in text and "Enter an amount such as 120000" in text
    assert "Cumulative voting needs the number of points" in text
    response = client.post_form("/councils/hebron/cycles/new?lang=ar", {"fiscal_year": "2027", "title_ar": "",
                                                                         "envelope": "x", "approval_quorum_pct": "50"})
    assert response.status_code == 400
    assert 'dir="rtl"' in response.get_data(as_text=True)


def test_import_is_all_or_nothing_and_reimport_updates(client, world):
    from budget_app.cycles.models import AllocationProposal
    cycle = make_cycle(world)
    switch(client, "director@sharaka.test")
    good = [HEADER_EN,
            ["A01", "أ", "A", "elderly", "yatta", "100000", "treasury: 60000; eu: 40000", "elderly, women", ""],
            ["A02", "ب", "B", "Youth", "دورا", "50,000", "", "", "g1"]]
    bad = good + [["A03", "", "C", "unknown-sector", "yatta", "-5", "", "", ""],
                  ["A01", "د", "", "", "", "10", "treasury: 20", "", ""]]
    response = _upload(client, cycle, _xlsx(bad), "p.xlsx")
    assert response.status_code == 400
    text = page_text(response)
    assert "Nothing was imported" in text
    assert "Title (Arabic) This value is required." in text  # row 4
    assert "Unknown sector “unknown-sector”" in text
    assert "The code A01 is also on row 2." in text
    assert "funding split adds up to more than the cost" in text
    assert AllocationProposal.query.filter(AllocationProposal.code.like("A%")).count() == 0

    assert _upload(client, cycle, _xlsx(good), "p.xlsx").status_code == 302
    a01 = AllocationProposal.query.filter_by(cycle_id=cycle.id, code="A01").one()
    assert a01.cost_minor == 10_000_000 and a01.locality.code == "yatta" and len(a01.funding) == 2
    assert sorted(t.code for t in a01.target_groups) == ["elderly", "women"]

    good[1][5] = "120000"
    csv_text = "\n".join(",".join(f'"{c}"' for c in row) for row in good)
    preview = _upload(client, cycle, csv_text.encode("utf-8-sig"), "p.csv")
    assert preview.status_code == 200 and "Check the changes before importing" in page_text(preview)
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="A01").one().cost_minor == 10_000_000
    assert _confirm(client, cycle, preview).status_code == 302
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id).count() == 7  # 5 + 2, no duplicates
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="A01").one().cost_minor == 12_000_000


def test_import_refuses_fake_xlsx_and_oversized_files(client, world, app):
    cycle = make_cycle(world)
    switch(client, "director@sharaka.test")
    response = _upload(client, cycle, b"MZ\x90\x00 this is an exe", "evil.xlsx")
    assert response.status_code == 400
    assert "not a real Excel workbook" in page_text(response)
    response = _upload(client, cycle, b"PK\x03\x04garbage", "zip.xlsx")
    assert response.status_code == 400
    app.config["CYCLES_IMPORT_MAX_BYTES"] = 1000
    response = _upload(client, cycle, b"a," * 2000, "big.csv")
    assert response.status_code == 413


def test_import_errors_in_arabic(client, world):
    cycle = make_cycle(world)
    switch(client, "director@sharaka.test")
    response = _upload(client, cycle, _xlsx([["رمز بند الموازنة", "العنوان (بالعربية)", "الكلفة"],
                                             ["Z1", "س", "abc"]]), "p.xlsx", lang="ar")
    assert response.status_code == 400
    text = page_text(response)
    assert "abc" in text and "Nothing was imported" not in text


def test_template_downloads(client, world):
    cycle = make_cycle(world)
    switch(client, "director@sharaka.test")
    response = client.get(_url(cycle, "proposals/template.xlsx?lang=en"))
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    assert [c.value for c in wb.worksheets[0][1]][:2] == ["Budget-line code *", "Title (Arabic) *"]
    assert len(wb.worksheets) == 2
    response = client.get(_url(cycle, "proposals/template.csv?lang=ar"))
    assert "رمز" in response.data.decode("utf-8-sig")


def test_open_voting_shows_fingerprint_and_refuses_edits(client, world):
    cycle = make_cycle(world)
    switch(client, "director@sharaka.test")
    assert client.post_form(_url(cycle, "transition/open_voting")).status_code == 302
    page = page_text(client.get(_url(cycle) + "?lang=en"))
    from budget_app.cycles.models import BudgetCycle
    from budget_app.extensions import db
    fp = db.session.get(BudgetCycle, cycle.id).fingerprint
    assert fp[:8] in page and "Verified" in page
    proposal = cycle.proposals[0]
    response = client.post_form(_url(cycle, f"proposals/{proposal.id}/edit?lang=en"),
                                {"code": "P01", "title_ar": "x", "cost": "1"}, follow_redirects=True)
    assert "frozen" in page_text(response)
    response = client.post_form(_url(cycle, "edit?lang=en"), {"envelope": "1"}, follow_redirects=True)
    assert "frozen" in page_text(response)
    assert db.session.get(BudgetCycle, cycle.id).fingerprint == fp


@pytest.mark.parametrize("method", ["approval", "cost_limited", "cumulative", "ranked"])
def test_member_votes_with_each_method_and_gets_receipt(client, world, method):
    from budget_app.cycles.models import Ballot
    cycle = make_cycle(world, "voting", method=method)
    ids = {p.code: p.id for p in cycle.proposals}
    switch(client, "member4@sharaka.test")
    page = client.get(_url(cycle, "vote?lang=en")).get_data(as_text=True)
    assert 'data-ballot-summary' in page
    data = {"approval": {"proposal": [ids["P01"], ids["P04"]]},
            "cost_limited": {"proposal": [ids["P01"], ids["P05"]]},
            "cumulative": {f"points-{ids['P01']}": "7", f"points-{ids['P04']}": "٣"},
            "ranked": {f"rank-{ids['P04']}": "1", f"rank-{ids['P01']}": "2"}}[method]
    response = client.post_form(_url(cycle, "vote?lang=en"), data, follow_redirects=True)
    text = page_text(response)
    assert "Your ballot is recorded" in text
    ballot = Ballot.query.filter_by(cycle_id=cycle.id).one()
    code = ballot.receipt_code
    assert f"{code[:5]}-{code[5:]}" in text
    if method == "ranked":
        assert [i.proposal_id for i in ballot.items] == [ids["P04"], ids["P01"]]
    if method == "cumulative":
        assert {i.proposal_id: i.points for i in ballot.items} == {ids["P01"]: 7, ids["P04"]: 3}


def test_invalid_ballots_get_messages(client, world):
    cycle = make_cycle(world, "voting", method="cost_limited")
    ids = {p.code: p.id for p in cycle.proposals}
    switch(client, "member4@sharaka.test")
    response = client.post_form(_url(cycle, "vote?lang=en"), {"proposal": [ids["P01"], ids["P02"], ids["P05"]]})
    assert response.status_code == 400
    assert "more than the envelope of ₪1,000,000" in page_text(response)
    c2 = make_cycle(world, "voting", method="ranked", year=2030)
    ids2 = {p.code: p.id for p in c2.proposals}
    response = client.post_form(_url(c2, "vote?lang=en"), {f"rank-{ids2['P01']}": "1", f"rank-{ids2['P02']}": "1"})
    assert response.status_code == 400 and "same rank" in page_text(response)


def test_coordinator_enters_paper_ballots_form_and_csv(client, world):
    from budget_app.cycles.models import Ballot
    cycle = make_cycle(world, "voting")
    ids = {p.code: p.id for p in cycle.proposals}
    switch(client, "coordinator@sharaka.test")
    response = client.post_form(_url(cycle, "paper?lang=en"), {"meeting_id": "0", "meeting_label": "ملتقى دورا",
                                                              "meeting_date": "2026-04-02",
                                                              "proposal": [ids["P02"]]})
    assert response.status_code == 302
    csv_bad = "Choices,Paper number\nP01; P04,1\nP77,2\n"
    response = client.post_form(_url(cycle, "paper/import?lang=en"), {
        "import-meeting_id": "0", "import-meeting_label": "ملتقى يطا", "import-meeting_date": "2026-04-03",
        "import-file": (io.BytesIO(csv_bad.encode()), "paper.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Unknown proposal code “P77”" in page_text(response)
    assert Ballot.query.filter_by(source="paper").count() == 1
    csv_good = "Choices,Paper number\nP01; P04,1\nP05,2\n"
    response = client.post_form(_url(cycle, "paper/import?lang=en"), {
        "import-meeting_id": "0", "import-meeting_label": "ملتقى يطا", "import-meeting_date": "2026-04-03",
        "import-file": (io.BytesIO(csv_good.encode()), "paper.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    labels = sorted(b.meeting_label for b in Ballot.query.filter_by(source="paper"))
    assert labels == ["ملتقى دورا", "ملتقى يطا", "ملتقى يطا"]
    # the director is not the one who enters paper ballots
    switch(client, "director@sharaka.test")
    assert client.get(_url(cycle, "paper")).status_code == 403


def test_close_results_override_approve_and_public_receipts(client, world, app):
    from budget_app.cycles.models import Ballot
    cycle = make_cycle(world, "voting")
    ids = {p.code: p.id for p in cycle.proposals}
    switch(client, "member1@sharaka.test")
    client.post_form(_url(cycle, "vote"), {"proposal": [ids["P01"]]})
    old = Ballot.query.filter_by(user_id=world.users["member1"].id).one().receipt_code
    client.post_form(_url(cycle, "vote"), {"proposal": [ids["P01"], ids["P04"]]})
    new = Ballot.query.filter_by(user_id=world.users["member1"].id).one().receipt_code
    switch(client, "member2@sharaka.test")
    client.post_form(_url(cycle, "vote"), {"proposal": [ids["P02"]]})

    switch(client, "director@sharaka.test")
    response = client.post_form(_url(cycle, "transition/close_voting?lang=en"), follow_redirects=True)
    text = page_text(response)
    assert "Voting is closed and the ballots are tallied." in text
    assert "What other rules would fund" in text and "Method of Equal Shares" in text
    assert "Not funded: nobody voted for it." in text
    assert 'data-chart="votes-chart-data"' in response.get_data(as_text=True)

    response = client.post_form(_url(cycle, "override?lang=en"), {"selected": ["P01", "P05"], "reason": "short"})
    assert response.status_code == 400
    reason = "The nursery is funded by UNICEF this year; rehabilitation moves up."
    response = client.post_form(_url(cycle, "override?lang=en"), {"selected": ["P01", "P05"], "reason": reason},
                                follow_redirects=True)
    assert reason in page_text(response)

    for key in ("member1", "member2", "member3", "member4", "member5"):
        switch(client, f"{key}@sharaka.test")
        assert client.post_form(_url(cycle, "approval"), {"choice": "yes"}).status_code == 302
    switch(client, "director@sharaka.test")
    response = client.post_form(_url(cycle, "transition/approve?lang=en"), follow_redirects=True)
    assert "The council approved the allocation." in page_text(response)

    client.logout()
    anonymous = app.test_client()
    page = page_text(anonymous.get(_url(cycle, f"receipts?lang=en&code={new[:5].lower()}-{new[5:]}")))
    assert "was counted" in page and f"{new[:5]}-{new[5:]}" in page
    page = page_text(anonymous.get(_url(cycle, f"receipts?lang=en&code={old}")))
    assert "only your latest receipt is counted" in page
    assert f"{old[:5]}-{old[5:]}" not in page.split("Receipt codes of the counted ballots")[1]
    pb = anonymous.get(_url(cycle, "ballots.pb"))
    assert pb.status_code == 200 and "VOTES" in pb.get_data(as_text=True)
    assert anonymous.get(_url(cycle, "results")).status_code == 302  # results: council members only


def test_receipts_not_published_before_close(client, world):
    cycle = make_cycle(world, "voting")
    response = client.get(_url(cycle, "receipts?lang=en"))
    assert response.status_code == 200 and "published here when voting closes" in page_text(response)
    assert client.get(_url(cycle, "ballots.pb")).status_code == 404


def test_another_councils_cycle_is_404(client, world):
    cycle = make_cycle(world, "voting")
    switch(client, "outsider@sharaka.test")
    assert client.get(_url(cycle)).status_code == 404
    assert client.get(f"/councils/nablus/cycles/{cycle.id}/").status_code == 404


def test_pages_render_in_arabic(client, world):
    cycle = make_cycle(world, "decided")
    switch(client, "director@sharaka.test")
    for suffix in ("", "results", "vote", "proposals/import", "override"):
        response = client.get(_url(cycle, suffix) + "?lang=ar")
        assert response.status_code == 200, suffix
        assert 'dir="rtl"' in response.get_data(as_text=True)


def test_results_page_shows_fairness_report_and_margins_in_both_languages(client, world):
    cycle = make_cycle(world, "decided", rule="mes", completion=False)
    switch(client, "director@sharaka.test")
    text = page_text(client.get(_url(cycle, "results?lang=en")))
    assert "How fair is the result?" in text
    assert "supported at least one funded proposal." in text
    assert "Gini coefficient of this satisfaction" in text
    assert "Checked exactly: the outcome satisfies extended justified representation" in text
    assert "Would have been funded" in text or "could have stayed home" in text
    assert "How much each voter got" in text and "Share of voters" in text
    assert "The same measures for each rule compared" in text and "Greedy by votes" in text
    arabic = page_text(client.get(_url(cycle, "results?lang=ar")))
    assert "How fair is the result?" not in arabic and "Would have been funded" not in arabic
    assert "%(" not in arabic and "%(" not in text



def test_margin_sentences(app):
    from budget_app.cycles.fairness_text import margin_sentence
    with app.test_request_context("/?lang=en"):
        unfunded = {"extra_supporters_needed": 3, "max_cost_funded_minor": 6_000_000, "cost_headroom_minor": None,
                    "supporters_to_spare": None}
        text = margin_sentence(unfunded, 10_000_000, False, "ILS")
        assert text == "Would have been funded with 3 more supporters, or at ₪40,000 less."
        funded = {"cost_headroom_minor": 0, "supporters_to_spare": 2}
        assert margin_sentence(funded, 10_000_000, True, "ILS") == (
            "At any higher cost it would not have been funded. 2 of its supporters could have stayed home and it "
            "would still have been funded.")
        capped = {"extra_supporters_needed": None, "max_cost_funded_minor": None, "not_within": 10}
        assert "Not even 10 more supporters" in margin_sentence(capped, 100, False, "ILS")
        assert margin_sentence(None, 100, False, "ILS") == ""


def test_ballot_design_check_for_the_director_before_voting(client, world):
    cycle = make_cycle(world, "preparing", envelope=3_000_000)
    switch(client, "director@sharaka.test")
    text = page_text(client.get(_url(cycle, "?lang=en")))
    assert "Check the ballot design before opening the vote" in text
    assert "The envelope covers every proposal together (₪1,500,000): all are funded whatever the votes." in text
    assert "What to do: Add proposals or lower the envelope" in text
    arabic = page_text(client.get(_url(cycle, "?lang=ar")))
    assert "Check the ballot design" not in arabic and "%(" not in arabic
    switch(client, "member1@sharaka.test")
    assert "Check the ballot design" not in page_text(client.get(_url(cycle, "?lang=en")))
    sound = make_cycle(world, "preparing", year=2031)
    switch(client, "director@sharaka.test")
    assert "Check the ballot design" not in page_text(client.get(_url(sound, "?lang=en")))
