from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from budget_app.auth import bp, services
from budget_app.auth.forms import ChangePasswordForm, LoginForm, ProfileForm, SetPasswordForm
from budget_app.auth.models import PasswordToken
from budget_app.extensions import db, limiter
from budget_app.i18n import LANG_COOKIE
from budget_app.utils import utcnow


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


def login_failure_limit():
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _account_key():
    return "login-account:" + services.normalize_email(request.form.get("email", ""))


def _login_failed(response) -> bool:
    # A successful login redirects; a re-rendered form (200) is a failure that counts.
    return response.status_code == 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_failure_limit, methods=["POST"], deduct_when=_login_failed,
               error_message="login")
@limiter.limit(login_failure_limit, key_func=_account_key, methods=["POST"],
               deduct_when=_login_failed, error_message="login")
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            lang_cookie = request.cookies.get(LANG_COOKIE)
            if not user.locale and lang_cookie in current_app.config["LANGUAGES"]:
                user.locale = lang_cookie
            db.session.commit()
            session.clear()  # a fresh session: nothing from before login survives (no fixation)
            login_user(user)
            session["last_seen"] = utcnow().timestamp()
            session.permanent = True
            return redirect(safe_next(request.args.get("next")) or url_for("main.dashboard"))
        db.session.commit()  # keep the audit entry of the failure
        flash(_("Wrong email or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.logout(current_user._get_current_object())
        db.session.commit()
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
        db.session.commit()
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
        from budget_app import audit
        audit.record("user.profile", current_user)
        db.session.commit()
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
            db.session.commit()
            # The version changed; keep this browser logged in with a fresh session.
            session.clear()
            login_user(user)
            session["last_seen"] = utcnow().timestamp()
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", profile=ProfileForm(prefix="profile", obj=current_user),
                           password_form=form)
