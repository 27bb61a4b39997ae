from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from budget_app import audit
from budget_app.admin import bp, services
from budget_app.admin.forms import (AuditFilterForm, CouncilForm, MembershipForm, ReferenceForm,
                                    UserCreateForm, UserEditForm)
from budget_app.auth import services as auth_services
from budget_app.auth.models import User
from budget_app.extensions import db
from budget_app.permissions import admin_required
from budget_app.reference.models import REFERENCE_KINDS, Governorate, Locality
from councils.models import Council, Membership

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
    return render_template("admin/users.html", users=query.order_by(User.email).all(), q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = UserCreateForm()
    if form.validate_on_submit():
        user = auth_services.create_user(form.email.data, form.name.data, is_admin=form.is_admin.data,
                                         locale=form.locale.data)
        link = auth_services.issue_password_link(user)
        db.session.commit()
        flash(_("The account is created. Pass the link below to the person so they set their password."),
              "success")
        return render_template("admin/user_link.html", user=user, link=link)
    return render_template("admin/user_form.html", form=form)


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
        db.session.commit()
        flash(_("The user is saved."), "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_edit.html", user=user, form=form, membership_form=_membership_form(user))


@bp.route("/users/<int:user_id>/link", methods=["POST"])
@admin_required
def user_link(user_id: int):
    user = _user_or_404(user_id)
    link = auth_services.issue_password_link(user)
    db.session.commit()
    flash(_("A new one-time link is ready; earlier links no longer work."), "success")
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
        db.session.commit()
        flash(_("The council role is saved."), "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_edit.html", user=user, form=UserEditForm(obj=user),
                           membership_form=form), 400


@bp.route("/users/<int:user_id>/memberships/<int:membership_id>/delete", methods=["POST"])
@admin_required
def membership_delete(user_id: int, membership_id: int):
    membership = Membership.query.filter_by(id=membership_id, user_id=user_id).first_or_404()
    services.remove_membership(membership)
    db.session.commit()
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
        db.session.commit()
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
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("admin.reference_list", kind=kind))
    return render_template("admin/reference_form.html", kind=kind, form=form, item=item,
                           with_governorate=with_governorate, kinds=REFERENCE_KINDS)


# Audit log -----------------------------------------------------------------
@bp.route("/audit")
@admin_required
def audit_log():
    form = AuditFilterForm(request.args)
    query = audit.AuditLog.query
    if form.validate():
        if form.actor.data:
            query = query.filter(audit.AuditLog.actor.contains(form.actor.data.strip().lower()))
        if form.action.data:
            query = query.filter(audit.AuditLog.action.startswith(form.action.data.strip()))
        if form.object_type.data:
            query = query.filter(audit.AuditLog.object_type == form.object_type.data.strip())
        if form.date_from.data:
            query = query.filter(audit.AuditLog.created_at >= datetime.combine(form.date_from.data, time.min))
        if form.date_to.data:
            query = query.filter(audit.AuditLog.created_at <
                                 datetime.combine(form.date_to.data, time.min) + timedelta(days=1))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    entries = query.order_by(audit.AuditLog.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1).all()
    has_next = len(entries) > PAGE_SIZE
    return render_template("admin/audit.html", form=form, entries=entries[:PAGE_SIZE], page=page,
                           has_next=has_next)
