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


def test_cached_babel_patterns_format_as_babel_does(app):
    """Locales and number patterns are parsed once per process (budget_app.i18n): the text is
    Babel's own, in both languages."""
    from datetime import datetime

    from babel.numbers import format_currency, format_decimal, format_percent
    from flask_babel import refresh

    from budget_app.i18n import format_datetime, format_money, format_number, format_pct
    for lang in ("ar", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            refresh()  # the fixture's application context (and so g) outlives each request here
            assert format_pct(0.4567) == format_percent(0.4567, locale=lang, format="#,##0.#%")
            assert format_number(1234.5, 2) == format_decimal(1234.5, format="#,##0.00", locale=lang)
            assert format_number(12345) == format_decimal(12345, locale=lang)
            assert format_money(123456789) == format_currency(1234567.89, "ILS", locale=lang)
            assert format_money(5, "USD") == format_currency(0.05, "USD", locale=lang)
            assert "1,234,567" in format_money(123456700) and ".00" not in format_money(123456700)
            assert "2026" in format_datetime(datetime(2026, 3, 4, 5, 6))
    with app.test_request_context("/?lang=en"):
        refresh()
        assert format_pct(0.4567) == "45.7%"
        assert format_money(123456700) == "₪1,234,567"


def test_babel_context_is_flask_babels_namespace(app):
    """Flask-Babel finds its per-request namespace through budget_app.i18n._babel_context (fewer
    proxy look-ups); the language, force_locale and the translations behave as before."""
    import flask_babel
    from flask import g
    from flask_babel import force_locale, gettext, refresh

    from budget_app.i18n import _babel_context, current_language
    assert flask_babel._get_current_context is _babel_context
    with app.test_request_context("/?lang=en"):
        refresh()
        namespace = _babel_context()
        assert namespace is g._flask_babel and _babel_context() is namespace
        assert current_language() == "en" and gettext("Results") == "Results"
        with force_locale("ar"):
            assert current_language() == "ar" and gettext("Results") != "Results"
        assert current_language() == "en" and gettext("Results") == "Results"
    app_ctx = app.app_context()
    app_ctx.push()
    try:
        assert _babel_context() is not None  # an application context has its own g
    finally:
        app_ctx.pop()
