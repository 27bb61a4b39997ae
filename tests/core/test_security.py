"""CSRF, headers, cookies, escaping, error pages, health check."""
from __future__ import annotations

import json

import pytest

from helpers import page_text


def test_post_without_csrf_token_is_refused_and_changes_nothing(client, world):
    from budget_app.auth.models import User
    client.login("admin@sharaka.test")
    before = User.query.count()
    response = client.post("/admin/users/new", data={"email": "x@sharaka.test", "name": "X", "locale": "ar"})
    assert response.status_code == 400
    assert "انتهت صلاحية النموذج" in page_text(response)
    assert User.query.count() == before
    response = client.post("/admin/users/new", data={"email": "x@sharaka.test", "name": "X", "locale": "ar",
                                                     "csrf_token": "forged"})
    assert response.status_code == 400
    assert User.query.count() == before


def test_logout_needs_csrf(client, world):
    client.login("member1@sharaka.test")
    assert client.post("/logout").status_code == 400
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/does-not-exist", "/static/app.css"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    script_src = [d for d in csp.split(";") if d.strip().startswith("script-src")][0]
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_hsts_and_secure_cookie_over_https(client, world):
    response = client.get("/login", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_flags_over_http(client, world):
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_user_input_is_escaped(client, world, make_user):
    make_user("evil@sharaka.test", name='<script>alert("x")</script>')
    client.login("admin@sharaka.test")
    html = client.get("/admin/users").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_error_pages_in_user_language_and_json(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and "الصفحة غير موجودة" in page_text(response)
    response = client.get("/nowhere?lang=en")
    assert "Page not found" in page_text(response)
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == 404


def test_405_page(client):
    response = client.post("/healthz")
    assert response.status_code in (400, 405)  # CSRF runs first for POST without token


def test_413_when_upload_too_large(app, client, world):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    client.login("admin@sharaka.test")
    response = client.post_form("/admin/users/new", {"name": "x" * 5000})
    assert response.status_code == 413
    assert "الملف كبير جدًا" in page_text(response)


def test_500_rolls_back_and_shows_page(tmp_path, monkeypatch, _schema):
    from budget_app import create_app
    from budget_app.extensions import db
    from budget_app.reference.models import Sector
    from helpers import app_config
    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path))
    app = create_app({**app_config(_schema), "TESTING": False})

    @app.route("/boom")
    def boom():
        db.session.add(Sector(code="boom", name_ar="x", name_en="x"))
        db.session.flush()
        raise RuntimeError("boom")

    client = app.test_client()
    response = client.get("/boom?lang=en")
    assert response.status_code == 500
    assert "Nothing was saved" in response.get_data(as_text=True)
    with app.app_context():
        assert Sector.query.filter_by(code="boom").count() == 0
        db.engine.dispose()


def test_healthz_ok_and_503_when_database_down(client, tmp_path, monkeypatch):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}
    from budget_app import create_app
    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path))
    down = create_app({"TESTING": True, "SECRET_KEY": "x",
                       "SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:1/none"})
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.data)["database"] == "unavailable"


def test_another_councils_member_gets_404(client, world):
    client.login("outsider@sharaka.test")
    assert client.get("/councils/hebron/").status_code == 404
    assert client.get("/councils/nablus/").status_code == 200
    assert client.get("/councils/no-such-council/").status_code == 404


def test_secret_key_created_once_in_instance(tmp_path, monkeypatch):
    from budget_app import create_app
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).secret_key
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).secret_key
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_markdown_is_sanitized():
    from budget_app.markdown import render_markdown
    html = str(render_markdown('Hi <script>alert(1)</script> [x](javascript:alert(1)) **b** [ok](https://example.org)'))
    assert "<script" not in html and 'href="javascript' not in html
    assert "<strong>b</strong>" in html and 'href="https://example.org"' in html
    plain = str(render_markdown("[ok](https://example.org)", links=False))
    assert "<a" not in plain and "ok" in plain


def test_chart_payload_cannot_close_its_script_element():
    import plotly.graph_objects as go
    from budget_app.charts import chart_payload
    payload = chart_payload(go.Figure(go.Bar(x=["</script><script>alert(1)</script>"], y=[1])))
    assert "</script>" not in payload and "<" not in payload
    assert json.loads(payload)["data"][0]["x"] == ["</script><script>alert(1)</script>"]


def test_exports_neutralize_formulas():
    import pandas as pd
    from budget_app.exports import csv_bytes
    frame = pd.DataFrame({"a": ["=1+1", "+cmd", "-2", "@SUM(A1)", "ok", "٣"]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert "'=1+1" in text and "'+cmd" in text and "'-2" in text and "'@SUM(A1)" in text and "\nok" in text


def test_database_outage_answers_503_without_touching_the_database_again(app, world, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from budget_app.extensions import login_manager
    client.login("member1@sharaka.test")

    def unreachable(user_id):
        raise OperationalError("SELECT 1", {}, Exception("the database system is shutting down"))

    monkeypatch.setattr(login_manager, "_user_callback", unreachable)
    response = client.get("/dashboard?lang=en")
    assert response.status_code == 503
    assert "Nothing was saved" in page_text(response)
    assert client.get("/dashboard", headers={"Accept": "application/json"}).json["error"]["code"] == 503


@pytest.mark.parametrize("path", ["/%5Cevil.example", "/%5C%5Cevil.example/x", "/%2F%2Fevil.example"])
def test_language_link_stays_on_the_site(client, path):
    import re
    body = client.get(path).get_data(as_text=True)
    links = re.findall(r'href="([^"]*lang=[^"]*)"', body)
    assert links, body[:500]
    for link in links:
        assert link.startswith("/") and not link.startswith("//") and "\\" not in link, link


def test_language_link_of_a_double_slash_path_stays_on_the_site(client):
    import re
    body = client.get("/", environ_overrides={"PATH_INFO": "//evil.example/"}).get_data(as_text=True)
    for link in re.findall(r'href="([^"]*lang=[^"]*)"', body):
        assert link.startswith("/") and not link.startswith("//"), link


@pytest.mark.parametrize("value", [" =1+1", "\t=1+1", "\r=1+1", "\n=1+1", "  @SUM(A1)", " +cmd", "\n-2",
                                   "＝1+1", "＋cmd", "－2", "＠SUM(A1)", " ＝1", "\u00a0=1", "\u3000=1"])
def test_formulas_behind_white_space_or_full_width_signs_are_neutralized(value):
    from budget_app.exports import neutralize
    assert neutralize(value) == "'" + value


@pytest.mark.parametrize("value", ["ok", " ok", "٣", "a=b", "", "1-2"])
def test_plain_text_is_not_changed_by_neutralization(value):
    from budget_app.exports import neutralize
    assert neutralize(value) == value


@pytest.mark.parametrize("path", ["/static/app.css?lang=en", "/does-not-exist?lang=en",
                                  "/councils/hebron/meetings/export.csv?lang=en"])
def test_lang_on_a_static_file_download_or_error_changes_only_the_cookie(app, world, path):
    from budget_app.audit import AuditLog
    from budget_app.auth.models import User
    from budget_app.extensions import db
    client = app.test_client()
    client.login("member1@sharaka.test")
    user = db.session.get(User, world.users["member1"].id)
    locale, entries = user.locale, AuditLog.query.count()
    response = client.get(path)
    assert "lang=en" in response.headers.get("Set-Cookie", "")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == locale
    assert AuditLog.query.count() == entries


def test_error_log_names_the_route_never_the_raw_path(app, monkeypatch):
    import io
    import logging

    from budget_app import create_app
    from budget_app.request_log import JsonFormatter
    from helpers import app_config

    production = create_app({**app_config(app.config["SQLALCHEMY_DATABASE_URI"]), "TESTING": False})

    @production.route("/boom/<token>/")
    def boom(token):
        raise RuntimeError("boom")

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger("sharaka").addHandler(handler)
    try:
        response = production.test_client().get("/boom/secret-token-123/")
    finally:
        logging.getLogger("sharaka").removeHandler(handler)
    assert response.status_code == 500
    logged = stream.getvalue()
    assert "/boom/<token>/" in logged and "secret-token-123" not in logged


def test_a_request_past_the_deadline_is_answered_by_the_app_with_its_headers(app):
    import time

    from budget_app import create_app
    from helpers import app_config

    slow_app = create_app({**app_config(app.config["SQLALCHEMY_DATABASE_URI"]), "REQUEST_DEADLINE_SECONDS": 0.2})

    @slow_app.route("/slow")
    def slow():
        for _ in range(600):  # 30 s, far past the deadline
            time.sleep(0.05)
        return "finished"

    response = slow_app.test_client().get("/slow?lang=en")
    assert response.status_code == 503
    assert "Content-Security-Policy" in response.headers and "X-Frame-Options" in response.headers
    assert "took too long" in page_text(response)
    assert slow_app.test_client().get("/healthz").status_code == 200


def test_hostile_integers_are_404_or_ignored(client, world):
    huge = str(10**20)
    client.login("admin@sharaka.test")
    for path in ("/citizen-budget/hebron/2147483648/", "/councils/hebron/cycles/2147483648/",
                 f"/councils/hebron/cycles/{huge}/", f"/admin/users/{2**63}"):
        assert client.get(path).status_code == 404, path
    for path in (f"/councils/hebron/priorities/?year={huge}&sector={huge}&target_group={huge}&locality={huge}",
                 f"/admin/audit?page={huge}", f"/councils/hebron/meetings/?year={huge}"):
        assert client.get(path).status_code == 200, path
    assert client.head("/admin/audit").status_code == 200


def test_hostile_numbers_in_forms_are_form_errors(app):
    from budget_app.admin.forms import ReferenceForm
    from budget_app.cycles.forms import CycleForm
    huge = "9999999999999999999999999"
    with app.test_request_context("/?lang=en", method="POST",
                                  data={"envelope": huge, "fiscal_year": str(10**20), "max_choices": str(2**63)}):
        form = CycleForm(meta={"csrf": False})
        assert not form.validate()
        assert form.envelope.errors == ["This amount is too large."]
        assert form.fiscal_year.data is None and form.fiscal_year.errors
        assert form.max_choices.errors
    with app.test_request_context("/?lang=en", method="POST", data={"sort_order": str(2**31)}):
        from budget_app.reference.models import Sector
        form = ReferenceForm(meta={"csrf": False}, model=Sector)
        form.governorate_id.choices = [(0, "—")]
        form.validate()
        assert form.sort_order.errors == ["This number is too large."]
