"""Priorities in a real browser, in Arabic and in English: a member records a priority with
evidence and comments on another; the coordinator shortlists and opens a points round; three
members vote (the form stops a ballot over K points); the round closes and shows its chart."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from browser_helpers import login, logout

sys.path.insert(0, str(Path(__file__).parent.parent / "priorities"))
from priority_factories import make_priority  # noqa: E402

TEXT = {
    "ar": {"submitted": "تم تقديم الأولوية إلى المجلس.", "comment": "نُشر تعليقك.",
           "shortlisted": "أُدرجت الأولوية في القائمة المختصرة.", "opened": "الجولة مفتوحة.",
           "ballot": "حُفظت بطاقة اقتراعك.", "closed": "أُغلقت الجولة.", "participation": "3 من أصل 10 أعضاء",
           "hidden": "تظهر النتائج عند إغلاق الجولة.", "groups_error": "اختر فئة مستهدفة واحدة على الأقل."},
    "en": {"submitted": "The priority is submitted to the council.", "comment": "Your comment is published.",
           "shortlisted": "The priority is on the shortlist.", "opened": "The round is open.",
           "ballot": "Your ballot is saved.", "closed": "The round is closed.",
           "participation": "3 ballots cast of 10 members", "hidden": "The results are shown when the round closes.",
           "groups_error": "Choose at least one target group."},
}


def _switch(page, base, email, lang):
    logout(page)
    login(page, base, email, lang=lang)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_priority_to_ranking_round_with_chart(live_server, browser_page, world, lang):
    from budget_app.reference.models import Sector, TargetGroup
    page, t = browser_page, TEXT[lang]
    other = make_priority(world.hebron, world.users["member1"], title="نادٍ نهاري لكبار السن")
    disability = Sector.query.filter_by(code="disability").one().id
    groups = [g.id for g in TargetGroup.query.filter(TargetGroup.code.in_(["children", "disabilities"]))]

    # A member records a priority need with its evidence.
    login(page, live_server, "member4@sharaka.test", lang=lang)
    page.goto(f"{live_server}/councils/hebron/priorities/")
    page.click("main a[href$='/priorities/new']")
    page.fill("input[name=title_ar]", "حضانة دامجة في يطا")
    page.fill("input[name=title_en]", "Inclusive nursery in Yatta")
    page.fill("textarea[name=description_ar]", "لا توجد حضانة دامجة في يطا.")
    page.select_option("select[name=sector_id]", str(disability))
    page.fill("input[name=estimated_beneficiaries]", "85")
    page.select_option("select[name=evidence_type]", "social_registry")
    page.fill("textarea[name=evidence_details]", "85 طفلاً في السجل الوطني")
    page.click("button[name=submit_now]")
    assert t["groups_error"] in page.inner_text("main")
    for gid in groups:
        page.check(f"#target_groups input[value='{gid}']")
    page.click("button[name=submit_now]")
    page.wait_for_url("**/priorities/*/")
    assert t["submitted"] in page.inner_text("main")
    new_url = page.url

    # ... and comments on another member's priority.
    page.goto(f"{live_server}/councils/hebron/priorities/?q=نهاري لكبار")
    page.click("#priorities-table a", timeout=5000)
    page.fill("textarea[name=body]", "أؤيد **بشدة**")
    page.click("#discussion form button[type=submit]")
    assert t["comment"] in page.inner_text("main")
    assert page.locator(".comment .prose strong", has_text="بشدة").count() == 1

    # The coordinator shortlists both and opens a points round.
    _switch(page, live_server, "coordinator@sharaka.test", lang)
    for url in (new_url, f"{live_server}/councils/hebron/priorities/{other.id}/"):
        page.goto(url)
        page.click(".triage form[action$='/shortlist'] button")
        assert t["shortlisted"] in page.inner_text("main")
    page.goto(f"{live_server}/councils/hebron/priorities/rounds/")
    page.click("main a[href$='/rounds/new']")
    assert page.locator("#shortlist li").count() == 2
    page.select_option("select[name=method]", "points")
    page.fill("input[name=points_budget]", "10")
    page.fill("input[name=closes_at]", "2035-01-01T12:00")
    page.click("main form button[type=submit]")
    assert t["opened"] in page.inner_text("main")
    round_url = page.url
    assert t["hidden"] in page.inner_text("#results")

    # Three members vote; the form itself refuses more than K points.
    inputs = page.locator(".ballot-input")
    for i, email in enumerate(("member1@sharaka.test", "member2@sharaka.test", "member4@sharaka.test")):
        _switch(page, live_server, email, lang)
        page.goto(round_url)
        inputs = page.locator(".ballot-input")
        assert inputs.count() == 2
        if i == 0:
            inputs.nth(0).fill("8")
            inputs.nth(1).fill("5")
            assert page.locator("#ballot-live-error").is_visible()
            assert page.locator(".ballot-form button[type=submit]").is_disabled()
            assert page.inner_text("#points-left") == "-3"
        inputs.nth(0).fill(str(6 + i))
        inputs.nth(1).fill(str(4 - i))
        assert page.locator(".ballot-form button[type=submit]").is_enabled()
        page.click(".ballot-form button[type=submit]")
        assert t["ballot"] in page.inner_text("main")

    # The coordinator closes the round: the chart and its table appear, with participation.
    _switch(page, live_server, "coordinator@sharaka.test", lang)
    page.goto(round_url)
    page.once("dialog", lambda d: d.accept())
    page.click("form[action$='/close'] button")
    assert t["closed"] in page.inner_text("main")
    page.wait_for_selector("#round-chart[data-chart-ready=true]")
    assert page.locator("#round-chart .main-svg").count() >= 1
    rows = page.locator("#results-table tbody tr")
    assert rows.count() == 2
    assert "21" in rows.nth(0).inner_text() and "9" in rows.nth(1).inner_text()  # 6+7+8 and 4+3+2 points
    assert t["participation"] in page.inner_text("#participation")
    assert page.js_errors == []
