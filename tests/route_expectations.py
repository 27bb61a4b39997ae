"""Who may use the platform core's routes."""
from matrix import Route

ROUTES = {
    "main.index": Route("public"),
    "main.healthz": Route("public"),
    "assets.plotly_bundle": Route("public"),
    "main.dashboard": Route("login"),
    "auth.login": Route("public"),
    "auth.logout": Route("public"),
    # An unknown token is 404 for everyone; a valid one is covered in test_auth.
    "auth.set_password": Route(dict.fromkeys(("anonymous", "outsider", "member", "coordinator", "director",
                                              "admin"), 404), params={"token": "not-a-token"}),
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
    "admin.audit_log": Route("admin"),
    "councils.council_home": Route("council", params={"slug": "hebron"}),
}
