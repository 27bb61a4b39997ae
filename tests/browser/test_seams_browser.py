"""Seams seen in a real browser (issue 10, section 6): one confirmation dialog per click, on pages
with and without the cycles script; the meeting form shows only the chosen kind's fields."""
from __future__ import annotations

import sys
from pathlib import Path

from browser_helpers import login, logout

sys.path.insert(0, str(Path(__file__).parent.parent / "cycles"))


def test_each_confirmation_dialog_appears_once(live_server, _browser, world):
    from cycles_testlib import make_cycle  # noqa: E402 (path set above)
    cycle = make_cycle(world, "preparing")
    cycle_id = cycle.id
    context = _browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    context.set_default_timeout(15000)
    page = context.new_page()
    seen = []

    def handle(dialog):
        seen.append(dialog.message)
        dialog.dismiss()  # "no": nothing is posted
    page.on("dialog", handle)
    try:
        login(page, live_server, "director@sharaka.test", lang="en")
        # A cycle page loads app.js and cycles.js: both used to attach a data-confirm handler.
        page.goto(f"{live_server}/councils/hebron/cycles/{cycle.id}/?lang=en")
        assert page.locator("script[src*='cycles.js']").count() == 1
        button = page.locator("button[data-confirm]").first
        button.click()
        page.wait_for_timeout(300)
        assert len(seen) == 1, seen
        assert page.url.endswith(f"/cycles/{cycle.id}/?lang=en")  # dismissed: still here, nothing changed

        # A page with app.js only (the coordinator's members page).
        seen.clear()
        logout(page)
        login(page, live_server, "coordinator@sharaka.test", lang="en")
        page.goto(f"{live_server}/councils/hebron/members/?lang=en")
        assert page.locator("script[src*='cycles.js']").count() == 0
        page.locator("button[data-confirm]").first.click()
        page.wait_for_timeout(300)
        assert len(seen) == 1, seen

        # Accepting the one dialog posts the form once.
        page.remove_listener("dialog", handle)
        accepted = []
        page.on("dialog", lambda d: (accepted.append(d.message), d.accept()))
        logout(page)
        login(page, live_server, "director@sharaka.test", lang="en")
        page.goto(f"{live_server}/councils/hebron/cycles/{cycle.id}/?lang=en")
        with page.expect_navigation():
            page.locator("form[action$='/delete'] button[data-confirm]").click()
        assert len(accepted) == 1
        from budget_app.cycles.models import BudgetCycle
        from budget_app.extensions import db
        db.session.expire_all()
        assert db.session.get(BudgetCycle, cycle_id) is None
    finally:
        context.close()


def test_meeting_form_shows_only_the_chosen_kinds_fields(live_server, browser_page):
    page = browser_page
    login(page, live_server, "coordinator@sharaka.test", lang="en")
    page.goto(f"{live_server}/councils/hebron/meetings/new?lang=en")
    workshop = page.locator("[data-meeting-kind=workshop]")
    forum = page.locator("[data-meeting-kind=forum]")
    page.select_option("select[name=kind]", "council_meeting")
    assert not workshop.is_visible() and not forum.is_visible()
    page.select_option("select[name=kind]", "workshop")
    assert workshop.is_visible() and not forum.is_visible()
    page.select_option("select[name=kind]", "forum")
    assert forum.is_visible() and not workshop.is_visible()
    assert page.js_errors == []


def test_meeting_form_works_without_javascript(live_server, _browser):
    context = _browser.new_context(viewport={"width": 360, "height": 800}, locale="ar", java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, "coordinator@sharaka.test", lang="en")
        page.goto(f"{live_server}/councils/hebron/meetings/new?lang=en")
        # Every part is shown, each labelled with the kind it is for.
        assert page.locator("[data-meeting-kind=workshop]").is_visible()
        assert page.locator("[data-meeting-kind=forum]").is_visible()
        assert "only for a workshop" in page.inner_text("form.meeting-form")
    finally:
        context.close()
