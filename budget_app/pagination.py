"""One page of a long list: ``?page=N`` (bounded), a fixed page size, and whether a next page
exists (one row more is read instead of counting the whole list)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request

MAX_PAGE = 100_000  # a page number beyond any list: bounded so OFFSET never overflows


@dataclass
class Page:
    items: list
    page: int
    has_next: bool
    size: int

    @property
    def first_number(self) -> int:
        """The position (1-based) of the page's first row in the whole list."""
        return (self.page - 1) * self.size + 1


def page_number() -> int:
    raw = request.args.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() and len(raw) < 8 else 1


def paginate(query, size: int = 50) -> Page:
    """``query`` (a SQLAlchemy query or select-able with .offset/.limit/.all) cut to the requested page."""
    page = page_number()
    rows = query.offset((page - 1) * size).limit(size + 1).all()
    return Page(rows[:size], page, len(rows) > size, size)


def paginate_list(items: list, size: int = 50) -> Page:
    """The same for a list already in memory."""
    page = page_number()
    start = (page - 1) * size
    return Page(items[start:start + size], page, len(items) > start + size, size)
