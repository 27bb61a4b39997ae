"""Compression of HTML, JSON, CSS and JavaScript responses (Flask-Compress).

Compressed bodies of immutable responses (anonymous citizen-budget pages, which are keyed by
their snapshot hash) are kept in a small cache, so a page is compressed once, not on every
request. The Plotly bundle is precompressed at build time and skipped here. Everything else is compressed per response.
"""
from __future__ import annotations

from flask import g

from budget_app.cache import LRU


class _Cache:
    """Flask-Compress cache backend: stores only keys marked cacheable (see :func:`cache_key`)."""

    def __init__(self):
        self.store = LRU(64)

    def get(self, key):
        return self.store.get(key) if "|cache|" in key else None

    def set(self, key, value):
        if "|cache|" in key:
            self.store.set(key, value)


def cache_key(req) -> str:
    marked = g.get("compress_cache_key")
    if marked:
        return "|cache|" + marked
    return "-"


def init_app(app) -> None:
    """Register Flask-Compress once (a no-op if the app already has it)."""
    if "compress" in app.extensions:
        return
    from flask_compress import Compress  # heavy library: imported on first use, not at start-up

    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_CACHE_KEY", cache_key)
    app.config.setdefault("COMPRESS_CACHE_BACKEND", _Cache)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    Compress(app)
