"""Access codes: 60 random bits in Crockford base32 with a check character, grouped for reading
aloud (``XXXX-XXXX-XXXX-C``), stored only as a keyed hash.

Why a fast keyed hash (HMAC-SHA256 with the app's secret) and not a slow password hash: a code
has 60 bits from the operating system's random source, so even a fast hash leaves 2^60 guesses
per code (at a billion guesses a second, over 36 years for one code), while a password needs a
slow hash because people choose guessable ones. The key means a copy of the database alone
does not even allow that offline search. A fast hash also lets the code be looked up by an
index (one row, one query), which a salted slow hash would not.

The check character is Luhn mod 32 over the Crockford alphabet: every single mistyped
character and most swaps of two neighbours are caught before the database is asked, so a typo
says "check the code" instead of counting as a wrong code.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app

from budget_app.i18n import ARABIC_DIGITS

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
RANDOM_CHARS = 12  # 12 × 5 = 60 bits
LENGTH = RANDOM_CHARS + 1
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# Crockford's decoding: letters easily read as digits mean the digits; lower case is upper case.
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -–—_.\u200f\u200e\t")


def check_char(chars: str) -> str:
    """The Luhn mod 32 check character of ``chars`` (Crockford digits)."""
    factor, total = 2, 0
    for char in reversed(chars):
        addend = factor * _VALUE[char]
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return ALPHABET[(32 - total % 32) % 32]


def new_code() -> str:
    """A new code, without separators (13 characters)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    return body + check_char(body)


def grouped(code: str) -> str:
    """``XXXX-XXXX-XXXX-C`` for printing and reading aloud."""
    return "-".join((code[0:4], code[4:8], code[8:12], code[12:]))


def normalize(typed: str) -> str | None:
    """What a person typed (any case, spaces or dashes, Arabic-Indic digits, O for 0, I or L
    for 1) as the 13-character code, or None when it cannot be one."""
    if not typed or len(typed) > 40:
        return None
    text = typed.translate(ARABIC_DIGITS).translate(_SEPARATORS).upper().translate(_ALIASES)
    if len(text) != LENGTH or any(c not in _VALUE for c in text):
        return None
    return text


def is_well_formed(code: str) -> bool:
    """A normalized code whose check character matches."""
    return len(code) == LENGTH and check_char(code[:-1]) == code[-1]


def code_hash(code: str) -> str:
    """The keyed hash stored for a normalized code."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, b"consultation-code:" + code.encode(), hashlib.sha256).hexdigest()
