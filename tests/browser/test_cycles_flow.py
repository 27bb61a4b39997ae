"""The whole budget-cycle flow in a real browser, in Arabic and English: the director opens a cycle and
imports proposals from Excel; the technical reviewer reviews them; the director opens voting; a member votes (with the running total); the coordinator
enters a paper ballot; the director closes, tallies, overrides with a reason; the council approves;
anyone checks their receipt."""
from __future__ import annotations

import io
import re

import openpyxl

from browser_helpers import login, logout


def _xlsx(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["رمز بند الموازنة", "العنوان (بالعربية)", "Title (English)", "Sector", "Locality", "الكلفة"])
    ws.append(["B01", "مركز نهاري لكبار السن", "Day centre for the elderly", "elderly", "hebron-city", "400000"])
    ws.append(["B02", "حضانة في يطا", "Nursery in Yatta", "childhood", "yatta", "350000"])
    ws.append(["B03", "وحدة حماية المرأة", "Women's protection unit", "women-protection", "dura", "300000"])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return path


def _post_confirm(page, selector):
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click(selector)


def test_whole_cycle_flow(live_server, browser_page, tmp_path):
    page = browser_page
    base = live_server

    # Director, in Arabic: open the cycle.
    login(page, base, "director@sharaka.test", lang="ar")
    page.goto(f"{base}/councils/hebron/cycles/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.click("text=فتح دورة جديدة")
    page.fill("#title_ar", "موازنة الخدمات الاجتماعية التجريبية")
    page.fill("#envelope", "1,000,000")
    page.check("input[name=ballot_method][value=cost_limited]")
    page.select_option("#tally_rule", "mes")
    treasury = page.locator("input[id^=funding_]").first
    treasury.fill("800000")
    assert "200" in page.inner_text("[data-funding-status]")  # the gap, computed as one types
    page.click("form.cycle-form button[type=submit]")
    page.wait_for_url(re.compile(r"/cycles/\d+/$"))
    assert "فجوة" in page.inner_text("main")
    cycle_url = page.url

    # Import proposals from Excel (Arabic and English headers mixed).
    page.click("text=استيراد المقترحات من Excel أو CSV")
    page.set_input_files("input[type=file]", str(_xlsx(tmp_path / "proposals.xlsx")))
    page.click("main form button[type=submit]")
    page.wait_for_url(cycle_url)
    assert "اكتمل الاستيراد" in page.inner_text(".flashes")
    assert page.locator("main table tbody tr").filter(has_text="B02").count() == 1
    logout(page)

    # The directorate's technical reviewer finds the three proposals feasible.
    login(page, base, "reviewer@sharaka.test", lang="ar")
    page.goto(cycle_url + "review")
    for code in ("B01", "B02", "B03"):
        page.click(f"tr[data-code={code}] a.button")
        page.check("input[name=outcome][value=feasible]")
        page.fill("#reason", "ممكن التنفيذ بالكلفة المقترحة.")
        page.click("form.review-form button[type=submit]")
        assert "حُفظت مراجعة" in page.inner_text(".flashes")
    logout(page)

    login(page, base, "director@sharaka.test", lang="ar")
    page.goto(cycle_url)
    _post_confirm(page, "button:has-text('فتح التصويت')")
    assert "بصمة القواعد" in page.inner_text("main")
    logout(page)

    # A member votes in English; the running total shows what is left of the envelope.
    login(page, base, "member1@sharaka.test", lang="en")
    page.goto(cycle_url + "vote?lang=en")
    page.check("label:has-text('B01') >> xpath=ancestor::tr//input")
    page.check("label:has-text('B03') >> xpath=ancestor::tr//input")
    summary = page.inner_text("[data-ballot-summary]")
    assert "Left in the envelope" in summary and "300,000" in summary
    page.check("label:has-text('B02') >> xpath=ancestor::tr//input")
    assert "Over the envelope" in page.inner_text("[data-ballot-summary]")
    page.click("button:has-text('Cast my ballot')")
    assert "more than the envelope" in page.inner_text("main")  # the server refuses too
    page.uncheck("label:has-text('B02') >> xpath=ancestor::tr//input")
    page.click("button:has-text('Cast my ballot')")
    page.wait_for_url(re.compile(r"/vote/receipt"))
    receipt = page.inner_text("[data-receipt]").strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", receipt)
    logout(page)

    # The coordinator enters a paper ballot from a forum.
    login(page, base, "coordinator@sharaka.test", lang="ar")
    page.goto(cycle_url + "paper")
    page.fill("#meeting_label", "الملتقى التشاوري في دورا")
    page.check("label:has-text('B02') >> xpath=ancestor::tr//input")
    page.click("button:has-text('إدخال هذه الورقة')")
    assert "أُدخلت ورقة الاقتراع" in page.inner_text(".flashes")
    logout(page)

    # The director closes and tallies, then overrides with a reason.
    login(page, base, "director@sharaka.test", lang="ar")
    page.goto(cycle_url)
    _post_confirm(page, "button:has-text('إغلاق التصويت والفرز')")
    page.wait_for_selector("#votes-chart[data-chart-ready=true]")
    assert "ما الذي كانت ستموّله قواعد أخرى" in page.inner_text("main")
    page.click("text=تعديل التخصيص (مع ذكر السبب)")
    page.check("input[name=selected][value=B03]")
    page.uncheck("input[name=selected][value=B02]")
    page.fill("#reason", "الحضانة أولوية عاجلة وفق سجل الحالات الاجتماعية في يطا")
    page.click("button:has-text('حفظ التخصيص النهائي')")
    assert "الحضانة أولوية عاجلة" in page.inner_text(".override-notice")
    logout(page)

    # The council approves: five members vote yes (quorum 50 % of 10).
    for i in range(1, 6):
        login(page, base, f"member{i}@sharaka.test", lang="en")
        page.goto(cycle_url + "results?lang=en")
        page.check("input[name=choice][value=yes]")
        page.click("button:has-text('Record my vote')")
        assert "Your vote on the allocation is recorded." in page.inner_text(".flashes")
        logout(page)
    login(page, base, "director@sharaka.test", lang="ar")
    page.goto(cycle_url + "results")
    _post_confirm(page, "button:has-text('تسجيل مصادقة المجلس')")
    assert "صادق المجلس على التخصيص" in page.inner_text(".flashes")
    logout(page)

    # Anyone checks that the receipt was counted.
    page.goto(cycle_url + "receipts?lang=en")
    page.fill("#code", receipt.lower())
    page.click("button:has-text('Check')")
    assert page.locator("[data-receipt-result=counted]").count() == 1
    assert page.js_errors == []
