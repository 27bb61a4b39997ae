"""Budget-line codes: the one check used by the proposal form, the service and the spreadsheet import.

The character set is deliberately small: ASCII letters ``A-Z a-z``, ASCII digits ``0-9`` and
``- _ . /``, starting with a letter or a digit, at most 60 characters (e.g. ``P03-A12``,
``2026/SOC.4``). Why not every letter of every script:

* a code is a key of the ministry's accounts and of the public ``ballots.pb`` recount file; a comma,
  a semicolon, a quote or a line break in it changes what a recount counts (issue 9.3);
* Arabic letters mixed with ``-`` and ``/`` are reordered by the bidirectional algorithm, so
  ``أ-12/ب`` does not read the same on an Arabic and an English page, nor on a paper ballot;
* Arabic-Indic digits (``٠١٢``…, also the Persian forms ``۰۱۲``…) are what an Arabic keyboard types:
  they are accepted and turned into ``0-9`` so that ``P٠١`` and ``P01`` are one code, not two that
  look alike.

Titles stay free text in both languages; the ``.pb`` writer makes them safe for the format.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import ngettext

MAX_LENGTH = 60
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*\Z")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalize_budget_line_code(raw) -> str:
    """The code as stored (stripped, Arabic-Indic digits as ASCII), or ``ValueError`` with a translated
    message naming what is allowed."""
    code = (raw or "").strip().translate(_DIGITS)
    if not code:
        raise ValueError(_("Give the budget-line code."))
    if len(code) > MAX_LENGTH:
        raise ValueError(ngettext("The budget-line code is too long: at most %(num)s character.",
                                  "The budget-line code is too long: at most %(num)s characters.", MAX_LENGTH))
    if not CODE_RE.match(code):
        raise ValueError(_("The budget-line code “%(code)s” may contain only Latin letters (A–Z), digits "
                           "(0–9) and the signs - _ . / and must begin with a letter or a digit, e.g. P03-A12.",
                           code=code))
    return code
