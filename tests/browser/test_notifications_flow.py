"""A member sees the unread count in the header, opens the notification centre, and the
notification takes them to the vote (and is then read) — on a 360 px phone, in Arabic and in
English; the other one they mark read with its button."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from browser_helpers import login

sys.path.insert(0, str(Path(__file__).parent.parent / "cycles"))
from cycles_testlib import make_cycle  # noqa: E402

TEXT = {"ar": ("فُتح التصويت على الموازنة «موازنة الخدمات الاجتماعية»", "تعليم كمقروء"),
        "en": ("The budget vote “Social services budget” is open", "Mark as read")}


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_member_opens_the_vote_from_the_notification_centre(_browser, live_server, world, lang):
    from budget_app.extensions import db
    from budget_app.notifications import notify

    notify([world.users["member1"]], "priority_comment", council=world.hebron, exclude=None,
           params={"who": "Reem", "title": {"ar": "أولوية", "en": "A priority"}})
    db.session.commit()
    cycle = make_cycle(world, "voting")  # opening the vote notifies the electorate (newest first)
    context = _browser.new_context(viewport={"width": 360, "height": 740}, locale=lang)
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        login(page, live_server, "member1@sharaka.test", lang=lang)
        page.goto(f"{live_server}/dashboard?lang={lang}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        badge = page.locator(".notifications-link .unread-count")
        assert badge.inner_text().split()[0] == "2"
        page.click(".notifications-link")
        page.wait_for_load_state("domcontentloaded")
        assert page.url.split("?")[0].endswith("/notifications/")
        sentence, mark = TEXT[lang]
        item = page.locator(".notification.unread").first
        assert sentence in item.inner_text().replace("\u2068", "").replace("\u2069", "")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.click(".notification.unread .notification-text a")
        page.wait_for_load_state("domcontentloaded")
        assert page.url.split("?")[0].endswith(f"/councils/hebron/cycles/{cycle.id}/vote")
        for _ in range(20):  # the link marked it read in the background
            page.goto(f"{live_server}/notifications/?lang={lang}")
            if page.locator(".notification.unread").count() == 1:
                break
            time.sleep(0.25)
        assert page.locator(".notifications-link .unread-count").inner_text().split()[0] == "1"
        assert page.locator(".notification.unread").count() == 1
        page.get_by_role("button", name=mark).click()
        page.wait_for_load_state("domcontentloaded")
        assert page.locator(".notifications-link .unread-count").count() == 0
        assert page.locator(".notification.unread").count() == 0
    finally:
        context.close()
