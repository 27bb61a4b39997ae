"""Sessions, login and security headers."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from budget_app.auth.models import User
from budget_app.extensions import db, login_manager

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    # Plotly.js writes its own <style> element at run time; scripts stay strict.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


@login_manager.user_loader
def load_user(token: str):

    try:
        user_id, version = (int(part) for part in token.split(":", 1))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def check_idle_timeout():
    """End a session left idle longer than IDLE_TIMEOUT (30 minutes by default)."""
    if not current_user.is_authenticated:
        return
    now = datetime.utcnow().timestamp()
    last = session.get("last_seen")
    if last is not None and now - float(last) > current_app.config["IDLE_TIMEOUT"].total_seconds():
        logout_user()
        session.clear()
        flash(_l("Your session ended after a period of inactivity. Please log in again."), "info")
        return
    # Write at most once a minute, so pages do not all re-issue the cookie.
    if last is None or now - float(last) > 60:
        session["last_seen"] = now


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if current_user.is_authenticated and "Cache-Control" not in headers:
        # Pages for a logged-in person are private: no shared cache may keep them.
        headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app):
    app.session_interface = SessionInterface()
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the session version does this job, across servers
    app.before_request(check_idle_timeout)
    app.after_request(set_security_headers)
