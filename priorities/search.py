"""Arabic-aware search text: the same normalization for stored text and for queries, so a
plain LIKE finds "مبادرة" when "مبادره" or "مُبادَرة" was typed (SQLite and PostgreSQL alike)."""
from __future__ import annotations

import re

# Tashkeel (harakat, tanwin, shadda, sukun, superscript alef) and Quranic marks; tatweel.
_DIACRITICS = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_TRANSLATE = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_SPACES = re.compile(r"\s+")


def normalize(text: str | None) -> str:
    """Lowercase, without diacritics or tatweel, alef forms unified, ta marbuta → ha, alef maqsura → ya."""
    if not text:
        return ""
    text = _DIACRITICS.sub("", text).translate(_TRANSLATE).lower()
    return _SPACES.sub(" ", text).strip()


def like_pattern(query: str) -> str:
    """A LIKE pattern for the normalized query (``%`` and ``_`` escaped with ``\\``)."""
    q = normalize(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{q}%"
