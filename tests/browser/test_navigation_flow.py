"""Each role clicks from the dashboard to its main pages, in a real browser, on the full demo (a
cycle in every phase): the task panel and the council tabs lead everywhere, no address typed."""
from __future__ import annotations

import re

import pytest
from browser_helpers import login


@pytest.fixture
def demo(live_server, world):
    from budget_app import demo as demo_module
    from budget_app.extensions import db
    from helpers import PASSWORD

    demo_module.run_seeders(demo_module.DemoContext(password=PASSWORD, echo=lambda *a: None))
    db.session.commit()
    return live_server


def _click(page, selector):
    # The page's own HTML is what matters here; charts and fonts may load after.
    with page.expect_navigation(wait_until="domcontentloaded", timeout=60000):
        page.click(selector)


def test_director_reaches_execution_and_the_citizen_budget_by_clicking(demo, browser_page):
    page = browser_page
    login(page, demo, "director@sharaka.test", lang="ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    panel = page.locator(".task-panel")
    assert panel.locator("li").count() >= 5  # a next step for each cycle not closed
    # The executing cycle's next step, from the dashboard.
    _click(page, ".task-panel li.task-next_step a:has-text('سجّل الإنفاق')")
    assert re.search(r"/councils/hebron/cycles/\d+/$", page.url)
    assert page.locator(".council-nav a[aria-current=page]").get_attribute("href").endswith("/cycles/")
    _click(page, ".next-step a[href$='/execution/']")
    assert "/execution/" in page.url
    _click(page, "main table a[href*='/execution/']")  # one funded allocation
    assert page.locator("main form").count() >= 1  # spending, progress, milestones forms
    _click(page, ".cb-breadcrumbs a[href$='/execution/']")
    _click(page, "main a[href$='/execution/import']")
    assert page.locator("input[type=file]").count() == 1
    # The citizen budget from the council tabs: texts, preview.
    _click(page, ".council-nav a[href$='/citizen-budget/']")
    _click(page, "main a[href$='/edit']")
    assert page.locator("textarea").count() >= 2
    _click(page, "main a[href$='/preview']")
    assert page.locator("main").inner_text()
    assert not page.js_errors


def test_coordinator_reaches_feedback_moderation_from_the_dashboard(demo, browser_page):
    page = browser_page
    login(page, demo, "coordinator@sharaka.test", lang="en")
    _click(page, ".task-panel li.task-feedback a")
    assert page.url.endswith("/councils/hebron/feedback/")
    assert page.locator("main article").count() == 2  # the two messages waiting
    _click(page, ".council-nav a[href$='/councils/hebron/']")
    _click(page, ".council-nav a[href$='/feedback/']")
    assert page.locator(".council-nav a[aria-current=page]").inner_text() == "Citizens' feedback"


def test_member_finds_the_open_vote_and_the_approval_vote_on_the_dashboard(demo, browser_page):
    page = browser_page
    login(page, demo, "member1@sharaka.test", lang="en")
    vote = page.locator(".task-panel li.task-cycle_vote")
    assert "You have voted" in vote.inner_text()  # member1 voted in nablus's cumulative vote
    _click(page, ".task-panel li.task-cycle_vote a")
    assert page.url.endswith("/vote")
    assert page.locator("input[name^=points-]").count() == 4
    page.go_back()
    _click(page, ".task-panel li.task-approval_vote a")
    assert page.url.endswith("/results")
    assert page.locator("input[name=choice]").count() == 3


def test_member4_sees_what_awaits_them_and_the_council_tabs(demo, browser_page):
    page = browser_page
    login(page, demo, "member4@sharaka.test", lang="ar")
    approval = page.locator(".task-panel li.task-approval_vote")
    assert "تصويت المجلس بانتظار صوتك" in approval.inner_text()
    _click(page, "main .card-grid a[href$='/councils/hebron/']")
    assert page.locator(".task-panel").count() == 1
    _click(page, ".council-nav a[href$='/cycles/']")
    _click(page, "main table a[href*='/cycles/']")
    assert page.locator(".council-nav").count() == 1  # cycle pages keep the council tabs
