"""Council work in a real browser, in Arabic and in English: the coordinator records a training
workshop with attendance and counted participants, then a recommendation; a member reads it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from browser_helpers import login, logout

TEXT = {
    "ar": {"saved": "تم تسجيل الاجتماع.", "rec_saved": "تم تسجيل التوصية.", "topic_error": "أدخل موضوع الورشة."},
    "en": {"saved": "The meeting is recorded.", "rec_saved": "The recommendation is recorded.",
           "topic_error": "Enter the topic of the workshop."},
}


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_coordinator_records_workshop_with_attendance_and_recommendation(live_server, browser_page, world, lang):
    page, t = browser_page, TEXT[lang]
    login(page, live_server, "coordinator@sharaka.test", lang=lang)
    page.goto(f"{live_server}/councils/hebron/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.click(".council-nav a[href$='/meetings/']")
    page.click("main a[href$='/meetings/new']")
    page.select_option("select[name=kind]", "workshop")
    page.fill("input[name=title]", "ورشة الموازنة التشاركية" if lang == "ar" else "Participatory budgeting workshop")
    page.fill("input[name=held_at]", "2026-03-10T10:00")
    page.fill("input[name=place]", "قاعة المديرية")
    # Forgetting the topic of a workshop is explained, and nothing is saved.
    page.click("form.meeting-form button[type=submit]")
    assert t["topic_error"] in page.inner_text("main")
    page.fill("input[name=topic]", "الموازنة التشاركية وموازنة المواطن")
    page.fill("input[name=trainer]", "د. سمر")
    page.fill("textarea[name=minutes]", "ناقش المشاركون **مراحل** الموازنة.")
    page.check(f"#attendees input[value='{world.users['member1'].id}']")
    page.check(f"#attendees input[value='{world.users['member4'].id}']")
    page.fill("input[name=count_social_workers_female]", "7")
    page.fill("input[name=count_social_workers_male]", "3")
    page.fill("input[name=count_beneficiaries_female]", "5")
    page.click("form.meeting-form button[type=submit]")
    page.wait_for_url("**/meetings/*/")
    main = page.inner_text("main")
    assert t["saved"] in main and "أحمد أبو سنينة" in main and "فاطمة الشريف" in main
    assert page.locator("#present-members li").count() == 2
    assert page.locator(".prose strong", has_text="مراحل").count() == 1

    page.select_option("select[name=rec-kind]", "recommendation")
    page.fill("textarea[name=rec-text]", "تنظيم ورشة ثانية حول متابعة التنفيذ")
    page.fill("input[name=rec-owner]", "منسق المجلس")
    page.fill("input[name=rec-due_date]", "2020-01-31")
    page.click("#recommendations form button[type=submit]")
    assert t["rec_saved"] in page.inner_text("main")
    page.click(".council-nav a[href$='/recommendations/']")
    expect(page.locator("tr.overdue", has_text="تنظيم ورشة ثانية")).to_have_count(1)

    logout(page)
    login(page, live_server, "member4@sharaka.test", lang=lang)
    page.goto(f"{live_server}/councils/hebron/meetings/")
    page.click("main table a >> nth=0")
    assert "تنظيم ورشة ثانية" in page.inner_text("main")
    assert page.locator("a[href$='/edit']").count() == 0  # members read, coordinators manage
    assert page.js_errors == []
