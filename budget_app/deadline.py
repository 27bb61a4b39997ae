"""A deadline for every request, shorter than gunicorn's worker timeout.

When gunicorn's timeout kills a worker, the client gets gunicorn's own bare error page, without
the app's security headers or language. A request that runs past ``REQUEST_DEADLINE_SECONDS``
is instead interrupted inside the app (``RequestDeadlineExceeded``) and answered by the app's
error handler: a 503 in the user's language, with every header. gunicorn's ``--timeout`` must
stay larger than the deadline (60 s against 30 s in the Makefile and deploy samples).

The timer is a POSIX interval timer, so it works in the main thread of a process: gunicorn's
sync workers and the development server without threads. Elsewhere (threads) it is not armed
and gunicorn's timeout remains the only limit.
"""
from __future__ import annotations

import signal
import threading

from flask import current_app
from werkzeug.exceptions import ServiceUnavailable


class RequestDeadlineExceeded(ServiceUnavailable):
    """The request ran longer than REQUEST_DEADLINE_SECONDS."""


def _expired(signum, frame):
    raise RequestDeadlineExceeded()


def _can_arm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def arm():
    seconds = current_app.config.get("REQUEST_DEADLINE_SECONDS") or 0
    if seconds > 0 and _can_arm():
        signal.signal(signal.SIGALRM, _expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)


def disarm(*_):
    if _can_arm():
        signal.setitimer(signal.ITIMER_REAL, 0)


def _disarm_response(response):
    disarm()
    return response


def init_app(app):
    app.before_request(arm)
    # Registered after every other after_request hook, so it runs first (Flask runs them in
    # reverse): the rest of the response's work is not cut in half.
    app.after_request(_disarm_response)
    app.teardown_request(disarm)
