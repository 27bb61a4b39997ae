"""Giving people roles in councils and taking them away, audited (administrators through the
admin pages, coordinators through councils.services). The request commits."""
from __future__ import annotations

from budget_app import audit
from budget_app.extensions import db
from budget_app.tenancy import Council, Membership


def add_membership(user, council: Council, *, role: str, organization_name: str,
                   organization_type: str, gender: str | None = None) -> Membership:
    """Give ``user`` a role in ``council`` (or change the role they already have).
    ``gender`` ("female", "male" or "") is left unchanged when None."""
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
    if gender is not None:
        membership.gender = gender if gender in ("female", "male") else ""
    db.session.flush()
    audit.record(action, membership, council_id=council.id, user=user.email, role=role,
                 organization=membership.organization_name, organization_type=organization_type,
                 gender=membership.gender)
    return membership


def remove_membership(membership: Membership) -> None:
    audit.record("membership.delete", membership, council_id=membership.council_id,
                 user=membership.user.email, role=membership.role)
    db.session.delete(membership)
