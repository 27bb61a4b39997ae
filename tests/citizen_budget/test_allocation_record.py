"""One public record per allocation (issue 15 §1): the service's plain structure, the page in both
languages, the links from the citizen budget, the open data and the API."""
from __future__ import annotations

import io
import re

import pytest

from cb_testlib import approved_cycle, funded, publish_snapshot, sample_snapshot
from helpers import page_text

RECORD = "/citizen-budget/hebron/2026/allocations/P01/"


# The service --------------------------------------------------------------------------
def test_record_of_a_funded_allocation_gathers_every_section():
    from citizen_budget.records import OPTIONAL_SECTIONS, allocation_record

    s = sample_snapshot()
    s["priorities"][0].update(evidence_type="survey",
                              evidence_meeting={"kind": "forum", "held_on": "2025-11-03", "title": "ملتقى دورا"})
    r = allocation_record(s, "P01")
    assert r["status"] == {"key": "in_progress", "over_allocation": False}
    assert [n["id"] for n in r["needs"]] == [1]
    assert r["needs"][0]["evidence_type"] == "survey" and r["needs"][0]["meeting"]["title"] == "ملتقى دورا"
    assert r["proposal"]["amount_minor"] == 400_000_00
    assert [(f["code"], f["amount_minor"]) for f in r["proposal"]["funding"]] == [("treasury", 300_000_00),
                                                                               ("eu", 100_000_00)]
    assert r["proposal"]["funding"][1]["name_en"] == "European Union"
    assert r["vote"]["votes"] == 5 and r["vote"]["funded"] and r["vote"]["rule"] == "greedy"
    assert r["override"] is None
    assert r["approval"] == {"approved_on": "2026-01-20", "yes": 8, "no": 1, "abstain": 1, "members": 11}
    quarters = r["spending"]["quarters"]
    assert [q["amount_minor"] for q in quarters] == [60_000_00, 40_000_00, 0, 0]
    assert [q["cumulative_minor"] for q in quarters] == [60_000_00, 100_000_00, 100_000_00, 100_000_00]
    assert r["spending"]["remaining_minor"] == 300_000_00 and r["spending"]["progress_pct"] == 35
    # The timeline is in date order: need raised, approval, milestone done, the quarters' spending.
    assert [(t["on"], t["kind"]) for t in r["timeline"]] == [
        ("2025-11-03", "need"), ("2026-01-20", "approval"), ("2026-02-20", "milestone"),
        ("2026-03-31", "spending"), ("2026-06-30", "spending")]
    assert r["timeline"][-1]["cumulative_minor"] == 100_000_00
    for name in OPTIONAL_SECTIONS:
        assert r[name] is None


def test_record_of_an_unfunded_allocation_has_no_spending_and_unknown_code_is_none():
    from citizen_budget.records import allocation_record

    s = sample_snapshot()
    r = allocation_record(s, "P04")
    assert r["status"]["key"] == "not_funded" and r["spending"] is None and r["milestones"] == []
    assert [t["kind"] for t in r["timeline"]] == ["approval"]
    assert allocation_record(s, "P99") is None
    # A record of a snapshot published before evidence was recorded: the keys are simply empty.
    assert allocation_record(s, "P01")["needs"][0]["evidence_type"] == ""


def test_status_follows_the_work_and_overrides_are_shown():
    from citizen_budget.records import allocation_record

    s = sample_snapshot()
    s["allocations"][2]["execution"]["progress_pct"] = None
    assert allocation_record(s, "P03")["status"]["key"] == "approved"
    s["allocations"][1]["execution"]["progress_pct"] = 100
    assert allocation_record(s, "P02")["status"]["key"] == "completed"
    s["allocations"][2]["override"] = "added"
    s["cycle"]["override_reason"] = "Urgent need after the floods."
    assert allocation_record(s, "P03")["override"] == {"kind": "added", "reason": "Urgent need after the floods."}


def test_optional_sections_are_copied_from_the_snapshot_when_a_feature_adds_them():
    from citizen_budget.records import allocation_record

    s = sample_snapshot()
    s["allocations"][0]["review"] = {"outcome": "feasible_with_changes", "reason": "Smaller hall.",
                                     "revised_cost_minor": 380_000_00}
    s["allocations"][0]["declarations"] = {"recusals": 2, "organizations": ["جمعية الإحسان"]}
    s["allocations"][0]["evidence"] = [{"kind": "document", "url": "/files/1", "alt": "", "caption": "Contract"}]
    r = allocation_record(s, "P01")
    assert r["review"]["revised_cost_minor"] == 380_000_00 and r["declarations"]["recusals"] == 2
    assert r["evidence"][0]["caption"] == "Contract"


# The page -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang,words", [
    ("en", ["Day centre for the elderly", "Day services for the elderly", "The vote", "5 votes",
            "The council's approval", "8 for, 1 against, 1 abstaining", "Tender", "Quarter 1", "Timeline",
            "Ministry of Social Development treasury", "Under way"]),
    ("ar", ["مركز نهاري لكبار السن", "خدمات نهارية لكبار السن", "طرح العطاء"]),
])
def test_record_page_in_both_languages(client, world, lang, words):
    publish_snapshot(world.hebron)
    response = client.get(f"{RECORD}?lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'lang="{lang}"' in html and ('dir="rtl"' in html) == (lang == "ar")
    text = page_text(response)
    for word in words:
        assert word in text, word
    # The timeline as a chart with its data, and the same as a table.
    assert 'id="chart-record-timeline"' in html and 'id="chart-record-timeline-data"' in html
    assert re.search(r'<table class="table cb-timeline">.*?</table>', html, re.S)
    assert response.headers.get("ETag")


def test_record_page_of_an_unfunded_allocation_and_its_refusals(client, world):
    publish_snapshot(world.hebron)
    text = page_text(client.get("/citizen-budget/hebron/2026/allocations/P04/?lang=en"))
    assert "Not funded" in text and "nothing is spent on it" in text
    assert client.get("/citizen-budget/hebron/2026/allocations/P99/").status_code == 404
    assert client.get("/citizen-budget/hebron/2025/allocations/P01/").status_code == 404  # not published
    assert client.get("/citizen-budget/nablus/2026/allocations/P01/").status_code == 404
    assert client.get("/citizen-budget/hebron/2026/allocations/" + "A" * 61 + "/").status_code == 404


def test_earlier_version_keeps_its_record(client, world):
    publish_snapshot(world.hebron)
    later = sample_snapshot()
    later["allocations"][0]["title_en"] = "Day centre, renamed"
    publish_snapshot(world.hebron, later)
    assert "Day centre, renamed" in page_text(client.get(f"{RECORD}?lang=en"))
    old = client.get("/citizen-budget/hebron/2026/v/1/allocations/P01/?lang=en")
    assert old.status_code == 200 and "Day centre for the elderly" in page_text(old)
    assert "You are reading an earlier version." in page_text(old)
    # The earlier version's page links to the earlier version's records.
    assert 'href="/citizen-budget/hebron/2026/v/1/allocations/P01/"' in client.get(
        "/citizen-budget/hebron/2026/v/1/").get_data(as_text=True)


def test_every_line_of_the_citizen_budget_links_to_its_record(client, world):
    publish_snapshot(world.hebron)
    html = client.get("/citizen-budget/hebron/2026/?lang=en").get_data(as_text=True)
    for code in ("P01", "P02", "P03", "P04"):
        assert f'href="/citizen-budget/hebron/2026/allocations/{code}/"' in html, code
    # The funded activities, the vote table, the execution table and the priorities answered.
    assert html.count('href="/citizen-budget/hebron/2026/allocations/P01/"') >= 4


def test_record_shows_no_personal_data(client, world):
    cycle = approved_cycle(world, year=2026)
    from budget_app.extensions import db
    from citizen_budget import services
    services.publish_version(world.hebron, 2026)
    db.session.commit()
    html = client.get(f"/citizen-budget/hebron/2026/allocations/{funded(cycle, 'P01').code}/?lang=en").get_data(
        as_text=True)
    for user in world.users.values():
        assert user.email not in html and (not user.name or user.name not in html)


def test_record_from_the_models_names_the_evidence_and_the_meeting(client, world):
    """A real cycle: the priority's source of evidence and the meeting where it was raised reach the
    record through the snapshot."""
    from datetime import datetime

    from budget_app.extensions import db
    from citizen_budget import services
    from councils.models import Meeting

    cycle = approved_cycle(world, year=2026)
    meeting = Meeting(council_id=world.hebron.id, kind="forum", title="Forum in Dura",
                      held_at=datetime(2025, 10, 12, 10, 0))
    db.session.add(meeting)
    db.session.flush()
    priority = funded(cycle, "P01").priorities[0]
    priority.evidence_type, priority.evidence_meeting_id = "partner_report", meeting.id
    db.session.commit()
    services.publish_version(world.hebron, 2026)
    db.session.commit()
    text = page_text(client.get(f"{RECORD}?lang=en"))
    assert "Partner report" in text and "Consultative forum" in text and "Forum in Dura" in text
    assert "Oct 12, 2025" in text


# Open data and API --------------------------------------------------------------------
def test_open_data_holds_the_records_and_their_timelines(client, world):
    import openpyxl

    publish_snapshot(world.hebron)
    data = client.get("/citizen-budget/hebron/2026/v/1/data.json").get_json()
    assert [r["code"] for r in data["records"]] == ["P01", "P02", "P03", "P04"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/citizen-budget/hebron/2026/v/1/data.xlsx").data))
    rows = list(workbook["timeline"].iter_rows(values_only=True))
    assert rows[0][0] == "رمز بند الموازنة / Budget-line code"
    assert ("P01", "2026-06-30", "spending") in {tuple(row[:3]) for row in rows[1:]}


def test_api_serves_the_record(client, world):
    publish_snapshot(world.hebron)
    body = client.get("/api/v1/citizen-budgets/hebron/2026/allocations/P01").get_json()
    assert body["version"] == 1 and body["record"]["code"] == "P01"
    assert body["record"]["spending"]["executed_minor"] == 100_000_00
    assert body["page"].endswith("/citizen-budget/hebron/2026/v/1/allocations/P01/")
    missing = client.get("/api/v1/citizen-budgets/hebron/2026/allocations/P99")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == 404
    assert client.get("/api/v1/citizen-budgets/hebron/2026/allocations/P01?version=7").status_code == 404


def test_the_record_page_links_its_data_and_is_cached(client, world):
    publish_snapshot(world.hebron)
    response = client.get(RECORD)
    html = response.get_data(as_text=True)
    assert 'href="/api/v1/citizen-budgets/hebron/2026/allocations/P01?version=1"' in html
    assert 'href="/citizen-budget/hebron/2026/v/1/data.xlsx"' in html
    assert 'href="/citizen-budget/hebron/2026/#cb-results"' in html
    assert response.headers["Cache-Control"] == "public, max-age=300"
    again = client.get(RECORD, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
