"""Bounds on every integer that comes from outside: URL parts, query strings, form fields.

An integer too large for the database's columns (PostgreSQL's ``integer`` is 32-bit, its
``bigint`` 64-bit; SQLite's 64-bit) must end as a 404 or a form error, never as a database
error. The limits live here so that the URL converter, query-string helper and form fields
share them.
"""
from __future__ import annotations

import builtins

import wtforms
from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

# Ids and counts: PostgreSQL ``integer``.
MAX_DB_INT = 2**31 - 1
# Money in minor units (agorot) in ``bigint`` columns: a trillion shekels is beyond any budget
# the platform holds and far from bigint's limit, so sums of many amounts cannot overflow.
MAX_AMOUNT_MINOR = 10**12 * 100


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that matches only what an ``integer`` column can hold (larger is a 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_DB_INT if max is None else builtins.min(max, MAX_DB_INT), signed=signed)


def int_arg(name: str, default: int | None = None, *, minimum: int = 1, maximum: int = MAX_DB_INT) -> int | None:
    """The query-string integer ``name`` if it is a whole number within [minimum, maximum],
    else ``default`` (absent, malformed and out-of-range values are treated alike)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    raw = raw.strip()
    # Parse only short digit strings: int() of a huge string is itself a cost.
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or len(raw) > 20:
        return default
    value = int(raw)
    return value if minimum <= value <= maximum else default


def init_app(app):
    """Register the bounded converter as the app's ``int``; must run before blueprints add rules."""
    app.url_map.converters["int"] = BoundedIntConverter


class IntegerField(wtforms.IntegerField):
    """WTForms' IntegerField, refusing with a form error what an ``integer`` column cannot hold."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not -MAX_DB_INT <= self.data <= MAX_DB_INT:
            self.data = None
            raise ValueError(_l("This number is too large."))
