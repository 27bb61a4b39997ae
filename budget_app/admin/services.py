"""Administrative changes. Each is audited; the request commits."""
from __future__ import annotations

from budget_app import audit
from budget_app.auth.models import User
from budget_app.extensions import db
from councils.models import Council, Membership


def _changes(obj, values: dict) -> dict:
    changed = {}
    for key, value in values.items():
        if getattr(obj, key) != value:
            changed[key] = value
            setattr(obj, key, value)
    return changed


def update_user(user: User, *, name: str, is_admin: bool, active: bool) -> None:
    from budget_app.auth.services import set_active

    changed = _changes(user, {"name": name.strip(), "is_admin": is_admin})
    if changed:
        audit.record("user.update", user, **changed)
    if bool(user.active) != bool(active):
        set_active(user, active)


def add_membership(user: User, council: Council, *, role: str, organization_name: str,
                   organization_type: str) -> Membership:
    """Give ``user`` a role in ``council`` (or change the role they already have)."""
    membership = Membership.query.filter_by(user_id=user.id, council_id=council.id).first()
    if membership is None:
        membership = Membership(user=user, council=council)
        db.session.add(membership)
        action = "membership.create"
    else:
        action = "membership.update"
    membership.role = role
    membership.organization_name = organization_name.strip()
    membership.organization_type = organization_type
    db.session.flush()
    audit.record(action, membership, council_id=council.id, user=user.email, role=role,
                 organization=membership.organization_name, organization_type=organization_type)
    return membership


def remove_membership(membership: Membership) -> None:
    audit.record("membership.delete", membership, council_id=membership.council_id,
                 user=membership.user.email, role=membership.role)
    db.session.delete(membership)


def save_council(council: Council | None, data: dict) -> Council:
    created = council is None
    if created:
        council = Council()
        db.session.add(council)
    data = dict(data)
    if not data.get("governorate_id"):
        data["governorate_id"] = None
    changed = _changes(council, data)
    db.session.flush()
    audit.record("council.create" if created else "council.update", council, council_id=council.id, **changed)
    return council


def save_reference(model, item, data: dict):
    created = item is None
    if created:
        item = model()
        db.session.add(item)
    data = dict(data)
    if "governorate_id" in data and not data["governorate_id"]:
        data["governorate_id"] = None
    changed = _changes(item, data)
    db.session.flush()
    audit.record(f"{model.__tablename__}.{'create' if created else 'update'}", item, **changed)
    return item
