"""A citizen on a 360 px phone follows a line of the citizen budget to the allocation's public
record, in Arabic and in English: the record fits the phone, its timeline chart is drawn (names,
not numbers, beside the bars) next to the same timeline as a table, and axe-core finds no serious
violation."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "citizen_budget"))
from cb_testlib import publish_snapshot, sample_snapshot  # noqa: E402
from test_citizen_budget_flow import axe, run_axe  # noqa: E402,F401  (the axe-core fixture and runner)


@pytest.fixture
def phone(_browser):
    context = _browser.new_context(viewport={"width": 360, "height": 740}, locale="ar")
    context.set_default_timeout(20000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    yield page
    context.close()


@pytest.mark.parametrize("lang,need,words", [
    ("ar", "خدمات نهارية لكبار السن", ["الحاجات التي يلبّيها", "التسلسل الزمني", "مصادقة المجلس"]),
    ("en", "Day services for the elderly", ["The needs it answers", "Timeline", "The council's approval"]),
])
def test_citizen_follows_a_budget_line_to_its_record_on_a_phone(live_server, phone, world, axe, lang, need, words):
    snapshot = sample_snapshot()
    snapshot["priorities"][0].update(evidence_type="survey",
                                     evidence_meeting={"kind": "forum", "held_on": "2025-11-03", "title": "ملتقى دورا"})
    publish_snapshot(world.hebron, snapshot)
    page = phone
    page.goto(f"{live_server}/citizen-budget/hebron/2026/?lang={lang}", wait_until="domcontentloaded")
    page.click("#cb-results table a[href$='/allocations/P01/']")
    page.wait_for_url("**/citizen-budget/hebron/2026/allocations/P01/**")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.wait_for_selector("#chart-record-timeline[data-chart-ready='true']", state="attached")
    text = page.inner_text("main")
    for word in [need, *words]:
        assert word in text, word
    # It fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The chart names each row (a phone's wrapped labels, not the rows' numbers) and the table has
    # the same rows: need raised, approval, milestone, two quarters of spending.
    ticks = page.evaluate("[...document.querySelectorAll('#chart-record-timeline .ytick text')]"
                          ".map(t => t.textContent)")
    assert len(ticks) == 5 and not any(t.strip().isdigit() for t in ticks), ticks
    assert page.locator("table.cb-timeline tbody tr").count() == 5
    violations = run_axe(page, axe)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
    assert page.js_errors == []
