"""One transaction per request, committed once at the end.

Views and services never commit or roll back by hand. They change objects and flush; when the
view has answered, :func:`finish` commits if the response succeeded (status below 400) and rolls
back otherwise. An exception that escapes the view (an ``abort``, a crash) yields an error
response or reaches the teardown, which rolls back too: nothing is ever half-saved.

Two refinements:

- A view that catches a refusal calls :func:`budget_app.errors.show_error`, which rolls back the
  refused attempt at once; what the view writes after that (the audit entry of the refusal) is
  kept even when the answer is an error status, if the view says so with :func:`keep_on_error`.
- :func:`retry_on_conflict` runs a piece of work in a savepoint and runs it again when a
  concurrent request inserted the same unique row first ("one ballot per member").

Commands (``flask ...``) and tests commit themselves: they are not requests.
"""
from __future__ import annotations

import time
from typing import Callable, TypeVar

from flask import g
from sqlalchemy.exc import IntegrityError

from budget_app.extensions import db

T = TypeVar("T")
_KEEP = "_sharaka_keep_on_error"


def keep_on_error() -> None:
    """Commit what the request wrote even though it answers with an error status (use after
    ``show_error``, for the audit entry recording a refusal)."""
    setattr(g, _KEEP, True)


def finish(response):
    """The request's single commit (or rollback), after every other ``after_request`` hook."""
    if response.status_code < 400 or g.pop(_KEEP, False):
        db.session.commit()  # a failure here is the request's failure: the 500 handler answers
    else:
        try:
            db.session.rollback()
        except Exception:  # the connection died with the database (a 503); the pool replaces it
            pass
    return response


def retry_on_conflict(work: Callable[[], T], *, attempts: int = 3,
                      conflicts: tuple[type[Exception], ...] = (IntegrityError,), backoff: float = 0.0) -> T:
    """``work()`` inside a savepoint; when it breaks a unique constraint because another request
    inserted the same row meanwhile, only the savepoint is undone and ``work`` runs again (it then
    finds the row and updates it). ``work`` must load what it changes itself. The last attempt's
    error is raised; a refusal (:class:`~budget_app.errors.DomainError`) raised by ``work`` undoes
    the savepoint and passes through at once.

    ``conflicts`` may add lock and serialization failures (``OperationalError``: a deadlock or a
    serialization failure on PostgreSQL, a busy database on SQLite); ``backoff`` seconds, times
    the attempt's number, are waited before trying again, so that the other writer can finish.

    On SQLite the savepoint opens the transaction with ``BEGIN IMMEDIATE`` (see
    ``budget_app._sqlite_begin_before_savepoint``): the second request waits for the first to
    commit and then sees its row, so the race ends as an update there too."""
    for attempt in range(attempts):
        try:
            with db.session.begin_nested():
                return work()
        except conflicts:
            if attempt == attempts - 1:
                raise
            if backoff:
                time.sleep(backoff * (attempt + 1))
    raise RuntimeError("unreachable")


def init_app(app) -> None:
    """Register first: Flask runs ``after_request`` hooks in reverse order, so this one runs last,
    after the hooks that still write (the language remembered in the profile)."""
    app.after_request(finish)

    @app.teardown_request
    def _rollback_on_error(exc):
        if exc is not None:
            try:
                db.session.rollback()
            except Exception:  # the connection died with the database; the pool replaces it
                pass
