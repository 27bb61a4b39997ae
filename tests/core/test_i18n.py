"""Arabic by default and right-to-left; English one click away; complete catalogs."""
from __future__ import annotations

from helpers import page_text


def html(response) -> str:
    return response.get_data(as_text=True)


def test_home_is_arabic_rtl_by_default(client):
    response = client.get("/")
    assert '<html lang="ar" dir="rtl">' in html(response)
    assert "شراكة" in page_text(response)


def test_lang_switch_sets_cookie_and_is_remembered(client):
    response = client.get("/?lang=en")
    assert '<html lang="en" dir="ltr">' in html(response)
    assert "lang=en" in response.headers["Set-Cookie"]
    assert '<html lang="en" dir="ltr">' in html(client.get("/login"))
    assert '<html lang="ar" dir="rtl">' in html(client.get("/login?lang=ar"))


def test_accept_language_for_first_visit(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en" dir="ltr">' in html(response)
    response = client.get("/", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="ar" dir="rtl">' in html(response)


def test_switch_is_saved_to_profile_when_logged_in(app, world):
    client = app.test_client()
    client.login("member1@sharaka.test")
    client.get("/dashboard?lang=en")
    other = app.test_client()  # a new browser: no cookie, the profile decides
    other.login("member1@sharaka.test")
    assert '<html lang="en" dir="ltr">' in html(other.get("/dashboard"))


def test_language_switch_link_keeps_the_page(client):
    body = html(client.get("/login?next=/dashboard"))
    assert 'href="/login?next=%2Fdashboard&amp;lang=en"' in body


def test_catalogs_are_complete():
    from budget_app.i18n_catalogs import problems
    missing = problems()
    assert not missing, "untranslated or missing strings:\n" + "\n".join(missing[:50])


def test_money_and_numbers_are_formatted_by_babel(app):
    from budget_app.i18n import format_money, format_number
    with app.test_request_context("/?lang=en"):
        assert format_money(123456700) == "₪1,234,567"
        assert format_money(12345) == "₪123.45"
        assert format_number(1234567) == "1,234,567"
    with app.test_request_context("/?lang=ar"):
        assert "1,234,567" in format_money(123456700) and "₪" in format_money(123456700)
