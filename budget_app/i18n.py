"""Language choice and locale-aware formatting.

Arabic is the default and is written right-to-left. The language is chosen, in order, by
``?lang=`` on any URL, the logged-in user's profile, the ``lang`` cookie, then the
browser's Accept-Language; the choice made with ``?lang=`` is remembered in the cookie and
in the profile.
"""
from __future__ import annotations

from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent
from flask import current_app, g, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

LANG_COOKIE = "lang"
RTL_LANGUAGES = {"ar"}


def supported_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    langs = supported_languages()
    if not has_request_context():  # CLI commands and background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    requested = request.args.get("lang")
    if requested in langs:
        return requested
    if getattr(current_user, "is_authenticated", False) and current_user.locale in langs:
        return current_user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in langs:
        return cookie
    best = request.accept_languages.best_match(langs)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def text_direction(lang: str | None = None) -> str:
    return "rtl" if (lang or current_language()) in RTL_LANGUAGES else "ltr"


def apply_language_switch():
    """``?lang=xx`` on any page switches the language and saves it to the user's profile."""
    choice = request.args.get("lang")
    if choice not in supported_languages():
        return
    g.lang_choice = choice
    if getattr(current_user, "is_authenticated", False) and current_user.locale != choice:
        from budget_app.auth.services import set_locale
        from budget_app.extensions import db

        set_locale(current_user, choice)
        db.session.commit()


def remember_language(response):
    """After a ``?lang=`` switch, remember it in the cookie."""
    choice = g.get("lang_choice")
    if choice:
        response.set_cookie(
            LANG_COOKIE, choice, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
            secure=request.is_secure,
        )
    return response


def localized(obj, field: str = "name") -> str:
    """``obj.name_ar`` or ``obj.name_en`` for the page language, falling back to the other."""
    lang = current_language()
    other = "en" if lang == "ar" else "ar"
    return getattr(obj, f"{field}_{lang}", None) or getattr(obj, f"{field}_{other}", None) or ""


def _babel_locale() -> str:
    # Arabic with Latin digits is what Palestinian official documents use; "ar" alone in CLDR
    # gives Arabic-Indic digits. Keep "ar" (CLDR default) for consistency with Babel dates.
    return current_language()


def format_number(value, digits: int | None = None) -> str:
    if value is None:
        return ""
    fmt = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=fmt, locale=_babel_locale())


def minor_to_major(minor: int | None) -> Decimal:
    return (Decimal(minor or 0) / 100).quantize(Decimal("0.01"))


def format_money(minor_units: int | None, currency: str | None = None, whole: bool = True) -> str:
    """Money stored as integer minor units (agorot), shown with Babel's currency format.

    Whole amounts drop the ".00" (budgets are planned in whole shekels) but keep the
    locale's own placement of the currency sign.
    """
    if minor_units is None:
        return ""
    currency = currency or current_app.config["DEFAULT_CURRENCY"]
    amount = minor_to_major(minor_units)
    locale = Locale.parse(_babel_locale())
    if whole and amount == amount.to_integral_value():
        pattern = locale.currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
        return format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False)
    return format_currency(amount, currency, locale=locale)


def format_pct(value: float | None) -> str:
    if value is None:
        return ""
    return format_percent(value, locale=_babel_locale(), format="#,##0.#%")


def switch_language_url(lang: str) -> str:
    """The current page in another language (the same path and query, ``lang`` replaced)."""
    from urllib.parse import urlencode

    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
    return request.path + "?" + urlencode(args)


def init_app(app):
    app.jinja_env.globals.update(
        switch_language_url=switch_language_url,
        current_language=current_language,
        text_direction=text_direction,
        localized=localized,
        format_number=format_number,
        format_money=format_money,
        format_pct=format_pct,
        format_date=format_date,
        format_datetime=format_datetime,
    )
    app.before_request(apply_language_switch)
    app.after_request(remember_language)
