from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from budget_app import audit
from budget_app import ministry_settings as settings_service
from budget_app.admin import services
from budget_app.admin.forms import (AuditFilterForm, CouncilForm, MembershipForm, MinistrySettingsForm, ReferenceForm,
                                    UserCreateForm, UserEditForm)
from budget_app.auth import services as auth_services
from budget_app.auth.models import User
from budget_app.bounds import int_arg
from budget_app.extensions import db
from budget_app.pagination import paginate
from budget_app.permissions import admin_required
from budget_app.reference.models import REFERENCE_KINDS, Governorate, Locality
from budget_app.tenancy import Council, Membership

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.route("/")
@admin_required
def index():
    counts = {
        "users": User.query.count(),
        "councils": Council.query.count(),
        "audit": audit.AuditLog.query.count(),
    }
    return render_template("admin/index.html", counts=counts, kinds=REFERENCE_KINDS)


# Users ---------------------------------------------------------------------
@bp.route("/users")
@admin_required
def users():
    q = (request.args.get("q") or "").strip().lower()
    query = User.query
    if q:
        query = query.filter(db.or_(User.email.contains(q), User.name.ilike(f"%{q}%")))

    page = paginate(query.options(selectinload(User.memberships).selectinload(Membership.council))
                    .order_by(User.email), PAGE_SIZE)
    return render_template("admin/users.html", users=page.items, page=page, q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = UserCreateForm()
    if form.validate_on_submit():
        user = auth_services.create_user(form.email.data, form.name.data, is_admin=form.is_admin.data,
                                         locale=form.locale.data)
        link = auth_services.issue_password_link(user)
        flash(_("The account is created. Pass the link below to the person so they set their password."),
              "success")
        return _show_link_once(user, link)
    return render_template("admin/user_form.html", form=form)


# The one-time link is shown after a redirect (Post/Redirect/Get: reloading the page sends
# nothing again). Only its hash is stored, so the page can show it once: the session carries it
# to the next GET of the user's link page, which takes it out.
SETUP_LINK_KEY = "admin_setup_link"


def _show_link_once(user: User, link: str):
    session[SETUP_LINK_KEY] = {"user_id": user.id, "link": link}
    return redirect(url_for("admin.user_link", user_id=user.id))


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _membership_form(user: User) -> MembershipForm:
    form = MembershipForm(prefix="m")
    form.council_id.choices = [(c.id, c.name) for c in Council.query.order_by(Council.id)]
    return form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = _user_or_404(user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit() and user.id == current_user.id and not (form.is_admin.data and form.active.data):
        # An administrator locking themselves out would leave no one to undo it.
        form.is_admin.errors.append(_("You cannot remove your own administrator role or deactivate yourself."))
    elif form.validate_on_submit():
        services.update_user(user, name=form.name.data, is_admin=form.is_admin.data, active=form.active.data)
        flash(_("The user is saved."), "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_edit.html", user=user, form=form, membership_form=_membership_form(user))


@bp.route("/users/<int:user_id>/link", methods=["GET", "POST"])
@admin_required
def user_link(user_id: int):
    """POST: a new one-time link (earlier ones stop working), then the redirect to this page;
    GET: the link just issued, shown once, or the offer to issue a new one."""
    user = _user_or_404(user_id)
    if request.method == "POST":
        link = auth_services.issue_password_link(user)
        flash(_("A new one-time link is ready; earlier links no longer work."), "success")
        return _show_link_once(user, link)
    pending = session.get(SETUP_LINK_KEY)
    link = None
    if isinstance(pending, dict) and pending.get("user_id") == user.id:
        link = session.pop(SETUP_LINK_KEY).get("link")
    return render_template("admin/user_link.html", user=user, link=link)


@bp.route("/users/<int:user_id>/memberships", methods=["POST"])
@admin_required
def membership_add(user_id: int):
    user = _user_or_404(user_id)
    form = _membership_form(user)
    if form.validate_on_submit():
        council = db.session.get(Council, form.council_id.data) or abort(404)
        services.add_membership(user, council, role=form.role.data,
                                organization_name=form.organization_name.data,
                                organization_type=form.organization_type.data)
        flash(_("The council role is saved."), "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_edit.html", user=user, form=UserEditForm(obj=user),
                           membership_form=form), 400


@bp.route("/users/<int:user_id>/memberships/<int:membership_id>/delete", methods=["POST"])
@admin_required
def membership_delete(user_id: int, membership_id: int):
    membership = Membership.query.filter_by(id=membership_id, user_id=user_id).first_or_404()
    services.remove_membership(membership)
    flash(_("The council role is removed."), "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


# Councils ------------------------------------------------------------------
def _council_form(council=None) -> CouncilForm:
    form = CouncilForm(obj=council, council=council)
    form.governorate_id.choices = [(0, "—")] + [(g.id, g.name) for g in Governorate.choices()]
    return form


@bp.route("/councils")
@admin_required
def councils():
    return render_template("admin/councils.html", councils=Council.query.order_by(Council.id).all())


@bp.route("/councils/new", methods=["GET", "POST"])
@bp.route("/councils/<int:council_id>", methods=["GET", "POST"])
@admin_required
def council_edit(council_id: int | None = None):
    council = (db.session.get(Council, council_id) or abort(404)) if council_id else None
    form = _council_form(council)
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("slug", "name_ar", "name_en", "governorate_id", "description_ar",
                                          "description_en", "contact_email", "contact_phone", "active")}
        data["contact_email"] = data["contact_email"] or ""
        data["contact_phone"] = data["contact_phone"] or ""
        council = services.save_council(council, data)
        flash(_("The council is saved."), "success")
        return redirect(url_for("admin.councils"))
    return render_template("admin/council_form.html", form=form, council=council)


# Reference lists -----------------------------------------------------------
def _model_or_404(kind: str):
    model = REFERENCE_KINDS.get(kind)
    if model is None:
        abort(404)
    return model


@bp.route("/reference/<kind>/")
@admin_required
def reference_list(kind: str):
    model = _model_or_404(kind)
    items = model.query.order_by(model.sort_order, model.id).all()
    return render_template("admin/reference_list.html", kind=kind, items=items, kinds=REFERENCE_KINDS)


@bp.route("/reference/<kind>/new", methods=["GET", "POST"])
@bp.route("/reference/<kind>/<int:item_id>", methods=["GET", "POST"])
@admin_required
def reference_edit(kind: str, item_id: int | None = None):
    model = _model_or_404(kind)
    item = (db.session.get(model, item_id) or abort(404)) if item_id else None
    form = ReferenceForm(obj=item, model=model, item=item)
    with_governorate = model is Locality
    form.governorate_id.choices = [(0, "—")] + [(g.id, g.name) for g in Governorate.choices()]
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("code", "name_ar", "name_en", "active")}
        data["sort_order"] = form.sort_order.data or 0
        if with_governorate:
            data["governorate_id"] = form.governorate_id.data
        services.save_reference(model, item, data)
        flash(_("Saved."), "success")
        return redirect(url_for("admin.reference_list", kind=kind))
    return render_template("admin/reference_form.html", kind=kind, form=form, item=item,
                           with_governorate=with_governorate, kinds=REFERENCE_KINDS)


# Ministry-wide settings ----------------------------------------------------
@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def ministry_settings():
    settings = settings_service.get_settings()
    form = MinistrySettingsForm(obj=settings)
    if form.validate_on_submit():
        settings_service.update_settings(current_user, approval_quorum_min_pct=form.approval_quorum_min_pct.data)
        flash(_("The ministry settings are saved. Cycles whose voting has opened keep the quorum frozen with "
                "their rules."), "success")
        return redirect(url_for("admin.ministry_settings"))
    return render_template("admin/settings.html", form=form, settings=settings), 400 if form.errors else 200


# Audit log -----------------------------------------------------------------
@bp.route("/audit")
@admin_required
def audit_log():

    form = AuditFilterForm(request.args)
    query = audit.AuditLog.query
    form.validate()  # each filter that is valid applies; an invalid one is shown with its error
    if form.actor.data and not form.actor.errors:
        query = query.filter(audit.AuditLog.actor.contains(form.actor.data.strip().lower()))
    if form.action.data and not form.action.errors:
        query = query.filter(audit.AuditLog.action == form.action.data)
    if form.object_type.data and not form.object_type.errors:
        query = query.filter(audit.AuditLog.object_type == form.object_type.data)
    if form.date_from.data and not form.date_from.errors:
        query = query.filter(audit.AuditLog.created_at >= datetime.combine(form.date_from.data, time.min))
    if form.date_to.data and not form.date_to.errors:
        query = query.filter(audit.AuditLog.created_at <
                             datetime.combine(form.date_to.data, time.min) + timedelta(days=1))
    page = int_arg("page", 1)
    entries = (query.options(selectinload(audit.AuditLog.user)).order_by(audit.AuditLog.id.desc())
               .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1).all())
    has_next = len(entries) > PAGE_SIZE
    return render_template("admin/audit.html", form=form, lines=audit.present(entries[:PAGE_SIZE]), page=page,
                           has_next=has_next)
