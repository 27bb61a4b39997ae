"""The META section: ``key;value`` lines; the budget and the vote type checked."""

from __future__ import annotations

from fractions import Fraction

from .sections import Sections
from .values import VOTE_TYPES, PabulibError, amount_problem, parse_number


def parse_meta(sections: Sections) -> tuple[dict[str, str], int | Fraction, str]:
    """``(meta, budget, vote_type)`` of the file."""
    _, _, meta_rows = sections.rows("meta")
    meta: dict[str, str] = {}
    for line_no, row in meta_rows:
        if len(row) < 2:
            raise PabulibError(f"META line must be 'key;value', got {';'.join(row)!r}", line_no)
        meta[row[0].strip()] = ";".join(row[1:]).strip()
    if "budget" not in meta:
        raise PabulibError("META section lacks the 'budget' key", sections.title_line("meta"))
    budget = parse_number(meta["budget"])
    if budget is None or budget < 0:
        raise PabulibError(f"budget {meta['budget']!r} is not a non-negative number", _meta_line(meta_rows, "budget"))
    if amount_problem(budget):
        raise PabulibError(f"budget {meta['budget']!r} {amount_problem(budget)}", _meta_line(meta_rows, "budget"))
    vote_type = meta.get("vote_type", "approval").strip().lower()
    if vote_type not in VOTE_TYPES:
        raise PabulibError(
            f"unsupported vote_type {meta.get('vote_type')!r} (expected one of {', '.join(VOTE_TYPES)})",
            _meta_line(meta_rows, "vote_type"),
        )
    return meta, budget, vote_type


def _meta_line(meta_rows, key):
    for line_no, row in meta_rows:
        if row and row[0].strip() == key:
            return line_no
    return None
