from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from budget_app import audit
from budget_app.auth import services, throttle
from budget_app.auth.forms import ChangePasswordForm, LoginForm, ProfileForm, SetPasswordForm
from budget_app.auth.models import PasswordToken
from budget_app.errors import render_error
from budget_app.extensions import db, limiter
from budget_app.i18n import LANG_COOKIE, is_page_view, language_choice
from budget_app.utils import utcnow

bp = Blueprint("auth", __name__)


@bp.after_app_request
def remember_language_in_profile(response):
    """After a ``?lang=`` switch on a page view, a logged-in person's profile follows (so their
    other browsers do); written in a savepoint and committed with the request."""
    choice = language_choice()
    if (choice and is_page_view(response) and getattr(current_user, "is_authenticated", False)
            and current_user.locale != choice):
        try:
            with db.session.begin_nested():
                services.set_locale(current_user, choice)
        except Exception:  # the page is already made; a lost preference must not fail it
            logging.getLogger("sharaka").warning("the language choice could not be saved to the profile")
    return response


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def _too_many_attempts(refusal: throttle.Refusal):
    """429 saying when to try again, in the user's language."""


    when = format_timedelta(refusal.retry_after, add_direction=True, threshold=1.1)
    message = _("Too many failed attempts to log in to this account from this browser. Try again %(when)s.",
                when=when)
    body, status = render_error(429, message)
    response = current_app.make_response((body, status))
    response.headers["Retry-After"] = str(max(1, int(refusal.retry_after.total_seconds())))
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        email = services.normalize_email(form.email.data)
        refusal = throttle.check(email)
        if refusal is not None:
            return _too_many_attempts(refusal)
        throttle.slow_down(email)
        user = services.authenticate(email, form.password.data)
        if user is not None:
            lang_cookie = request.cookies.get(LANG_COOKIE)
            if not user.locale and lang_cookie in current_app.config["LANGUAGES"]:
                user.locale = lang_cookie
            session.clear()  # a fresh session: nothing from before login survives (no fixation)
            login_user(user)
            session["last_seen"] = utcnow().timestamp()
            session.permanent = True
            response = redirect(safe_next(request.args.get("next")) or url_for("main.dashboard"))
            return throttle.remember_device(response, email)
        throttle.record_failure(email)  # kept (keep_on_error), with the audit entry of the failure
        flash(_("Wrong email or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.logout(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def set_password(token: str):
    record = PasswordToken.find_valid(token)
    if record is None:
        return render_template("auth/link_invalid.html"), 404
    form = SetPasswordForm()
    form._email = record.user.email
    if form.validate_on_submit():
        services.set_password(record.user, form.new_password.data, token=record)
        logout_user()
        session.clear()
        flash(_("Your password is set. You can now log in."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=record.user)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    profile = ProfileForm(prefix="profile", obj=current_user)
    if profile.validate_on_submit():
        current_user.name = profile.name.data.strip()
        services.set_locale(current_user, profile.locale.data)
        audit.record("user.profile", current_user)
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", profile=profile, password_form=ChangePasswordForm(prefix="pw"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    form._email = current_user.email
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            user = current_user._get_current_object()
            services.set_password(user, form.new_password.data)
            # The version changed; keep this browser logged in with a fresh session.
            session.clear()
            login_user(user)
            session["last_seen"] = utcnow().timestamp()
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", profile=ProfileForm(prefix="profile", obj=current_user),
                           password_form=form)
