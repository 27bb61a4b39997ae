"""Small helpers shared by every package."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Naive UTC. Every timestamp in the database is naive UTC, on SQLite and PostgreSQL alike;
    templates convert to the council's time zone with Babel."""
    return datetime.now(timezone.utc).replace(tzinfo=None)

