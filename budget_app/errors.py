"""Error pages in the user's language, and JSON for JSON clients."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from budget_app.extensions import db

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
    import logging
    logging.getLogger("sharaka").exception("unhandled error on %s", request.path)
    return render_error(500)


def handle_db_down(error):
    """The database is unreachable (restart, failover): 503 with a clear message. The page must not
    touch the database again, so it is rendered for an anonymous visitor."""
    from flask import g

    from budget_app.extensions import login_manager

    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it on the next request (pre-ping)
        pass
    g._login_user = login_manager.anonymous_user()
    return render_error(503)


def init_app(app):
    from sqlalchemy.exc import OperationalError, InterfaceError

    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(OperationalError, handle_db_down)
    app.register_error_handler(InterfaceError, handle_db_down)
    if not app.testing and not app.debug:
        app.register_error_handler(Exception, handle_unexpected)


def user_error(code: int, message) -> HTTPException:
    """An HTTP error whose message is meant for the user (shown on the error page)."""
    from werkzeug.exceptions import default_exceptions
    exc = default_exceptions[code](description=str(message))
    exc.user_message = True
    return exc
