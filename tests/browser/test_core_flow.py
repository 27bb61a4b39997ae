"""Core flows in a real browser: language switch and direction, log in and out, admin creates a user."""
from __future__ import annotations

import re

from browser_helpers import login, logout


def test_home_is_arabic_rtl_and_switches_to_english(live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.click("a.lang-switch")
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    assert "Councils" in page.inner_text("main")
    # Remembered by cookie on the next page without ?lang
    page.goto(live_server + "/login")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.js_errors == []


def test_member_logs_in_and_out(live_server, browser_page):
    page = browser_page
    login(page, live_server, "member1@sharaka.test")
    assert "/dashboard" in page.url
    assert page.locator("main h2 a", has_text="الخليل").count() == 1
    page.click("main h2 a >> nth=0")
    assert "/councils/" in page.url
    logout(page)
    page.goto(live_server + "/dashboard")
    assert "/login" in page.url


def test_wrong_password_shows_message_in_english(live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/login?lang=en")
    page.fill("input[name=email]", "member1@sharaka.test")
    page.fill("input[name=password]", "not the password")
    page.click("form button[type=submit]:not(.link-button)")
    assert "Wrong email or password." in page.inner_text("main")


def test_admin_creates_user_who_sets_password_and_logs_in(live_server, browser_page, _browser):
    page = browser_page
    login(page, live_server, "admin@sharaka.test", lang="en")
    page.goto(live_server + "/admin/users/new")
    page.fill("input[name=email]", "new.member@sharaka.test")
    page.fill("input[name=name]", "Samira Haddad")
    page.click("main form button[type=submit]")
    link = page.input_value("#setup-link")
    assert "/set-password/" in link
    # The copy button (hidden without JavaScript: the read-only field is enough) copies it.
    page.click("button[data-copy=setup-link]")
    page.wait_for_function("document.querySelector('.copy-status').textContent === 'Copied'")
    # Post/Redirect/Get: reloading re-posts nothing and no longer shows the link.
    assert "/link" in page.url
    page.reload()
    assert page.locator("#setup-link").count() == 0 and "shown once" in page.inner_text("main")
    # Give a council role
    page.click("text=Continue to council roles")
    page.select_option("select[name=m-council_id]", label="Joint Planning Council for Social Services – Hebron")
    page.select_option("select[name=m-role]", "member")
    page.fill("input[name=m-organization_name]", "Hebron Youth Forum")
    page.click("form[action$='/memberships'] button[type=submit]")
    assert "Hebron Youth Forum" in page.inner_text("main")

    other = _browser.new_context(locale="ar").new_page()
    other.goto(link)
    other.fill("input[name=new_password]", "password")  # too common: refused
    other.fill("input[name=confirm]", "password")
    other.click("main form button[type=submit]")
    assert "شائعة" in other.inner_text("main")
    other.fill("input[name=new_password]", "olive trees of hebron")
    other.fill("input[name=confirm]", "olive trees of hebron")
    other.click("main form button[type=submit]")
    assert "/login" in other.url
    login(other, live_server, "new.member@sharaka.test", password="olive trees of hebron")
    assert other.locator("main h2 a", has_text="الخليل").count() == 1
    other.context.close()
