"""Account services: authentication, password links, sessions. They add and flush; the
request commits."""
from __future__ import annotations

from flask import current_app, url_for

from budget_app import audit
from budget_app.auth.models import PasswordToken, User
from budget_app.extensions import db
from budget_app.utils import utcnow


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return User.query.filter_by(email=normalize_email(email)).first()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Failures are audited."""
    user = find_user(email)
    if user is None:
        # Hash anyway so the response time does not reveal whether the account exists.
        User(email="").set_password(password or "x")
        audit.record("auth.login_failed", email=normalize_email(email)[:254])
        return None
    # The hash is checked first, so a deactivated account answers in the time a wrong password takes.
    password_ok = user.check_password(password)
    if not user.active or not password_ok:
        audit.record("auth.login_failed", user, actor=user, email=user.email)
        return None
    user.last_login_at = utcnow()
    audit.record("auth.login", user, actor=user)
    return user


def create_user(email: str, name: str, *, is_admin: bool = False, locale: str | None = None) -> User:
    user = User(email=normalize_email(email), name=name.strip(), is_admin=is_admin, locale=locale)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, email=user.email, is_admin=is_admin)
    return user


def issue_password_link(user: User) -> str:
    """A one-time link to set the password, shown to the administrator to pass on."""
    _, raw = PasswordToken.issue(user, current_app.config["SETUP_LINK_HOURS"])
    audit.record("user.password_link", user)
    return url_for("auth.set_password", token=raw, _external=True)


def set_password(user: User, password: str, *, token: PasswordToken | None = None) -> None:
    """Set a new password; every existing session of the user ends."""
    user.set_password(password)
    user.end_sessions()
    if token is not None:
        token.used_at = utcnow()
    audit.record("user.password_set", user, actor=user, via_link=token is not None)


def logout(user: User) -> None:
    """End this and every other session of the user (the cookie's version no longer matches)."""
    user.end_sessions()
    audit.record("auth.logout", user, actor=user)


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        user.end_sessions()
    audit.record("user.activate" if active else "user.deactivate", user)


def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        user.locale = locale
        audit.record("user.locale", user, actor=user, locale=locale)
