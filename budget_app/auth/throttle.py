"""Login failures counted where every worker and every server sees them.

The limit (``LOGIN_FAILURE_LIMIT``, "10 per 15 minutes") is counted in the database, or in
Redis when ``REDIS_URL`` is set (the database again if Redis is unreachable), so it is exactly
the configured one whatever the number of workers or servers.

Following OWASP's "device cookie" approach, an attacker's failures must not lock the account's
owner out: a successful login leaves a signed device cookie in the browser. Failures from a
browser holding a valid device cookie for that account count for that (account, device) pair
only; failures from any other browser count together for the account (and for the address),
so unknown browsers are slowed down and then refused while the owner's known browser keeps
its own allowance.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse

from budget_app.auth.models import LoginFailure
from budget_app.extensions import db
from budget_app.transaction import keep_on_error
from budget_app.utils import utcnow

DEVICE_COOKIE = "sharaka_device"
DEVICE_COOKIE_DAYS = 365
logger = logging.getLogger("sharaka")


def limit() -> tuple[int, timedelta]:
    """(failures allowed, window) from LOGIN_FAILURE_LIMIT, e.g. "10 per 15 minutes"."""
    item = parse(current_app.config["LOGIN_FAILURE_LIMIT"])
    return item.amount, timedelta(seconds=item.get_expiry())


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="sharaka-device")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def device_cookie_value(email: str) -> str:
    """A new signed device cookie for ``email`` (issued at a successful login)."""
    return _serializer().dumps({"e": _digest(email), "d": secrets.token_hex(16)})


def known_device(email: str) -> str | None:
    """The device id of this browser if it has logged in to ``email`` successfully before."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") != _digest(email) or not isinstance(data.get("d"), str):
        return None
    return data["d"]


def keys_for(email: str) -> list[str]:
    """The counters a failed attempt at ``email`` from this browser adds to (and is checked against)."""
    device = known_device(email)
    if device:
        return ["device:" + _digest(f"{email}:{device}")]
    return ["account:" + _digest(email), "address:" + _digest(request.remote_addr or "")]


@dataclass
class Refusal:
    retry_after: timedelta


class DatabaseCounter:
    def failures(self, key: str, since) -> list:
        return [row.created_at for row in LoginFailure.query.filter(
            LoginFailure.key == key, LoginFailure.created_at > since).order_by(LoginFailure.created_at)]

    def add(self, keys: list[str], now, window: timedelta) -> None:
        LoginFailure.query.filter(LoginFailure.created_at <= now - window).delete(synchronize_session=False)
        for key in keys:
            db.session.add(LoginFailure(key=key, created_at=now))
        db.session.flush()
        keep_on_error()  # a failure outlives the refused request: the request's transaction commits it


class RedisCounter:
    """A sorted set per key (score = time), trimmed to the window and expiring with it."""

    def __init__(self, url: str, prefix: str):
        import redis  # heavy library: imported on first use, not at start-up
        self.redis = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self.prefix = prefix + ":login-failures:"

    def failures(self, key: str, since) -> list:
        stamps = self.redis.zrangebyscore(self.prefix + key, "(" + str(since.timestamp()), "+inf")
        return [datetime.fromtimestamp(float(s.decode().split("-")[0])) for s in stamps]

    def add(self, keys: list[str], now, window: timedelta) -> None:
        stamp = now.timestamp()
        pipe = self.redis.pipeline()
        for key in keys:
            name = self.prefix + key
            pipe.zremrangebyscore(name, "-inf", stamp - window.total_seconds())
            pipe.zadd(name, {f"{stamp}-{secrets.token_hex(4)}": stamp})
            pipe.expire(name, int(window.total_seconds()) + 1)
        pipe.execute()


def _counters():
    url = current_app.config.get("REDIS_URL")
    if url:
        yield RedisCounter(url, current_app.config.get("RATELIMIT_KEY_PREFIX", "sharaka"))
    yield DatabaseCounter()


def _with_fallback(action):
    for counter in _counters():
        try:
            return action(counter)
        except Exception:
            if isinstance(counter, DatabaseCounter):
                raise
            logger.warning("login failure storage unreachable (Redis); counting in the database instead")


def check(email: str) -> Refusal | None:
    """A refusal (with when to try again) if this browser has used up its attempts at ``email``."""
    allowed, window = limit()
    now = utcnow()
    for key in keys_for(email):
        stamps = _with_fallback(lambda c: c.failures(key, now - window))
        if len(stamps) >= allowed:
            # Allowed again when enough of the oldest failures leave the window.
            oldest = sorted(stamps)[len(stamps) - allowed]
            return Refusal(retry_after=max(oldest + window - now, timedelta(seconds=1)))
    return None


def slow_down(email: str) -> None:
    """An unknown browser that keeps failing waits a little longer each time (up to 2 s),
    before it is refused outright at the limit."""
    if known_device(email):
        return
    allowed, window = limit()
    key = "account:" + _digest(email)
    count = len(_with_fallback(lambda c: c.failures(key, utcnow() - window)))
    excess = count - allowed // 2
    step = current_app.config.get("LOGIN_SLOWDOWN_SECONDS", 0.25)
    if excess > 0 and step > 0:
        pause(min(step * excess, 2.0))


def pause(seconds: float) -> None:
    time.sleep(seconds)


def record_failure(email: str) -> None:
    allowed, window = limit()
    keys = keys_for(email)
    _with_fallback(lambda c: c.add(keys, utcnow(), window))


def remember_device(response, email: str):
    """At a successful login: this browser is now a known device for ``email``."""
    response.set_cookie(DEVICE_COOKIE, device_cookie_value(email), max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
                        httponly=True, samesite="Lax", secure=request.is_secure, path="/login")
    return response


# Other features' failure counters (e.g. wrong consultation codes), in the same storage -----------
def failures_under(key: str, window: timedelta) -> int:
    """How many failures were counted under ``key`` within ``window`` (every worker's)."""
    return len(_with_fallback(lambda c: c.failures(key, utcnow() - window)))


def add_failure_under(key: str, window: timedelta) -> None:
    """Count one failure under ``key`` (in the database counter committed with the request even
    though it is refused, like a login failure: it must outlive the refused request)."""
    _with_fallback(lambda c: c.add([key], utcnow(), window))
