"""The printable sheet of a batch of codes, kept only while it is printed.

Only hashes of the codes are stored, so the codes exist in readable form once: when they are
generated. To let the coordinator print the sheet (the HTML page and the PDF, and again if the
printer jams) without keeping the codes, the batch's codes are encrypted (Fernet: AES-128-CBC
with HMAC-SHA256) with a fresh random key that is **not** stored on the server: it goes into the
coordinator's session cookie only. The database holds the ciphertext until the coordinator
presses "printed: erase the codes" or the window (``CONSULTATION_SHEET_MINUTES``, 30 by default)
ends, whichever comes first; expired sheets are wiped whenever a consultation page is opened.

So: a copy of the database (even with the app's secret) never gives the codes; the coordinator's
browser gives them only during the window; after it, nobody can print the codes again, and lost
cards are voided and replaced by a new batch.
"""
from __future__ import annotations

from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, session

from budget_app.utils import utcnow

SESSION_KEY = "consultation_sheets"
MAX_KEYS = 5  # the session holds the keys of the coordinator's last few batches only


def window() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("CONSULTATION_SHEET_MINUTES", 30)))


def seal(batch, codes: list[str]) -> None:
    """Encrypt ``codes`` into ``batch.sheet``; the key goes into the current session."""
    key = Fernet.generate_key()
    batch.sheet = Fernet(key).encrypt("\n".join(codes).encode("ascii"))
    batch.sheet_expires_at = utcnow() + window()
    keys = dict(session.get(SESSION_KEY) or {})
    keys[str(batch.id)] = key.decode("ascii")
    session[SESSION_KEY] = dict(list(keys.items())[-MAX_KEYS:])


def open_sheet(batch) -> list[str] | None:
    """The batch's codes, or None when the sheet was erased, has expired or this session does
    not hold its key."""
    if not batch.sheet_available():
        return None
    key = (session.get(SESSION_KEY) or {}).get(str(batch.id))
    if not key:
        return None
    try:
        return Fernet(key.encode("ascii")).decrypt(batch.sheet).decode("ascii").split("\n")
    except (InvalidToken, ValueError):
        return None


def erase(batch) -> None:
    batch.sheet = None
    batch.sheet_expires_at = None
    batch.sheet_erased_at = utcnow()
    keys = dict(session.get(SESSION_KEY) or {})
    if keys.pop(str(batch.id), None) is not None:
        session[SESSION_KEY] = keys
