"""Issue 9.3: budget-line codes have a documented character set (form, service and spreadsheet import
share one check), and the public ``ballots.pb`` recounts to the stored result even for codes and
titles stored before that check existed."""
from __future__ import annotations

import io

import openpyxl
import pytest
from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare

from cycles_testlib import make_cycle
from helpers import page_text


def _url(cycle, suffix=""):
    return f"/councils/hebron/cycles/{cycle.id}/{suffix}"


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("raw,stored", [("P03-A12", "P03-A12"), (" 2026/SOC.4_b ", "2026/SOC.4_b"),
                                        ("P٠١-٢", "P01-2"), ("x۹", "x9")])
def test_valid_codes_are_kept_and_arabic_digits_become_ascii(raw, stored):
    from budget_app.cycles.codes import normalize_budget_line_code
    assert normalize_budget_line_code(raw) == stored


@pytest.mark.parametrize("raw", ["A,B", "A;B", 'A"B', "A B", "A\nVOTES", "-P01", ".P", "مشروع1", "none?", "P" * 61])
def test_invalid_codes_are_refused_with_a_clear_message(app, raw):
    from budget_app.cycles.codes import normalize_budget_line_code
    with pytest.raises(ValueError) as info:
        normalize_budget_line_code(raw)
    assert "budget-line code" in str(info.value)


def test_service_refuses_a_bad_code(world):
    from budget_app.cycles.errors import CycleError
    from budget_app.cycles.proposals import save_proposal
    cycle = make_cycle(world)
    with pytest.raises(CycleError) as info:
        save_proposal(cycle, code="A,B", title_ar="س", cost_minor=100)
    assert info.value.field == "code" and "Latin letters (A–Z), digits (0–9)" in info.value.message


def test_proposal_form_refuses_a_bad_code_in_both_languages(client, world):
    from budget_app.cycles.models import AllocationProposal
    cycle = make_cycle(world)
    client.logout()
    client.login("director@sharaka.test")
    for lang, fragment in (("en", "may contain only Latin letters"), ("ar", "رمز بند الموازنة")):
        response = client.post_form(_url(cycle, f"proposals/new?lang={lang}"),
                                    {"code": "A,B", "title_ar": "س", "cost": "100"})
        assert response.status_code == 400
        assert fragment in page_text(response)
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="A,B").count() == 0
    response = client.post_form(_url(cycle, "proposals/new?lang=en"), {"code": "P٠٩", "title_ar": "س",
                                                                        "cost": "100"})
    assert response.status_code == 302
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="P09").count() == 1


def test_import_refuses_bad_codes_with_the_other_problems_in_one_pass(client, world):
    from budget_app.cycles.models import AllocationProposal
    cycle = make_cycle(world)
    client.logout()
    client.login("director@sharaka.test")
    rows = [["Budget-line code", "Title (Arabic)", "Cost"], ["A,B", "أ", "100"], ["C;D", "ب", "abc"],
            ["E01", "ج", "50"]]
    response = client.post_form(_url(cycle, "proposals/import?lang=en"),
                                {"file": (io.BytesIO(_xlsx(rows)), "p.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 400
    text = page_text(response)
    assert "The budget-line code “A,B” may contain only" in text
    assert "The budget-line code “C;D” may contain only" in text and "“abc” is not an amount" in text
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id).count() == 5  # the cycle's own five


def _legacy_cycle(world, rule="greedy"):
    """A cycle whose proposals were stored before codes were checked (as an old import could)."""
    from budget_app.cycles.ballots import cast_ballot
    from budget_app.cycles.lifecycle import close_voting, create_cycle, open_voting
    from budget_app.cycles.models import AllocationProposal
    from budget_app.extensions import db
    director = world.users["director"]
    cycle = create_cycle(world.hebron, director, fiscal_year=2033, title_ar="موازنة\nVOTES",
                         title_en="Budget; with\nMETA\nlines", envelope_minor=1000 * 100,
                         ballot_method="approval", tally_rule=rule, mes_completion=False)
    for code, cost, title in (("A", 500, "Park\nVOTES\n1;A"), ("B", 500, 'The "B"; project'),
                              ("A,B", 900, "Both\r\nat once")):
        db.session.add(AllocationProposal(cycle_id=cycle.id, council_id=cycle.council_id, code=code,
                                          title_ar=title, title_en=title, cost_minor=cost * 100))
    db.session.flush()
    db.session.refresh(cycle)
    from budget_app.cycles.review import review_all_feasible  # beside the other cycle services here
    review_all_feasible(cycle, director, "ممكن التنفيذ")
    open_voting(cycle, director)
    ids = {p.code: p.id for p in cycle.proposals}
    for user, choice in (("member1", "A,B"), ("member2", "A,B"), ("member3", "A,B"), ("member4", "A"),
                         ("member5", "B")):
        cast_ballot(cycle, world.users[user], [ids[choice]])
    close_voting(cycle, director)
    db.session.commit()
    return cycle


@pytest.mark.parametrize("rule", ["greedy", "mes"])
def test_legacy_codes_export_recounts_to_the_stored_result(world, tmp_path, rule):
    from budget_app.cycles.exports import pb_text
    from budget_app.tally import parse_pb, tally_election
    from budget_app.tally.pabulib import ORIGINAL_ID_COLUMN, decode_original_id
    cycle = _legacy_cycle(world, rule)
    stored = cycle.tally["main"]["selected"]
    if rule == "greedy":
        assert stored == ["A,B"]
    text = pb_text(cycle)
    election = parse_pb(text)  # our own parser: no "duplicate VOTES section"
    original = {p.id: decode_original_id(p.extra[ORIGINAL_ID_COLUMN]) for p in election.projects}
    assert sorted(original.values()) == ["A", "A,B", "B"]
    assert [original[i] for i in tally_election(election, rule).selected] == stored
    path = tmp_path / "ballots.pb"
    path.write_text(text, encoding="utf-8")
    instance, profile = parse_pabulib(str(path))
    assert len(profile) == 5
    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
        assert sorted(original[p.name] for p in outcome) == stored


def test_public_ballots_pb_of_a_legacy_cycle_parses(app, world):
    from budget_app.tally import parse_pb
    cycle = _legacy_cycle(world)
    response = app.test_client().get(_url(cycle, "ballots.pb"))
    assert response.status_code == 200
    election = parse_pb(response.get_data(as_text=True))
    assert election.num_voters == 5 and "\n" not in election.meta["description"]
