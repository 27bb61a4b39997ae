"""Refusals the user can fix (:class:`DomainError`, shown with :func:`show_error`), and error
pages in the user's language (JSON for JSON clients)."""
from __future__ import annotations

import logging

from flask import flash, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from budget_app.deadline import RequestDeadlineExceeded
from budget_app.extensions import db, login_manager


class DomainError(Exception):
    """An action refused for a reason the user can read and fix.

    ``message`` may be a lazy string (translated when shown); ``field`` names the form field
    concerned, if any. Every feature's refusal is one of these (or a subclass)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


def show_error(error: DomainError, form=None, fallback: str | None = None, category: str = "error", *,
               on_form: bool = False) -> None:
    """Undo the refused attempt and tell the user why.

    The session is rolled back (whatever the service had flushed before refusing is undone;
    what the view writes afterwards, such as the audit entry of the refusal, is then committed
    by the request's transaction). The message goes on ``form``'s field ``error.field`` (else
    ``fallback``) when the form has it; otherwise onto the form itself (its ``form_errors``)
    when ``on_form``, and is flashed in the other cases."""
    undo_refused()
    names = [name for name in (error.field, fallback) if name]
    fields = [getattr(form, name, None) for name in names] if form is not None else []
    field = next((f for f in fields if f is not None and hasattr(f, "errors")), None)
    if field is not None:
        field.errors = [str(error)]
    elif on_form and form is not None:
        form.form_errors.append(error.message)
    else:
        flash(str(error), category)


def undo_refused() -> None:
    """Roll back the refused attempt, for a view that shows the refusal in the page itself (the
    error box of a ballot) rather than with :func:`show_error`. The request's transaction goes on:
    what the view writes afterwards is committed as usual."""
    db.session.rollback()


MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. If you submitted a form, "
                                "reload the page and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do this.")),
    404: (_l("Page not found"), _l("There is nothing here, or you cannot see it.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this at the same moment. Reload and try again.")),
    413: (_l("File too large"), _l("The file you sent is larger than the limit allowed.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened. Nothing was saved. "
                                        "Please try again later.")),
    503: (_l("Temporarily unavailable"), _l("The service is temporarily unavailable. Nothing was saved. "
                                           "Please try again in a minute.")),
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if detail:
        message = detail
    if wants_json():
        return jsonify({"error": {"code": code, "title": str(title), "message": str(message)}}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def handle_http_exception(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    detail = None
    if isinstance(error, CSRFError):
        detail = _l("Your form expired or was sent from elsewhere. Reload the page and try again.")
    elif error.code in (400, 409) and error.description and getattr(error, "user_message", False):
        detail = error.description
    response = render_error(error.code, detail)
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response = (response[0], response[1], {"Allow": ", ".join(error.valid_methods)})
    return response


def handle_unexpected(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    # The URL rule, never the raw path: paths carry tokens and whatever an attacker typed.
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    logging.getLogger("sharaka").exception("unhandled error on %s %s", request.method, rule)
    return render_error(500)


def handle_deadline(error):
    """The request ran past REQUEST_DEADLINE_SECONDS: undo it and answer before gunicorn's timeout."""
    try:
        db.session.rollback()
    except Exception:  # interrupted in the middle of a query: the pool replaces the connection
        pass
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    logging.getLogger("sharaka").warning("request deadline exceeded on %s %s", request.method, rule)
    return render_error(503, _l("This took too long to answer. Nothing was saved. Please try again in a minute."))


def handle_db_down(error):
    """The database is unreachable (restart, failover): 503 with a clear message. The page must not
    touch the database again, so it is rendered for an anonymous visitor."""


    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it on the next request (pre-ping)
        pass
    g._login_user = login_manager.anonymous_user()
    return render_error(503)


def init_app(app):


    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(RequestDeadlineExceeded, handle_deadline)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(OperationalError, handle_db_down)
    app.register_error_handler(InterfaceError, handle_db_down)
    if not app.testing and not app.debug:
        app.register_error_handler(Exception, handle_unexpected)


def user_error(code: int, message) -> HTTPException:
    """An HTTP error whose message is meant for the user (shown on the error page)."""
    exc = default_exceptions[code](description=str(message))
    exc.user_message = True
    return exc
