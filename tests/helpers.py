"""Test helpers shared by every test package (import with ``from helpers import ...``)."""
from __future__ import annotations

import hashlib
import os
import re

from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PASSWORD = "correct horse battery staple"
TEST_SECRET = "test-secret-key-not-for-production"


def _base_database_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql")):
        from budget_app.config import normalize_database_url
        return normalize_database_url(url)
    return None


def worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def make_postgres_database(suffix: str) -> str:
    """Create (or recreate) an empty database ``<base>_<suffix>`` and return its URL."""
    base = make_url(_base_database_url())
    name = f"{base.database or 'sharaka'}_{suffix}"[:63]
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    u = make_url(url)
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
    admin.dispose()


def is_postgres() -> bool:
    return _base_database_url() is not None


def app_config(database_url: str, instance_path=None) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; production uses scrypt
        "RATELIMIT_STORAGE_URI": "sharaka-memory://",
        "SERVER_NAME": None,
        "SMTP_HOST": None,  # no email unless a test starts its SMTP capture (tests/core/test_notifications.py)
        "REQUEST_DEADLINE_SECONDS": 0,
        "LOGIN_SLOWDOWN_SECONDS": 0,  # tests check that unknown browsers are slowed, without waiting  # a loaded test machine must not turn slow requests into 503s
    }
    if database_url.startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    return config


class Client(FlaskClient):
    """A test client that knows how to log in and to send forms with a CSRF token.

    Each request runs in an app context of its own (fresh ``g`` and database session), as it
    would on a server, even though the test itself holds one open; afterwards the test's own
    session forgets what it had loaded, so it reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        from budget_app.extensions import db

        with self.application.app_context():
            response = super().open(*args, **kwargs)
        try:
            db.session.expire_all()
        except RuntimeError:  # no app context in the test
            pass
        return response

    def csrf_token(self) -> str:
        with self.session_transaction() as sess:
            raw = sess.get("csrf_token")
            if raw is None:
                raw = sess["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post_form(self, url, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        response = self.post_form("/login", {"email": email, "password": password})
        assert response.status_code == 302, f"login as {email} failed: {response.status_code}"
        return response

    def logout(self):
        return self.post_form("/logout")


def page_text(response) -> str:
    """The visible text of an HTML response, whitespace folded (for assertions)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


ROLE_EMAILS = {
    "anonymous": None,
    "outsider": "outsider@sharaka.test",
    "member": "member4@sharaka.test",
    "coordinator": "coordinator@sharaka.test",
    "director": "director@sharaka.test",
    "reviewer": "reviewer@sharaka.test",
    "admin": "admin@sharaka.test",
}


def insert_row(conn, table, **values):
    """Insert a row (migration tests, on a schema of the past) giving every NOT NULL column without a
    default a plain value of its type; returns its primary key."""
    import datetime as dt  # only the migration tests need these

    import sqlalchemy as sa
    meta = sa.MetaData()
    tbl = sa.Table(table, meta, autoload_with=conn)
    row = {}
    for col in tbl.columns:
        if col.name in values or col.nullable or col.primary_key or col.server_default is not None:
            continue
        kind = col.type
        if isinstance(kind, sa.Boolean):
            row[col.name] = False
        elif isinstance(kind, (sa.Integer, sa.BigInteger)):
            row[col.name] = 1
        elif isinstance(kind, sa.DateTime):
            row[col.name] = dt.datetime(2026, 1, 1)
        elif isinstance(kind, sa.Date):
            row[col.name] = dt.date(2026, 1, 1)
        else:
            row[col.name] = ""
    row.update(values)
    return conn.execute(tbl.insert().values(**row)).inserted_primary_key[0]
