"""Plotly in pages, with no inline script and no CDN.

A view builds a ``plotly.graph_objects.Figure`` (in the feature's ``charts.py``) and passes
``chart_payload(fig)`` to the template; the ``chart`` macro in ``templates/_charts.html``
writes it as JSON data plus a text alternative, and ``static/charts.js`` draws it with the
Plotly bundle served by this app from the installed ``plotly`` package.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import plotly
from flask import Blueprint, Response, current_app, request

bp = Blueprint("assets", __name__)

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
PLOTLY_VERSION = plotly.__version__


@lru_cache(maxsize=1)
def plotly_js() -> bytes:
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path.read_bytes()


@bp.route(f"/assets/plotly-{PLOTLY_VERSION}.min.js")
def plotly_bundle():
    response = Response(plotly_js(), content_type="application/javascript; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.set_etag(PLOTLY_VERSION)
    return response.make_conditional(request)


def plotly_url() -> str:
    from flask import url_for
    return url_for("assets.plotly_bundle")


def base_layout(rtl: bool, **overrides) -> dict:
    layout = {
        "colorway": PALETTE,
        "font": {"family": "Noto Sans Arabic, Segoe UI, Tahoma, Arial, sans-serif", "size": 14},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 60},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "separators": ".,",
    }
    if rtl:
        layout["legend"] = {"x": 1, "xanchor": "right"}
    layout.update(overrides)
    return layout


def chart_payload(figure) -> str:
    """The figure as JSON for the page (``data`` and ``layout`` only)."""
    data = figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure
    text = json.dumps({"data": data["data"], "layout": data.get("layout", {})},
                      cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    # The JSON sits in a <script type="application/json"> element: user text must not be able
    # to close it, so <, > and & are escaped as JSON unicode escapes.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals["plotly_url"] = plotly_url
