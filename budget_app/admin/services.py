"""Administrative changes. Each is audited; the request commits."""
from __future__ import annotations

from budget_app import audit
from budget_app.auth.models import User
from budget_app.auth.services import set_active
from budget_app.extensions import db
from budget_app.memberships import add_membership, remove_membership  # noqa: F401 (the admin pages call them)
from budget_app.tenancy import Council


def _changes(obj, values: dict) -> dict:
    changed = {}
    for key, value in values.items():
        if getattr(obj, key) != value:
            changed[key] = value
            setattr(obj, key, value)
    return changed


def update_user(user: User, *, name: str, is_admin: bool, active: bool) -> None:

    changed = _changes(user, {"name": name.strip(), "is_admin": is_admin})
    if changed:
        audit.record("user.update", user, **changed)
    if bool(user.active) != bool(active):
        set_active(user, active)


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
