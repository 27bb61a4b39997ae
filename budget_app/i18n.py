"""Language choice and locale-aware formatting.

Arabic is the default and is written right-to-left. The language is chosen, in order, by
``?lang=`` on any URL, the logged-in user's profile, the ``lang`` cookie, then the
browser's Accept-Language; the choice made with ``?lang=`` is remembered in the cookie, and in
the profile only when it was made on a page (not on a static file, a download or an error).
"""
from __future__ import annotations

from datetime import timezone
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import flask_babel
from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.numbers import format_currency, format_decimal, format_percent, parse_pattern
from flask import current_app, g, has_request_context, request
from flask.globals import _cv_app
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone
from flask_login import current_user

# The digits people type (Arabic-Indic and Persian) → ASCII digits, for reading form input.
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

LANG_COOKIE = "lang"
RTL_LANGUAGES = {"ar"}


def _babel_context():
    """Flask-Babel's per-request namespace (``g._flask_babel``), found without going through the
    ``g`` proxy three times (``not g``, ``hasattr(g, …)``, ``g._flask_babel``): every gettext,
    every ``get_locale()`` and so every ``current_language()`` asks for it, several hundred
    times a page. Same result as ``flask_babel._get_current_context``: None outside an
    application context, the namespace (created on first use) inside one."""
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        return None
    namespace = app_ctx.g.__dict__.get("_flask_babel")
    if namespace is None:
        namespace = app_ctx.g._flask_babel = SimpleNamespace()
    return namespace


def install_fast_babel_context() -> None:
    """Make Flask-Babel use ``_babel_context`` (its module-level helper, looked up at each call
    by its gettext, get_locale, get_domain and get_translations)."""

    original = getattr(flask_babel, "_get_current_context", None)
    if original is not None and original is not _babel_context:
        flask_babel._get_current_context = _babel_context


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
    """``?lang=xx`` on any URL switches the language of this response."""
    choice = request.args.get("lang")
    if choice in supported_languages():
        g.lang_choice = choice


def is_page_view(response) -> bool:
    """A person looking at a page: a successful HTML answer to GET or POST, not a static file,
    a script, a download, a HEAD request or an error page."""
    endpoint = request.endpoint or ""
    return (request.method in ("GET", "POST") and response.status_code < 400
            and response.mimetype == "text/html" and endpoint != "static"
            and not endpoint.endswith(".static"))


def language_choice() -> str | None:
    """The language chosen with ``?lang=`` on this request, if any."""
    return g.get("lang_choice")


def remember_language(response):
    """After a ``?lang=`` switch, remember it in the cookie (a logged-in person's profile follows
    on a page view: budget_app.auth.views.remember_language_in_profile). A static file, a download
    or an error page with ``?lang=`` changes only the cookie."""
    choice = language_choice()
    if not choice:
        return response
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


def text_language(text: str | None) -> str | None:
    """"ar" or "en" by the letters a free text is written in (None when it has no letters).

    Free texts typed once (an override reason, a version note) are shown marked with their own
    language, so screen readers read them right and readers see they were not translated.
    """
    arabic = latin = 0
    for ch in text or "":
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff":
            arabic += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    if not arabic and not latin:
        return None
    return "ar" if arabic >= latin else "en"


def _babel_locale() -> str:
    # Arabic with Latin digits is what Palestinian official documents use; "ar" alone in CLDR
    # gives Arabic-Indic digits. Keep "ar" (CLDR default) for consistency with Babel dates.
    return current_language()


# Babel parses a locale name and a number pattern on every call (a page of results formats a few
# hundred numbers); both are immutable once parsed, so they are parsed once per process. Babel
# takes a parsed Locale or NumberPattern wherever it takes a name or a pattern string.
@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=64)
def _number_pattern(pattern: str):
    return parse_pattern(pattern)


@lru_cache(maxsize=16)
def _whole_currency_pattern(name: str):
    """The locale's standard currency pattern without the decimals (whole shekels)."""
    return parse_pattern(_locale(name).currency_formats["standard"].pattern.split(";")[0].replace(".00", ""))


def format_number(value, digits: int | None = None) -> str:
    if value is None:
        return ""
    fmt = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=_number_pattern(fmt) if fmt else None, locale=_locale(_babel_locale()))


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
    name = _babel_locale()
    locale = _locale(name)
    if whole and amount == amount.to_integral_value():
        return format_currency(amount, currency, format=_whole_currency_pattern(name), locale=locale,
                               currency_digits=False)
    return format_currency(amount, currency, locale=locale)


def format_pct(value: float | None) -> str:
    if value is None:
        return ""
    return format_percent(value, locale=_locale(_babel_locale()), format=_number_pattern("#,##0.#%"))


# Time zones as people name them (Babel says "توقيت الأراضي الفلسطينية (هيبرون (مدينة الخليل))").
TIME_ZONE_NAMES = {
    "Asia/Hebron": _l("Jerusalem time"),
    "Asia/Gaza": _l("Jerusalem time"),
    "Asia/Jerusalem": _l("Jerusalem time"),
}


def time_zone_name() -> str:
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")
    return str(TIME_ZONE_NAMES.get(zone, zone))


def format_datetime(value, format: str = "medium", zone: bool | None = None) -> str:
    """A moment as people read it: the date, the time without seconds, and the time zone by name.

    ``format`` is the date's length (short, medium, long, full). The zone is named by default
    except in ``short`` lists (audit log, comments), where it would repeat on every line.
    """
    if value is None:
        return ""

    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)  # stored in UTC
    local = to_user_timezone(value)
    locale = _locale(_babel_locale())
    length = format if format in ("short", "medium", "long", "full") else "medium"
    pattern = str(locale.datetime_formats.get(length if length != "full" else "long", "{1} {0}"))
    text = pattern.replace("{1}", babel_date(local, length, locale=locale)).replace(
        "{0}", babel_time(local, "short", locale=locale))
    if zone is None:
        zone = length != "short"
    return f"{text} {time_zone_name()}" if zone else text


def switch_language_url(lang: str) -> str:
    """The current page in another language (the same path and query, ``lang`` replaced)."""

    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
    # The path as the browser will read it: percent-encoded (a backslash would become a slash,
    # "/\\evil.example" a link off the site) and with one leading slash ("//host" is another host).
    path = "/" + quote(request.path, safe="/-._~!$'()*+,;=:@").lstrip("/")
    return path + "?" + urlencode(args)


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
        text_language=text_language,
    )
    app.before_request(apply_language_switch)
    app.after_request(remember_language)


def ltr_isolate(text: str) -> str:
    """``text`` (a code, an address) kept left-to-right inside a sentence of either direction:
    Unicode's left-to-right isolate, for plain text such as flashed messages, where no <bdi> can
    go (in Arabic the receipt code "M6WAA-87XGM" read "87XGM.‏ -M6WAA")."""
    return "\u2066" + str(text) + "\u2069"
