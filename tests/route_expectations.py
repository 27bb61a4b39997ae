"""Who may use the platform core's routes."""
from matrix import LOGIN, ROLES, Route


def _bundle_tag() -> str:
    from budget_app.charts import bundle_tag
    return bundle_tag()


def _evidence_file(w):
    """A member's PDF attached to a submitted priority of hebron: its council reads it."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "priorities"))
    from priority_factories import make_priority

    from budget_app.extensions import db
    from budget_app.uploads import services
    from priorities.evidence import OWNER
    from upload_files import pdf

    p = make_priority(w.hebron, w.users["member4"])
    a = services.attach(OWNER, p, data=pdf(1), filename="r.pdf", user=w.users["member4"])
    db.session.commit()
    return {"attachment_id": a.id, "variant": "file"}


ROUTES = {
    "main.index": Route("public"),
    "main.healthz": Route("public"),
    "main.favicon": Route("public"),
    "assets.plotly_bundle": Route("public", params=lambda w: {"tag": _bundle_tag()}),
    "assets.plotly_locale": Route("public", params={"lang": "ar"}),
    "main.dashboard": Route("login"),
    "auth.login": Route("public"),
    "auth.logout": Route("public"),
    # An unknown token is 404 for everyone; a valid one is covered in test_auth.
    "auth.set_password": Route(dict.fromkeys(("anonymous", "outsider", "member", "coordinator", "director",
                                              "reviewer", "admin"), 404), params={"token": "not-a-token"}),
    "auth.account": Route("login"),
    "auth.change_password": Route("login"),
    "admin.index": Route("admin"),
    "admin.users": Route("admin"),
    "admin.user_new": Route("admin"),
    "admin.user_edit": Route("admin", params=lambda w: {"user_id": w.users["member1"].id}),
    "admin.user_link": Route("admin", params=lambda w: {"user_id": w.users["member1"].id}),
    "admin.membership_add": Route("admin", params=lambda w: {"user_id": w.users["member1"].id}),
    "admin.membership_delete": Route("admin", params=lambda w: {
        "user_id": w.users["member1"].id, "membership_id": w.users["member1"].memberships[0].id}),
    "admin.councils": Route("admin"),
    "admin.council_edit": Route("admin", params=lambda w: {"council_id": w.hebron.id}),
    "admin.reference_list": Route("admin", params={"kind": "sectors"}),
    "admin.reference_edit": Route("admin", params={"kind": "sectors", "item_id": 1}),
    "admin.ministry_settings": Route("admin"),
    "admin.audit_log": Route("admin"),
    "councils.council_home": Route("council", params={"slug": "hebron"}),
    "files.attachment_file": Route("council", params=_evidence_file),
    # Notifications: each user's own (another's, or none such, is 404: tests/core/test_notifications.py).
    "notifications.index": Route("login"),
    "notifications.email_settings": Route("login"),
    "notifications.mark_all_read": Route("login"),
    "notifications.mark_read": Route({**dict.fromkeys(ROLES, 404), "anonymous": LOGIN},
                                     params={"notification_id": 999999}),
}
