"""What a Pabulib file may hold as values (vote types, amounts, points), and the error every
malformed file raises."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

#: vote types understood by the parser ("scoring" is parsed like "cumulative").
VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
#: vote types whose ballots give points (the ``points`` column)
CARDINAL_VOTE_TYPES = ("cumulative", "scoring")

_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

#: largest cost or budget accepted (currency units): a rule counts money exactly in 64-bit
#: integers, and no participatory budget comes near a thousand billion.
MAX_AMOUNT = 10**12
#: most decimals of a cost or budget (they scale every amount by 10**decimals).
MAX_DECIMALS = 4
#: largest number of points on one project of a cumulative / scoring ballot.
MAX_POINTS = 10**9


class PabulibError(ValueError):
    """A malformed Pabulib file. ``line`` is the 1-based line number (or None)."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


def parse_number(text: str) -> int | Fraction | None:
    """Parse '1200', '1200.50', '1,5' (decimal comma) into int or Fraction; None if invalid."""
    s = text.strip().replace(",", ".")
    if not _NUMBER_RE.match(s):
        return None
    try:
        value = Fraction(s)
    except (ValueError, ZeroDivisionError):
        return None
    return int(value) if value.denominator == 1 else value


def amount_problem(value) -> str | None:
    """Why an amount (cost, budget) cannot be counted, or None."""
    if value > MAX_AMOUNT:
        return f"is larger than {MAX_AMOUNT:,}".replace(",", " ")
    if isinstance(value, Fraction) and 10**MAX_DECIMALS % value.denominator:
        return f"has more than {MAX_DECIMALS} decimals"
    return None


def format_number(value) -> str:
    """An amount as the writer puts it in a file: an integer, an exact decimal, else a fraction."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        # exact decimal if possible, else fraction string (pabutools reads both via mpq)
        d = value.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        if d == 1:
            return format(Decimal(value.numerator) / Decimal(value.denominator), "f")
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
