"""Administrators manage users, council roles, councils, reference lists; all audited."""
from __future__ import annotations

import json

from helpers import page_text


def audit_actions():
    from budget_app.audit import AuditLog
    return [e.action for e in AuditLog.query.order_by(AuditLog.id)]


def test_admin_creates_user_and_gets_one_time_link(client, world):
    from budget_app.auth.models import User
    client.login("admin@sharaka.test")
    response = client.post_form("/admin/users/new", {"email": "New@Sharaka.test", "name": "New Person", "locale": "en"})
    user = User.query.filter_by(email="new@sharaka.test").one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/users/{user.id}/link")
    shown = client.get(response.headers["Location"])
    assert shown.status_code == 200 and "/set-password/" in shown.get_data(as_text=True)
    assert user.password_hash is None and user.locale == "en"
    assert "user.create" in audit_actions() and "user.password_link" in audit_actions()


def _links_on(response) -> list[str]:
    import re
    return re.findall(r'value="(http[^"]*/set-password/[^"]+)"', response.get_data(as_text=True))


def test_one_time_link_pages_post_redirect_get_and_show_the_link_once(client, world):
    """Creating a user and making a new link both answer a redirect; the page they lead to shows
    the link once (with a copy button over a read-only field); reloading it creates no second
    user or token and no longer shows the link."""
    from budget_app.auth.models import PasswordToken, User
    client.login("admin@sharaka.test")
    users, tokens = User.query.count(), PasswordToken.query.count()
    created = client.post_form("/admin/users/new?lang=en", {"email": "once@sharaka.test", "name": "Once", "locale": "ar"})
    assert created.status_code == 302
    page = client.get(created.headers["Location"])
    body = page.get_data(as_text=True)
    assert len(_links_on(page)) == 1 and 'readonly' in body and 'data-copy="setup-link"' in body
    assert "The account is created" in page_text(page)
    reloaded = client.get(created.headers["Location"])
    assert reloaded.status_code == 200 and _links_on(reloaded) == []
    assert "shown once" in page_text(reloaded) and "Make a new one-time link" in page_text(reloaded)
    assert User.query.count() == users + 1 and PasswordToken.query.count() == tokens + 1

    user = User.query.filter_by(email="once@sharaka.test").one()
    again = client.post_form(f"/admin/users/{user.id}/link?lang=en")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/admin/users/{user.id}/link")
    fresh = client.get(again.headers["Location"])
    assert len(_links_on(fresh)) == 1 and _links_on(fresh) != _links_on(page)
    assert _links_on(client.get(again.headers["Location"])) == []
    assert PasswordToken.query.count() == tokens + 2
    # The link pending for one user is not shown on another user's page.
    client.post_form(f"/admin/users/{user.id}/link")
    other = world.users["member1"]
    assert _links_on(client.get(f"/admin/users/{other.id}/link")) == []
    assert len(_links_on(client.get(f"/admin/users/{user.id}/link"))) == 1


def test_duplicate_email_and_bad_email_are_refused(client, world):
    from budget_app.auth.models import User
    client.login("admin@sharaka.test")
    count = User.query.count()
    response = client.post_form("/admin/users/new?lang=en", {"email": "member1@sharaka.test", "name": "x", "locale": "ar"})
    assert "already exists" in page_text(response)
    response = client.post_form("/admin/users/new?lang=en", {"email": "not an email", "name": "x", "locale": "ar"})
    assert "valid email" in page_text(response)
    assert User.query.count() == count


def test_memberships_add_change_remove_audited(client, world):
    from budget_app.tenancy import Membership
    client.login("admin@sharaka.test")
    user = world.users["member4"]
    data = {"m-council_id": world.nablus.id, "m-role": "coordinator", "m-organization_name": "Nablus Youth",
            "m-organization_type": "ngo"}
    assert client.post_form(f"/admin/users/{user.id}/memberships", data).status_code == 302
    membership = Membership.query.filter_by(user_id=user.id, council_id=world.nablus.id).one()
    assert membership.role == "coordinator"
    data["m-role"] = "director"
    client.post_form(f"/admin/users/{user.id}/memberships", data)
    assert Membership.query.filter_by(user_id=user.id, council_id=world.nablus.id).one().role == "director"
    assert client.post_form(f"/admin/users/{user.id}/memberships/{membership.id}/delete").status_code == 302
    assert Membership.query.filter_by(user_id=user.id, council_id=world.nablus.id).count() == 0
    actions = audit_actions()
    assert {"membership.create", "membership.update", "membership.delete"} <= set(actions)


def test_bad_membership_input_is_refused(client, world):
    client.login("admin@sharaka.test")
    user = world.users["member4"]
    response = client.post_form(f"/admin/users/{user.id}/memberships?lang=en",
                                {"m-council_id": world.nablus.id, "m-role": "king", "m-organization_name": ""})
    assert response.status_code == 400
    assert "Enter the organization." in page_text(response)


def test_council_create_and_validation(client, world):
    from budget_app.tenancy import Council
    client.login("admin@sharaka.test")
    bad = client.post_form("/admin/councils/new?lang=en", {"slug": "Bad Slug", "name_ar": "x", "name_en": "x"})
    assert "lowercase" in page_text(bad)
    dup = client.post_form("/admin/councils/new?lang=en", {"slug": "hebron", "name_ar": "x", "name_en": "x"})
    assert "already uses" in page_text(dup)
    ok = client.post_form("/admin/councils/new", {"slug": "jericho", "name_ar": "مجلس أريحا", "name_en": "Jericho council",
                                                  "governorate_id": 0, "active": "y"})
    assert ok.status_code == 302
    council = Council.query.filter_by(slug="jericho").one()
    assert council.governorate_id is None and council.active
    assert "council.create" in audit_actions()


def test_reference_lists_crud(client, world):
    from budget_app.reference.models import Locality
    client.login("admin@sharaka.test")
    gov = world.hebron.governorate
    response = client.post_form("/admin/reference/localities/new", {
        "code": "tarqumiya", "name_ar": "ترقوميا", "name_en": "Tarqumiya", "governorate_id": gov.id, "active": "y"})
    assert response.status_code == 302
    loc = Locality.query.filter_by(code="tarqumiya").one()
    assert loc.governorate_id == gov.id
    dup = client.post_form("/admin/reference/localities/new?lang=en", {"code": "tarqumiya", "name_ar": "x", "name_en": "x"})
    assert "already used" in page_text(dup)
    client.post_form(f"/admin/reference/localities/{loc.id}", {"code": "tarqumiya", "name_ar": "ترقوميا",
                                                               "name_en": "Tarqumiya town", "governorate_id": gov.id})
    loc = Locality.query.filter_by(code="tarqumiya").one()
    assert loc.name_en == "Tarqumiya town" and loc.active is False
    assert client.get("/admin/reference/unknown/").status_code == 404
    assert "locality.create" in audit_actions() and "locality.update" in audit_actions()


def test_audit_log_records_who_what_where_and_filters(client, world):
    from budget_app.audit import AuditLog
    client.login("admin@sharaka.test")
    client.post_form("/admin/users/new", {"email": "a1@sharaka.test", "name": "A1", "locale": "ar"})
    entry = AuditLog.query.filter_by(action="user.create").one()
    assert entry.actor == "admin@sharaka.test" and entry.object_type == "user_account"
    assert entry.ip_address == "127.0.0.1" and entry.created_at is not None
    assert json.loads(entry.details)["email"] == "a1@sharaka.test"
    page = client.get("/admin/audit?action=user.create")
    assert "a1@sharaka.test" in page.get_data(as_text=True)
    page = client.get("/admin/audit?action=council.update")
    assert "a1@sharaka.test" not in page.get_data(as_text=True)
    assert client.get("/admin/audit?date_from=not-a-date").status_code == 200


def test_login_and_logout_are_audited_without_secrets(client, world):
    from budget_app.audit import AuditLog
    client.post_form("/login", {"email": "member1@sharaka.test", "password": "a wrong one"})
    client.login("member1@sharaka.test")
    client.logout()
    actions = audit_actions()
    assert actions[-3:] == ["auth.login_failed", "auth.login", "auth.logout"]
    for entry in AuditLog.query:
        assert "a wrong one" not in entry.details


def test_admin_cannot_lock_themselves_out(client, world):
    client.login("admin@sharaka.test")
    admin = world.users["admin"]
    response = client.post_form(f"/admin/users/{admin.id}?lang=en", {"name": "Admin", "active": "y"})
    assert "cannot remove your own administrator role" in page_text(response)
    from budget_app.auth.models import User
    assert User.query.get(admin.id).is_admin


def test_audit_log_pages_through_more_than_one_page(client, world):
    from budget_app import audit
    from budget_app.extensions import db
    for i in range(120):
        audit.record("council.update", world.hebron, note=f"entry {i}")
    db.session.commit()
    client.login("admin@sharaka.test")
    first = client.get("/admin/audit?lang=en")
    assert first.status_code == 200
    import re
    assert re.search(r'href="/admin/audit\?[^"]*page=2', first.get_data(as_text=True))
    second = client.get("/admin/audit?page=2&action=council.update")
    assert second.status_code == 200
    body = second.get_data(as_text=True)
    assert "page=1" in body and "page=3" in body
    assert client.get("/admin/audit?page=3").status_code == 200


def test_no_template_assigns_the_gettext_name():
    """``{% set _ = ... %}`` or ``{% for _ in %}`` shadows gettext for the rest of the scope."""
    from pathlib import Path

    from jinja2 import nodes

    from budget_app import create_app
    from helpers import app_config

    app = create_app(app_config("sqlite://"))
    env = app.jinja_env
    root = Path(app.template_folder)
    offenders = []
    for path in sorted(root.rglob("*.html")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        for node in tree.find_all((nodes.Assign, nodes.For, nodes.AssignBlock, nodes.Macro, nodes.With)):
            targets = []
            if isinstance(node, (nodes.Assign, nodes.For, nodes.AssignBlock)):
                targets = list(node.target.find_all(nodes.Name)) + ([node.target] if isinstance(node.target, nodes.Name) else [])
            elif isinstance(node, nodes.Macro):
                targets = node.args
            elif isinstance(node, nodes.With):
                targets = node.targets
            if any(getattr(t, "name", None) == "_" for t in targets):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not offenders, offenders


def test_audit_log_pages_through_long_history(client, world):
    """The pager's links ("Next", "Previous") render: a ``{% set _ = ... %}`` in the macro used to
    shadow the translation function, so a second page of entries was an error 500."""
    from budget_app import audit
    from budget_app.admin.views import PAGE_SIZE
    from budget_app.extensions import db
    for n in range(PAGE_SIZE + 5):
        audit.record("test.entry", council_id=world.hebron.id, actor=world.users["admin"], n=n)
    db.session.commit()
    client.login("admin@sharaka.test")
    first = client.get("/admin/audit?lang=en")
    assert first.status_code == 200 and "page=2" in first.get_data(as_text=True) and "Next" in page_text(first)
    second = client.get("/admin/audit?page=2&lang=en")
    assert second.status_code == 200 and "Previous" in page_text(second)
