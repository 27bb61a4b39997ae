"""Execution tracking on a real approved cycle, and the snapshot built from it."""
from __future__ import annotations

import io
from datetime import date

import pytest

from cb_testlib import approved_cycle, funded


@pytest.fixture
def cycle(world, in_english):
    return approved_cycle(world, year=2026)


def test_spending_beyond_allocation_needs_justification_and_is_flagged(app, world, cycle):
    from budget_app.cycles.execution import services
    from budget_app.extensions import db

    p01 = funded(cycle, "P01")  # 400,000 ILS
    services.record_spending(cycle, p01, world.users["director"], amount_minor=300_000_00, spent_on=date(2026, 2, 1))
    with pytest.raises(services.ExecutionError) as err:
        services.record_spending(cycle, p01, None, amount_minor=150_000_00, spent_on=date(2026, 5, 1))
    assert err.value.field == "justification"
    entry = services.record_spending(cycle, p01, None, amount_minor=150_000_00, spent_on=date(2026, 5, 1),
                                     justification="Prices of materials rose by a third.")
    assert entry.over_allocation and entry.quarter == 2
    db.session.commit()
    rows = {r["code"]: r for r in services.execution_overview(cycle)}
    assert rows["P01"]["spent_minor"] == 450_000_00 and rows["P01"]["flagged"]


def test_spending_refused_for_unfunded_allocation_wrong_year_or_quarter(world, cycle):
    from budget_app.cycles.execution import services

    with pytest.raises(services.ExecutionError):
        services.record_spending(cycle, funded(cycle, "P03"), None, amount_minor=100, spent_on=date(2026, 1, 2))
    with pytest.raises(services.ExecutionError):
        services.record_spending(cycle, funded(cycle, "P01"), None, amount_minor=100, spent_on=date(2025, 1, 2))
    with pytest.raises(services.ExecutionError):
        services.record_spending(cycle, funded(cycle, "P01"), None, amount_minor=100, spent_on=date(2026, 1, 2),
                                 quarter=3)


def test_build_snapshot_from_the_models(world, cycle):
    from budget_app.cycles.execution import services as execution
    from budget_app.extensions import db
    from citizen_budget import services, snapshot as snap

    p01 = funded(cycle, "P01")
    execution.record_spending(cycle, p01, None, amount_minor=50_000_00, spent_on=date(2026, 3, 3))
    execution.set_progress(cycle, p01, None, 20)
    execution.save_milestone(cycle, p01, None, title_ar="افتتاح المركز", title_en="Opening", status="planned",
                            due_on=date(2026, 9, 1))
    services.save_texts(world.hebron, 2026, {"intro": {"ar": "مقدمة", "en": "Intro"}})
    db.session.commit()
    s = snap.build_snapshot(cycle)
    import json
    json.dumps(s)  # JSON-able
    codes = {a["code"]: a for a in s["allocations"]}
    assert [c for c, a in codes.items() if a["funded"]] == ["P01", "P02", "P04"]
    assert codes["P03"]["explanation"]["reason"] == "insufficient_budget"
    assert codes["P01"]["execution"]["executed_minor"] == 50_000_00
    assert codes["P01"]["execution"]["spending"] == [{"quarter": 1, "funding_source": None,
                                                     "amount_minor": 50_000_00}]
    assert codes["P01"]["execution"]["progress_pct"] == 20
    assert codes["P01"]["milestones"][0]["title_en"] == "Opening"
    assert codes["P01"]["beneficiaries"] == 200
    assert codes["P01"]["sector"]["code"] == "elderly"
    assert s["participation"]["ballots_online"] == 5 and s["participation"]["rule"] == "greedy"
    assert s["participation"]["members"] >= 10 and s["participation"]["priorities_recorded"] == 4
    assert s["texts"]["intro"] == {"ar": "مقدمة", "en": "Intro"}
    assert s["envelope_minor"] == 1_000_000_00 and len(s["funding_sources"]) == 2
    # No personal data: no e-mail, no member name.
    text = json.dumps(s, ensure_ascii=False)
    assert "@sharaka.test" not in text.replace("hebron@council.sharaka.test", "")
    assert "أحمد أبو سنينة" not in text
    assert snap.content_hash(s) == snap.content_hash(json.loads(json.dumps(s)))


def test_publish_freezes_versions_and_refuses_unchanged(world, cycle):
    from budget_app.cycles.execution import services as execution
    from budget_app.extensions import db
    from citizen_budget import services

    v1 = services.publish_version(world.hebron, 2026, world.users["director"])
    db.session.commit()
    with pytest.raises(services.CitizenBudgetError):
        services.publish_version(world.hebron, 2026)
    execution.record_spending(cycle, funded(cycle, "P02"), None, amount_minor=10_000_00, spent_on=date(2026, 4, 1))
    v2 = services.publish_version(world.hebron, 2026, note="Q2")
    db.session.commit()
    assert (v1.number, v2.number) == (1, 2) and v1.content_hash != v2.content_hash
    v1.snapshot_json = "{}"
    with pytest.raises(ValueError):
        db.session.flush()
    db.session.rollback()


def test_publish_refused_without_approved_cycle(world, in_english):
    from citizen_budget import services
    with pytest.raises(services.CitizenBudgetError):
        services.publish_version(world.nablus, 2026)


def test_director_records_spending_progress_and_milestones_through_pages(app, world, cycle):
    client = app.test_client()
    client.login("director@sharaka.test")
    p01 = funded(cycle, "P01")
    base = f"/councils/hebron/cycles/{cycle.id}/execution/"
    assert "Day centre" in client.get(base + "?lang=en").get_data(as_text=True)
    response = client.post_form(f"{base}{p01.id}", {"amount": "12,000", "spent_on": "2026-02-10", "quarter": "",
                                                    "funding_source_id": "", "note": "chairs"})
    assert response.status_code == 302
    response = client.post_form(f"{base}{p01.id}", {"amount": "500000", "spent_on": "2026-02-11"})
    assert response.status_code == 400  # beyond the allocation, no justification
    assert client.post_form(f"{base}{p01.id}/progress", {"progress_pct": "40"}).status_code == 302
    assert client.post_form(f"{base}{p01.id}/milestones", {"title_ar": "مناقصة", "status": "planned",
                                                          "due_on": "2026-03-01"}).status_code == 302
    page = client.get(f"{base}{p01.id}?lang=en").get_data(as_text=True)
    assert "chairs" in page and "مناقصة" in page
    from budget_app.cycles.execution.models import AllocationProgress, SpendingEntry
    assert SpendingEntry.query.count() == 1 and AllocationProgress.query.one().progress_pct == 40
    # An unfunded proposal has no execution page.
    assert client.get(f"{base}{funded(cycle, 'P03').id}").status_code == 404


def _csv(rows):
    return io.BytesIO(("\n".join(",".join(r) for r in rows)).encode("utf-8"))


def test_spending_import_is_all_or_nothing(app, world, cycle):
    from budget_app.cycles.execution.models import SpendingEntry

    client = app.test_client()
    client.login("director@sharaka.test")
    url = f"/councils/hebron/cycles/{cycle.id}/execution/import?lang=en"
    bad = [["Budget-line code", "Date", "Amount", "Funding source"],
           ["P01", "2026-01-15", "1000", "treasury"],
           ["P03", "2026-01-15", "1000", ""],  # not funded
           ["P02", "2026-13-01", "abc", "nowhere"]]
    response = client.post_form(url, {"file": (_csv(bad), "spending.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "nothing was imported" in text.lower() and SpendingEntry.query.count() == 0
    good = [["رمز بند الموازنة", "التاريخ", "Amount", "Quarter", "Funding source", "Note"],
            ["P01", "2026-01-15", "1000", "1", "treasury", "=SUM(A1)"],
            ["P02", "2026-04-15", "2500.50", "", "eu", ""]]
    response = client.post_form(url, {"file": (_csv(good), "spending.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert sorted(e.amount_minor for e in SpendingEntry.query) == [1000_00, 2500_50]
    template = client.get(f"/councils/hebron/cycles/{cycle.id}/execution/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"


def test_execution_table_headers_say_different_things_in_arabic(app, world, cycle):
    """The director's execution table had two columns both headed "المخصّص" in Arabic (the
    activity, "Allocation", and its amount, "Allocated"): the activity's column is "Activity"."""
    import re
    from html import unescape

    client = app.test_client()
    client.login("director@sharaka.test")
    for lang, activity in (("ar", "النشاط"), ("en", "Activity")):
        html = client.get(f"/councils/hebron/cycles/{cycle.id}/execution/?lang={lang}").get_data(as_text=True)
        thead = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
        headers = [unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", thead, re.S)]
        assert len(headers) == 7 and len(set(headers)) == len(headers), headers
        assert headers[1] == activity


def test_a_progress_race_is_retried_without_undoing_the_rest_of_the_request(world, cycle, monkeypatch):
    """Two directors set the progress at once: the one whose insert loses is retried as an update
    in a savepoint; what the request did before (here a spending entry) is kept."""
    from budget_app.extensions import db
    from budget_app.cycles.execution import services
    from budget_app.cycles.execution.models import AllocationProgress, SpendingEntry

    p01 = funded(cycle, "P01")
    db.session.execute(AllocationProgress.__table__.insert().values(  # the other director's, committed
        proposal_id=p01.id, council_id=cycle.council_id, progress_pct=10))
    db.session.commit()
    entry_id = services.record_spending(cycle, p01, None, amount_minor=1_000_00, spent_on=date(2026, 3, 3)).id
    real_get, stale = db.session.get, []

    def get_as_before_the_other_insert(model, ident, **kw):
        if model is AllocationProgress and not stale:
            stale.append(ident)
            return None
        return real_get(model, ident, **kw)

    monkeypatch.setattr(db.session, "get", get_as_before_the_other_insert)
    row = services.set_progress(cycle, p01, None, 55)
    monkeypatch.undo()
    assert stale == [p01.id] and row.progress_pct == 55
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(AllocationProgress, p01.id).progress_pct == 55
    assert db.session.get(SpendingEntry, entry_id) is not None
