"""The notification centre: the list, marking read, and which kinds come by email.

Every route is the signed-in user's own: a notification of someone else answers 404. Marking
read and choosing emails change only the reader's own state, so they are not audited.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from budget_app.i18n import format_number
from budget_app.notifications import services
from budget_app.pagination import paginate
from budget_app.auth.views import safe_next

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PAGE_SIZE = 30


@bp.route("/")
@login_required
def index():
    unread_only = request.args.get("show") == "unread"
    page = paginate(services.notifications_of(current_user, unread_only), PAGE_SIZE)
    items = [(n, services.render(n), services.link_of(n)) for n in page.items]
    return render_template("notifications/index.html", page=page, items=items, unread_only=unread_only,
                           form=FlaskForm())


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    if services.mark_read(current_user, notification_id) is None:
        abort(404)
    return redirect(safe_next(request.form.get("next", "")[:500]) or url_for(".index"), 303)


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    if not FlaskForm().validate_on_submit():
        abort(400)
    n = services.mark_all_read(current_user)
    flash(ngettext("%(count)s notification marked read.", "%(count)s notifications marked read.", n,
                   count=format_number(n)), "success")
    return redirect(url_for(".index"), 303)


@bp.route("/email", methods=["GET", "POST"])
@login_required
def email_settings():
    form = FlaskForm()
    kinds = services.kinds()
    if form.validate_on_submit():
        wanted = {key for key in request.form.getlist("email")[:len(kinds)] if key in kinds}
        services.set_email_choices(current_user, wanted)
        flash(_("Your email choices are saved."), "success")
        return redirect(url_for(".email_settings"), 303)
    return render_template("notifications/email_settings.html", form=form, kinds=kinds,
                           choices=services.email_choices(current_user), mail_on=services.mail_configured())
