"""Plotly in pages, with no inline script and no CDN.

A view builds a ``plotly.graph_objects.Figure`` (in the feature's ``charts.py``) and passes
``chart_payload(fig)`` to the template; the ``chart`` macro in ``templates/_charts.html``
writes it as JSON data plus a text alternative, and ``static/charts.js`` draws it with the
partial Plotly bundle in ``static/vendor/`` (only the trace types listed in its manifest, plus
Plotly's Arabic locale), rebuilt reproducibly by ``tools/plotly-bundle/build.sh``.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from budget_app.cache import LRU
from budget_app.i18n import current_language

bp = Blueprint("assets", __name__)
VENDOR = Path(__file__).resolve().parent / "static" / "vendor"

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


@lru_cache(maxsize=1)
def bundle_manifest() -> dict:
    """What the committed bundle holds: plotly.js version, trace types, locales, sha256."""
    return json.loads((VENDOR / "plotly-bundle.json").read_text(encoding="utf-8"))


# Precompressed by the build script (Brotli 11 is too slow to run per request).
ENCODINGS = (("br", ".br"), ("gzip", ".gz"), (None, ""))


@lru_cache(maxsize=4)
def plotly_js(suffix: str = "") -> bytes:
    return (VENDOR / (bundle_manifest()["file"] + suffix)).read_bytes()


def bundle_tag() -> str:
    return bundle_manifest()["sha256"][:16]


@bp.route("/assets/plotly-<tag>.min.js")
def plotly_bundle(tag: str):
    # The URL carries the content hash: the file never changes under it, so browsers keep it.
    if tag != bundle_tag():
        abort(404)
    encoding, suffix = next((e, s) for e, s in ENCODINGS if e is None or e in request.accept_encodings)
    response = Response(plotly_js(suffix), content_type="application/javascript; charset=utf-8")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.set_etag(bundle_manifest()["sha256"])
    return response.make_conditional(request)


def plotly_url() -> str:
    return url_for("assets.plotly_bundle", tag=bundle_tag())


class UnsupportedTrace(ValueError):
    """A figure uses a trace type the served bundle cannot draw (rebuild the bundle)."""


def check_traces(data: dict) -> None:
    bundled = set(bundle_manifest()["traces"])
    for trace in data.get("data", ()):
        kind = trace.get("type", "scatter")
        if kind not in bundled:
            raise UnsupportedTrace(
                f"chart trace type {kind!r} is not in the Plotly bundle ({sorted(bundled)}): "
                "add it to tools/plotly-bundle/entry.js and run tools/plotly-bundle/build.sh")


# Plotly's interface texts (its locale dictionary keys, plotly.js src/locale-en.js and
# lib/locales/*.js): the mode bar and the hover labels that our charts can show. Plotly's own
# Arabic locale (lib/locales/ar.js) has an empty dictionary, so the translations come from our
# catalog; the date names below are Plotly's, with its "May" fixed (it repeats آذار).
PLOTLY_TEXTS = (
    _l("Autoscale"), _l("Box Select"), _l("Compare data on hover"),
    _l("Double-click on legend to isolate one trace"), _l("Double-click to zoom back out"),
    _l("Download plot as a PNG"), _l("Download plot"), _l("Lasso Select"), _l("Pan"),
    _l("Produced with Plotly.js"), _l("Reset"), _l("Reset axes"), _l("Reset view"), _l("Reset views"),
    _l("Show closest data on hover"), _l("Image download succeeded"),
    _l("Sorry, there was a problem downloading your image!"),
    _l("Preparing image - this may take a few seconds"), _l("Zoom"), _l("Zoom in"), _l("Zoom out"),
    _l("Toggle Spike Lines"), _l("Toggle show closest data on hover"), _l("trace"),
    _l("source:"), _l("target:"), _l("incoming flow count:"), _l("outgoing flow count:"),
)
PLOTLY_FORMATS = {
    "ar": {
        "days": ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"],
        "shortDays": ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"],
        "months": ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
                   "تشرين الأول", "تشرين الثاني", "كانون الأول"],
        "shortMonths": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"],
        "date": "%d/%m/%Y",
        "decimal": ".", "thousands": ",",
    },
}


@lru_cache(maxsize=8)
def plotly_locale_js(lang: str) -> bytes:
    """A Plotly locale module for ``lang`` (registered with ``Plotly.register``)."""
    with force_locale(lang):
        dictionary = {str(text._args[0]): gettext(text._args[0]) for text in PLOTLY_TEXTS}
    locale = {"moduleType": "locale", "name": lang, "dictionary": dictionary,
              "format": PLOTLY_FORMATS.get(lang, {})}
    body = json.dumps(locale, ensure_ascii=False).replace("<", "\\u003c")
    return (f"(function(){{var locale={body};if(window.Plotly){{window.Plotly.register(locale);}}"
            f"else{{(window.PlotlyLocales=window.PlotlyLocales||[]).push(locale);}}}})();\n").encode()


@bp.route("/assets/plotly-locale-<lang>.js")
def plotly_locale(lang):
    """Registered after the bundle (whose own "ar" locale has no texts), so its dictionary wins."""
    if lang not in current_app.config["LANGUAGES"] or lang == "en":
        abort(404)
    body = plotly_locale_js(lang)
    response = Response(body, content_type="application/javascript; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.set_etag(hashlib.sha256(body).hexdigest()[:16])
    return response.make_conditional(request)


def plotly_locale_url() -> str | None:
    """The Plotly locale script of the page language (None for English, Plotly's own)."""

    lang = current_language()
    return None if lang == "en" else url_for("assets.plotly_locale", lang=lang)


def base_layout(rtl: bool, **overrides) -> dict:
    layout = {
        "colorway": PALETTE,
        "font": {"family": "Noto Sans Arabic, Segoe UI, Tahoma, Arial, sans-serif", "size": 14},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 60},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "separators": ".,",
    }
    # The legend sits above the drawing, in a row that starts on the reading side: inside the
    # drawing it hid the top of the tallest bars.
    layout["legend"] = {"orientation": "h", "x": 1 if rtl else 0, "xanchor": "right" if rtl else "left",
                        "y": 1.02, "yanchor": "bottom", "traceorder": "reversed" if rtl else "normal"}
    layout.update(overrides)
    if "title" in overrides:  # the title at the very top, the legend row under it
        title = overrides["title"]
        title = dict(title) if isinstance(title, dict) else {"text": title}
        title.setdefault("y", 0.98)
        title.setdefault("yanchor", "top")
        title.setdefault("yref", "container")
        layout["title"] = title
        layout["margin"] = {**layout["margin"], "t": max(layout["margin"].get("t", 40), 90)}
    return layout


def chart_payload(figure) -> str:
    """The figure as JSON for the page (``data`` and ``layout`` only)."""
    import plotly  # imported with the first chart, not at start-up (Plotly's figure classes weigh 1/4 s)

    data = figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure
    check_traces(data)
    text = json.dumps({"data": data["data"], "layout": data.get("layout", {})},
                      cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    # The JSON sits in a <script type="application/json"> element: user text must not be able
    # to close it, so <, > and & are escaped as JSON unicode escapes.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_PAYLOADS = None


def cached_payload(key, build) -> str:
    """``build()`` (a chart's JSON) once per ``key``, which must hold everything the figure reads
    (its numbers and labels, and the page language): Plotly's figure objects take tens of
    milliseconds to build, more than the rest of a page."""
    global _PAYLOADS
    if _PAYLOADS is None:
        _PAYLOADS = LRU(256)

    full_key = (current_language(), key)
    value = _PAYLOADS.get(full_key)
    if value is None:
        value = build()
        _PAYLOADS.set(full_key, value)
    return value


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals["plotly_url"] = plotly_url
    app.jinja_env.globals["plotly_locale_url"] = plotly_locale_url
