"""Council governance on a phone (360 px), in Arabic and English: the technical reviewer reviews the
proposals (one not feasible, one feasible with changes at a revised cost), the director's opening
of the vote is refused while one waits and goes through once all are reviewed; the ballot lacks
the proposal found not feasible, which the cycle page lists with its reason. Before the approval
vote a member whose charity would carry out a proposal declares the interest (Arabic) and is
recused; another declares none (English); the coordinator sees who is flagged and silent."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from browser_helpers import login, logout

sys.path.insert(0, str(Path(__file__).parents[1] / "cycles"))
from cycles_testlib import decided_with_organizations, make_cycle  # noqa: E402

PHONE = {"width": 360, "height": 740}


def _fits(page) -> None:
    """Nothing wider than the phone: the page does not scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def _review(page, code, outcome, reason, changes="", revised=""):
    page.click(f"tr[data-code={code}] a.button")
    _fits(page)
    page.check(f"input[name=outcome][value={outcome}]")
    page.fill("#reason", reason)
    if changes:
        page.fill("#changes", changes)
        page.fill("#revised_cost", revised)
    page.click("form.review-form button[type=submit]")


def test_reviewer_reviews_on_a_phone_in_both_languages(live_server, browser_page, world):
    page = browser_page
    page.set_viewport_size(PHONE)
    cycle = make_cycle(world, reviewed=False)
    cycle_url = f"{live_server}/councils/hebron/cycles/{cycle.id}/"

    # The reviewer, in Arabic: the task panel leads to the review list.
    login(page, live_server, "reviewer@sharaka.test", lang="ar")
    page.goto(f"{live_server}/councils/hebron/")
    page.click("a:has-text('المراجعة الفنية:')")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _fits(page)
    # A reason is required: the form says so and nothing is saved.
    page.click("tr[data-code=P05] a.button")
    page.check("input[name=outcome][value=not_feasible]")
    page.click("form.review-form button[type=submit]")
    assert "اذكر سبب المراجعة" in page.inner_text("main")
    page.fill("#reason", "لا يوجد مبنى مهيأ لذوي الإعاقة في المنطقة.")
    page.click("form.review-form button[type=submit]")
    assert "حُفظت مراجعة P05" in page.inner_text(".flashes")
    _review(page, "P01", "feasible_with_changes", "القاعة المقترحة أكبر من الحاجة.", "طابق واحد بدل طابقين.",
            "300,000")
    for code in ("P02", "P03"):
        _review(page, code, "feasible", "ممكن التنفيذ بالكلفة المقترحة.")
    _fits(page)
    logout(page)

    # The director, in English: the vote cannot open while P04 waits.
    login(page, live_server, "director@sharaka.test", lang="en")
    page.goto(cycle_url + "?lang=en")
    page.click("button:has-text('Open voting')")
    assert "1 proposal awaits its feasibility review (P04)" in page.inner_text(".flashes")
    logout(page)

    # The reviewer, in English, reviews the last one.
    login(page, live_server, "reviewer@sharaka.test", lang="en")
    page.goto(cycle_url + "review?lang=en")
    _review(page, "P04", "feasible", "Feasible with the partner's staff.")
    assert "The review of P04 is saved." in page.inner_text(".flashes")
    assert re.search(r"\b1\s+proposal not feasible", page.inner_text("main"))
    _fits(page)
    logout(page)

    login(page, live_server, "director@sharaka.test", lang="en")
    page.goto(cycle_url + "?lang=en")
    page.click("button:has-text('Open voting')")
    assert "Voting is open" in page.inner_text(".flashes")
    main = page.inner_text("main")
    assert "Not on the ballot: found not feasible" in main and "لا يوجد مبنى مهيأ" in main
    _fits(page)
    logout(page)

    # A member's ballot lacks P05 and shows P01 at its revised cost.
    login(page, live_server, "member1@sharaka.test", lang="en")
    page.goto(cycle_url + "vote?lang=en")
    ballot = page.inner_text("main form")
    assert "P05" not in ballot and "P01" in ballot and "300,000" in ballot
    _fits(page)


def test_member_declares_an_interest_on_a_phone_in_both_languages(live_server, browser_page, world):
    page = browser_page
    page.set_viewport_size(PHONE)
    cycle = decided_with_organizations(world)
    results = f"{live_server}/councils/hebron/cycles/{cycle.id}/results"

    # member1, in Arabic: flagged on P01 (their charity implements it), declares it and is recused.
    login(page, live_server, "member1@sharaka.test", lang="ar")
    page.goto(results + "?lang=ar")
    page.click("a:has-text('إعلان مصالحي')")
    assert "P01" in page.inner_text(".flagged-notice")
    _fits(page)
    assert page.is_checked("input[name=codes][value=P01]")  # the flagged proposal comes ticked
    page.check("input[name=interest][value=interest]")
    page.fill("#note", "الجمعية هي الجهة المنفذة.")
    page.click("form.declaration-form button[type=submit]")
    assert "أنت متنحٍّ" in page.inner_text(".flashes")
    assert page.locator(".approval-form").count() == 0  # no vote for a recused member
    assert page.locator("[data-declared=interest]").count() == 1
    _fits(page)
    logout(page)

    # member3, in English: no interest; the vote stays open to them.
    login(page, live_server, "member3@sharaka.test", lang="en")
    page.goto(results + "?lang=en")
    page.click("a:has-text('Declare my interests')")
    page.check("input[name=interest][value=none]")
    page.click("form.declaration-form button[type=submit]")
    assert "Your declaration is recorded." in page.inner_text(".flashes")
    assert page.locator(".approval-form").count() == 1
    assert "1 member declared an interest and is recused" in page.inner_text("main")
    _fits(page)
    logout(page)

    # The coordinator sees member2 (whose association proposes P04) flagged and silent.
    login(page, live_server, "coordinator@sharaka.test", lang="en")
    page.goto(results + "?lang=en")
    flagged = page.inner_text(".undeclared-flagged")
    assert world.users["member2"].name in flagged and "P04" in flagged
    _fits(page)
