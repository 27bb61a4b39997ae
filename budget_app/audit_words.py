"""How the core's audit entries read (accounts, councils and roles, reference lists, settings);
each feature package says the same of its own (``budget_app.audit.words``)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from budget_app import audit
from budget_app.auth.models import User
from budget_app.reference.models import REFERENCE_KINDS
from budget_app.tenancy import ORGANIZATION_TYPE_LABELS, ROLE_LABELS, Council, Membership


def describe_users(_council, ids) -> dict:
    rows = User.query.filter(User.id.in_([int(i) for i in ids if str(i).isdigit()])).all()
    return {u.id: (u.display_name, "admin.user_edit", {"user_id": u.id}) for u in rows}


def describe_councils(_council, ids) -> dict:
    rows = Council.query.filter(Council.id.in_([int(i) for i in ids if str(i).isdigit()])).all()
    return {c.id: (c.name, "councils.council_home", {"slug": c.slug}) for c in rows}


def describe_memberships(_council, ids) -> dict:
    """A council role is named by its holder and leads to their account page."""

    rows = (Membership.query.filter(Membership.id.in_([int(i) for i in ids if str(i).isdigit()]))
            .options(selectinload(Membership.user), selectinload(Membership.council)).all())
    return {m.id: (m.user.display_name, "admin.user_edit", {"user_id": m.user_id}) for m in rows}


def _reference_describer(kind: str):
    def describe(_council, ids) -> dict:
        model = REFERENCE_KINDS[kind]
        rows = model.query.filter(model.id.in_([int(i) for i in ids if str(i).isdigit()])).all()
        return {r.id: (r.name, "admin.reference_edit", {"kind": kind, "item_id": r.id}) for r in rows}
    return describe


describe_sectors = _reference_describer("sectors")
describe_target_groups = _reference_describer("target-groups")
describe_funding_sources = _reference_describer("funding-sources")
describe_governorates = _reference_describer("governorates")
describe_localities = _reference_describer("localities")


def describe_settings(_council, ids) -> dict:
    return {i: (str(_l("the ministry settings")), "admin.ministry_settings", {}) for i in ids}


REFERENCE_WORDS = {
    # table: (kind label, create label, create sentence, update label, update sentence)
    "sector": (_l("Sector"), _l("Sector added"), _l("%(who)s added the sector %(what)s"),
               _l("Sector changed"), _l("%(who)s changed the sector %(what)s")),
    "target_group": (_l("Target group"), _l("Target group added"), _l("%(who)s added the target group %(what)s"),
                     _l("Target group changed"), _l("%(who)s changed the target group %(what)s")),
    "funding_source": (_l("Funding source"), _l("Funding source added"),
                       _l("%(who)s added the funding source %(what)s"),
                       _l("Funding source changed"), _l("%(who)s changed the funding source %(what)s")),
    "governorate": (_l("Governorate"), _l("Governorate added"), _l("%(who)s added the governorate %(what)s"),
                    _l("Governorate changed"), _l("%(who)s changed the governorate %(what)s")),
    "locality": (_l("Locality"), _l("Locality added"), _l("%(who)s added the locality %(what)s"),
                 _l("Locality changed"), _l("%(who)s changed the locality %(what)s")),
}


def register() -> None:

    actions = {
        "auth.login": (_l("Signed in"), _l("%(who)s signed in")),
        "auth.login_failed": (_l("Sign-in failed"), _l("A sign-in as %(email)s failed (wrong password or account)")),
        "auth.logout": (_l("Signed out"), _l("%(who)s signed out")),
        "user.create": (_l("Account created"), _l("%(who)s created the account of %(what)s")),
        "user.update": (_l("Account changed"), _l("%(who)s changed the account of %(what)s")),
        "user.activate": (_l("Account activated"), _l("%(who)s activated the account of %(what)s")),
        "user.deactivate": (_l("Account deactivated"), _l("%(who)s deactivated the account of %(what)s")),
        "user.password_link": (_l("One-time link made"),
                               _l("%(who)s made a one-time link for %(what)s to set a password")),
        "user.password_set": (_l("Password set"), _l("%(who)s set a new password")),
        "user.locale": (_l("Language chosen"), _l("%(who)s chose the language %(locale)s")),
        "user.profile": (_l("Profile changed"), _l("%(who)s changed their profile")),
        "council.create": (_l("Council created"), _l("%(who)s created the council %(what)s")),
        "council.update": (_l("Council changed"), _l("%(who)s changed the council %(what)s")),
        "membership.create": (_l("Member added"), _l("%(who)s gave %(what)s the role “%(role)s” in %(council)s")),
        "membership.update": (_l("Council role changed"),
                              _l("%(who)s changed the role of %(what)s in %(council)s to “%(role)s”")),
        "membership.delete": (_l("Council role removed"), _l("%(who)s removed %(user)s from %(council)s")),
        "settings.update": (_l("Ministry settings changed"), _l("%(who)s changed %(what)s")),
    }
    kinds = {"user_account": _l("Account"), "council": _l("Council"), "membership": _l("Council role"),
             "ministry_settings": _l("Ministry settings")}
    describers = {"user_account": "budget_app.audit_words:describe_users",
                  "council": "budget_app.audit_words:describe_councils",
                  "membership": "budget_app.audit_words:describe_memberships",
                  "ministry_settings": "budget_app.audit_words:describe_settings"}
    for table, (kind, c_label, c_sentence, u_label, u_sentence) in REFERENCE_WORDS.items():
        actions[f"{table}.create"] = (c_label, c_sentence)
        actions[f"{table}.update"] = (u_label, u_sentence)
        kinds[table] = kind
        describers[table] = "budget_app.audit_words:describe_" + {
            "sector": "sectors", "target_group": "target_groups", "funding_source": "funding_sources",
            "governorate": "governorates", "locality": "localities"}[table]
    audit.words(actions, kinds=kinds, describers=describers, details={
        "email": (_l("Email"), "code"),
        "is_admin": (_l("Administrator"), None),
        "active": (_l("Active"), None),
        "name": (_l("Name"), None),
        "via_link": (_l("With a one-time link"), None),
        "locale": (_l("Language"), {"ar": _l("Arabic"), "en": _l("English")}),
        "user": (_l("Account"), "code"),
        "role": (_l("Role"), dict(ROLE_LABELS)),
        "organization": (_l("Organization represented"), None),
        "organization_type": (_l("Type of organization"), dict(ORGANIZATION_TYPE_LABELS)),
        "gender": (_l("Gender"), {"female": _l("Woman"), "male": _l("Man"), "": _l("Not recorded")}),
        "slug": (_l("Address name"), "code"),
        "name_ar": (_l("Name (Arabic)"), None),
        "name_en": (_l("Name (English)"), None),
        "governorate_id": (_l("Governorate"), "code"),
        "description_ar": (_l("Description (Arabic)"), None),
        "description_en": (_l("Description (English)"), None),
        "contact_email": (_l("Contact email"), "code"),
        "contact_phone": (_l("Contact phone"), "code"),
        "code": (_l("Code"), "code"),
        "sort_order": (_l("Order"), None),
        "approval_quorum_min_pct": (_l("Lowest quorum, %"), None),
        "note": (_l("Note"), None),
    })
