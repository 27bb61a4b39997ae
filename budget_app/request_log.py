"""Structured request logs: one JSON line per request on stderr.

Fields: time (UTC, ISO 8601), request_id (from X-Request-ID when the proxy sets a sane one,
else new), user_id, method, route (the URL rule, e.g. ``/set-password/<token>``: never the
raw path, so tokens in URLs stay out of the logs), endpoint, status, duration_ms, remote_addr.
No form data, query strings or headers are logged. JSON encoding escapes line breaks, so user
input cannot forge log lines.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import g, request
from flask_login import current_user

logger = logging.getLogger("sharaka.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = getattr(record, "payload", None)
        if payload is None:
            payload = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                       "level": record.levelname.lower(), "logger": record.name,
                       "message": record.getMessage()}
            if record.exc_info:
                payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _start():
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _finish(response):

    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started else None
    user_id = None
    try:
        if current_user.is_authenticated:
            user_id = current_user.id
    except Exception:  # the database may be the reason this request failed
        user_id = None
    rule = request.url_rule.rule if request.url_rule is not None else None
    payload = {
        "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "request_id": g.get("request_id"),
        "user_id": user_id,
        "method": request.method,
        "route": rule,
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round(duration, 2) if duration is not None else None,
        "remote_addr": request.remote_addr,
    }
    logger.info("request", extra={"payload": payload})
    response.headers.setdefault("X-Request-ID", g.get("request_id", ""))
    return response


_handler: logging.Handler | None = None


def _stderr_handler() -> logging.Handler:
    global _handler
    if _handler is None:
        _handler = logging.StreamHandler(sys.stderr)
        _handler.setFormatter(JsonFormatter())
    return _handler


def init_app(app):
    if app.config.get("REQUEST_LOG", True):
        handler = _stderr_handler()
        if handler not in logger.handlers:
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            logger.propagate = False
        # Operational warnings as JSON lines too: the app's own errors, and Flask-Limiter saying
        # that Redis is unreachable and limits fell back to this process's memory.
        for name in ("sharaka", "flask-limiter"):
            other = logging.getLogger(name)
            if handler not in other.handlers:
                other.addHandler(handler)
                other.setLevel(logging.INFO if name == "sharaka" else logging.WARNING)
                other.propagate = False
        app.before_request(_start)
        app.after_request(_finish)
