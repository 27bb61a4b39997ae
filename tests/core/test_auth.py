"""Log in, log out, sessions, password links and the password policy."""
from __future__ import annotations

from datetime import timedelta

import pytest

from helpers import PASSWORD, page_text


def test_login_redirects_to_dashboard_and_logout_ends_session(client, world):
    response = client.login("member1@sharaka.test")
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    response = client.logout()
    assert response.status_code == 302
    assert "/login" in client.get("/dashboard").headers["Location"]


def test_wrong_password_is_refused_with_a_message(client, world):
    response = client.post_form("/login", {"email": "member1@sharaka.test", "password": "wrong password!"})
    assert response.status_code == 200
    assert "البريد الإلكتروني أو كلمة المرور غير صحيحة" in page_text(response)
    assert "/login" in client.get("/dashboard").headers["Location"]


def test_email_is_case_insensitive(client, world):
    assert client.login("  Member1@Sharaka.TEST ").status_code == 302


def test_inactive_user_cannot_log_in(client, world, app):
    from budget_app.extensions import db
    world.users["member2"].active = False
    db.session.commit()
    response = client.post_form("/login", {"email": "member2@sharaka.test", "password": PASSWORD})
    assert response.status_code == 200


def test_new_session_on_login_no_fixation(client, world):
    client.get("/login")
    client.csrf_token()
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
        before = dict(sess)
    client.login("member1@sharaka.test")
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("csrf_token") != before.get("csrf_token")
        assert sess.get("_user_id")


def test_saved_cookie_replayed_after_logout_is_refused(app, world):
    client = app.test_client()
    client.login("member1@sharaka.test")
    cookie = client.get_cookie("sharaka_session").value
    client.logout()
    attacker = app.test_client()
    attacker.set_cookie("sharaka_session", cookie)
    response = attacker.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deactivating_a_user_ends_their_sessions(app, world):
    member, admin = app.test_client(), app.test_client()
    member.login("member3@sharaka.test")
    assert member.get("/dashboard").status_code == 200
    admin.login("admin@sharaka.test")
    user_id = world.users["member3"].id
    response = admin.post_form(f"/admin/users/{user_id}", {"name": "Khaled", "active": ""})
    assert response.status_code == 302
    assert "/login" in member.get("/dashboard").headers["Location"]


def test_idle_timeout_ends_session(client, world, app):
    client.login("member1@sharaka.test")
    with client.session_transaction() as sess:
        sess["last_seen"] = sess["last_seen"] - app.config["IDLE_TIMEOUT"].total_seconds() - 5
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("target,expected", [
    ("/admin/users", "/admin/users"),
    ("//evil.example/x", "/dashboard"),
    ("https://evil.example/", "/dashboard"),
    ("/\\evil.example", "/dashboard"),
    ("javascript:alert(1)", "/dashboard"),
])
def test_next_parameter_only_redirects_within_site(client, world, target, expected):
    response = client.post_form(f"/login?next={target}",
                                {"email": "admin@sharaka.test", "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_login_rate_limited_per_address(client, world):
    for _ in range(10):
        response = client.post_form("/login", {"email": "member1@sharaka.test", "password": "wrong password"})
        assert response.status_code == 200
    response = client.post_form("/login", {"email": "member1@sharaka.test", "password": PASSWORD})
    assert response.status_code == 429
    assert "محاولات كثيرة جدًا" in page_text(response)


def test_login_rate_limited_per_account_across_addresses(app, world):
    for i in range(10):
        c = app.test_client()
        c.environ_base["REMOTE_ADDR"] = f"10.0.0.{i + 1}"
        c.post_form("/login", {"email": "member2@sharaka.test", "password": "wrong password"})
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = "10.0.1.1"
    response = c.post_form("/login?lang=en", {"email": "member2@sharaka.test", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in page_text(response)
    # Another account from that address is not blocked.
    assert c.post_form("/login", {"email": "member3@sharaka.test", "password": PASSWORD}).status_code == 302


def test_successful_logins_do_not_count_toward_the_limit(app, world):
    for _ in range(12):
        c = app.test_client()
        assert c.login("member1@sharaka.test").status_code == 302


def _issue_link(app, user):
    from budget_app.auth import services
    from budget_app.extensions import db
    with app.test_request_context():
        link = services.issue_password_link(user)
    db.session.commit()
    return link.split("localhost", 1)[1]


def test_one_time_link_sets_password_once(client, world, app):
    path = _issue_link(app, world.users["member5"])
    assert client.get(path).status_code == 200
    response = client.post_form(path, {"new_password": "olive trees of hebron", "confirm": "olive trees of hebron"})
    assert response.status_code == 302
    assert client.login("member5@sharaka.test", "olive trees of hebron").status_code == 302
    assert app.test_client().get(path).status_code == 404  # used


def test_new_link_replaces_the_old_one_and_links_expire(client, world, app):
    from budget_app.auth.models import PasswordToken
    from budget_app.extensions import db
    first = _issue_link(app, world.users["member5"])
    second = _issue_link(app, world.users["member5"])
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    for token in PasswordToken.query:
        token.expires_at -= timedelta(days=30)
    db.session.commit()
    assert client.get(second).status_code == 404


@pytest.mark.parametrize("password,message", [
    ("short", "at least 8"),
    ("x" * 257, "at most 256"),
    ("password123", "too common"),
    ("aaaaaaaaaa", "too common"),
    ("member5@sharaka.test", "email"),
])
def test_password_policy(client, world, app, password, message):
    path = _issue_link(app, world.users["member5"])
    response = client.post_form(path + "?lang=en", {"new_password": password, "confirm": password})
    assert response.status_code == 200
    assert message in page_text(response)


def test_long_passphrase_without_composition_rules_is_accepted():
    from budget_app.auth.passwords import password_problem
    assert password_problem("correct horse battery staple") is None
    assert password_problem("نحن نزرع الزيتون في الخليل") is None
    assert password_problem("abc " * 64) is None  # 256 characters


def test_change_password_requires_current_and_ends_other_sessions(app, world):
    other = app.test_client()
    other.login("member1@sharaka.test")
    client = app.test_client()
    client.login("member1@sharaka.test")
    data = {"pw-current_password": "not it at all", "pw-new_password": "a new long passphrase",
            "pw-confirm": "a new long passphrase"}
    response = client.post_form("/account/password?lang=en", data)
    assert "current password is wrong" in page_text(response)
    data["pw-current_password"] = PASSWORD
    assert client.post_form("/account/password", data).status_code == 302
    assert client.get("/dashboard").status_code == 200  # this browser stays logged in
    assert other.get("/dashboard").status_code == 302  # the other session ended


def test_passwords_are_hashed_with_scrypt_by_default(tmp_path, monkeypatch):
    from budget_app import create_app
    from budget_app.auth.models import User
    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    with app.app_context():
        user = User(email="x@y.test")
        user.set_password("correct horse battery staple")
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password("correct horse battery staple")
        assert not user.check_password("Correct horse battery staple")


def test_profile_language_and_name(client, world):
    client.login("member1@sharaka.test")
    response = client.post_form("/account", {"profile-name": "Ahmad A.", "profile-locale": "en"})
    assert response.status_code == 302
    page = client.get("/account")
    assert '<html lang="en" dir="ltr">' in page.get_data(as_text=True)


def _fail(client, email="member1@sharaka.test", n=1, path="/login"):
    return [client.post_form(path, {"email": email, "password": "wrong password"}).status_code for _ in range(n)]


def test_attackers_do_not_lock_the_owner_out_of_a_known_browser(app, world):
    owner = app.test_client()
    owner.login("member1@sharaka.test")  # this browser is now known for member1
    owner.logout()
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert _fail(attacker, n=10) == [200] * 10
    assert _fail(attacker) == [429]
    stranger = app.test_client()  # any unknown browser is refused for this account now
    assert stranger.post_form("/login", {"email": "member1@sharaka.test", "password": PASSWORD}).status_code == 429
    assert owner.login("member1@sharaka.test").status_code == 302


def test_failures_on_a_known_browser_count_for_that_browser_only(app, world):
    owner = app.test_client()
    owner.login("member1@sharaka.test")
    owner.logout()
    assert _fail(owner, n=10) == [200] * 10
    assert _fail(owner) == [429]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.8"
    assert other.login("member1@sharaka.test").status_code == 302


def test_a_forged_device_cookie_is_an_unknown_browser(app, world):
    attacker = app.test_client()
    attacker.set_cookie("sharaka_device", "forged.value", path="/login")
    assert _fail(attacker, n=10) == [200] * 10
    assert _fail(attacker) == [429]


def test_the_refusal_says_when_to_try_again_in_the_users_language(app, world):
    from datetime import timedelta

    from babel.dates import format_timedelta
    client = app.test_client()
    _fail(client, n=10)
    response = client.post_form("/login?lang=en", {"email": "member1@sharaka.test", "password": PASSWORD})
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 900
    assert "Try again in 15 minutes" in page_text(response)
    response = client.post_form("/login?lang=ar", {"email": "member1@sharaka.test", "password": PASSWORD})
    expected = format_timedelta(timedelta(minutes=15), add_direction=True, threshold=1.1, locale="ar")
    assert expected in page_text(response)


def test_unknown_browsers_are_slowed_before_they_are_refused(app, world, monkeypatch):
    from budget_app.auth import throttle
    pauses = []
    monkeypatch.setattr(throttle, "pause", pauses.append)
    app.config["LOGIN_SLOWDOWN_SECONDS"] = 0.25
    client = app.test_client()
    _fail(client, n=10)
    assert pauses == [0.25, 0.5, 0.75, 1.0]  # before attempts 7 to 10 (each sees the failures before it)
    known = app.test_client()
    known.environ_base["REMOTE_ADDR"] = "10.9.9.7"  # this address has no failures yet
    known.login("member3@sharaka.test")
    known.logout()
    pauses.clear()
    _fail(known, email="member3@sharaka.test", n=10)
    assert pauses == []


def test_a_deactivated_account_computes_the_password_hash(app, world, monkeypatch):
    from budget_app.auth import models
    from budget_app.extensions import db
    user = world.users["member5"]
    user.active = False
    db.session.commit()
    calls = []
    real = models.check_password_hash
    monkeypatch.setattr(models, "check_password_hash", lambda *a: calls.append(a) or real(*a))
    client = app.test_client()
    assert client.post_form("/login", {"email": "member5@sharaka.test", "password": PASSWORD}).status_code == 200
    assert len(calls) == 1


def test_login_failures_live_in_the_database_and_old_ones_are_removed(app, world):
    from datetime import timedelta

    from budget_app.auth.models import LoginFailure
    from budget_app.extensions import db
    from budget_app.utils import utcnow
    db.session.add(LoginFailure(key="account:old", created_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    _fail(app.test_client())
    keys = [f.key for f in LoginFailure.query]
    assert "account:old" not in keys
    assert sorted(k.split(":")[0] for k in keys) == ["account", "address"]
