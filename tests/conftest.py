"""Shared fixtures.

- ``app``: a fresh app on the test database (SQLite file per worker by default; PostgreSQL
  when TEST_DATABASE_URL or DATABASE_URL names one — a database of its own per xdist worker
  is created next to it, the named database itself is never touched). Every table is
  emptied after each test.
- ``world``: the demo core (councils, people, reference lists) with ``PASSWORD``, plus an
  ``outsider`` who is a member of nablus only.
- ``client``: a test client with ``login(email)``, ``post_form(url, data)`` (adds the CSRF
  token) and ``csrf_token()``.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import text

from helpers import (PASSWORD, ROLE_EMAILS, Client, app_config, drop_postgres_database,  # noqa: F401
                     is_postgres, make_postgres_database, page_text, worker_id)

def pytest_addoption(parser):
    parser.addoption("--crawl", choices=("subset", "full"), default="subset",
                     help="tests/crawl: 'subset' (make test) crawls in Arabic as every role; 'full' (CI) in "
                          "Arabic and English with more URLs per route.")


_CRAWL_SUMMARIES: list[str] = []


def pytest_runtest_logreport(report):
    """Collect the crawl's summary (sent by xdist workers with the report) to print at the end."""
    if report.when == "call":
        _CRAWL_SUMMARIES.extend(v for k, v in getattr(report, "user_properties", []) if k == "crawl_summary")


def pytest_terminal_summary(terminalreporter):
    for text in _CRAWL_SUMMARIES:
        terminalreporter.write_line(text)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if is_postgres():
        url = make_postgres_database(f"t_{worker_id()}")
        yield url
        drop_postgres_database(url)
    else:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Create every table once per worker (tests may use create_all; the app never does)."""
    from budget_app import create_app
    from budget_app.extensions import db

    app = create_app(app_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        db.create_all()
    return database_url


@pytest.fixture
def app(_schema, tmp_path, monkeypatch):
    from budget_app import create_app
    from budget_app.extensions import db

    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(app_config(_schema))
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables(db)
        db.engine.dispose()


def _empty_all_tables(db) -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            # DELETE, children first, then every sequence back to 1: on small tables this is several
            # times faster than TRUNCATE, which replaces each table's files.
            conn.execute(text("; ".join(f'DELETE FROM "{t.name}"' for t in tables)))
            sequences = conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
                                          " AND last_value IS NOT NULL")).scalars().all()
            if sequences:
                conn.execute(text("SELECT " + ", ".join(f"setval('\"{s}\"', 1, false)" for s in sequences)))
        else:
            for table in tables:
                conn.execute(table.delete())
            if conn.execute(text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first():
                conn.execute(text("DELETE FROM sqlite_sequence"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# Factories -------------------------------------------------------------------
@pytest.fixture
def make_user(app):
    from budget_app.auth.models import User
    from budget_app.extensions import db
    from budget_app.tenancy import Council, Membership

    def factory(email: str, *, password: str = PASSWORD, is_admin: bool = False, roles: dict | None = None,
                name: str = "", active: bool = True):
        user = User(email=email, name=name or email.split("@")[0], is_admin=is_admin, active=active)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        for slug, role in (roles or {}).items():
            council = Council.query.filter_by(slug=slug).one()
            db.session.add(Membership(user=user, council=council, role=role, organization_name="Org",
                                      organization_type="ngo"))
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_council(app):
    from budget_app.extensions import db
    from budget_app.tenancy import Council

    def factory(slug: str, **kw):
        council = Council(slug=slug, name_ar=kw.pop("name_ar", f"مجلس {slug}"),
                          name_en=kw.pop("name_en", f"Council {slug}"), **kw)
        db.session.add(council)
        db.session.commit()
        return council

    return factory


@pytest.fixture
def world(app, make_user):
    """The demo core data: 7 councils, admin, director, coordinator, member1..8, outsider."""
    from budget_app import demo
    from budget_app.auth.models import User
    from budget_app.extensions import db
    from budget_app.tenancy import Council

    demo.seed_core(demo.DemoContext(password=PASSWORD, echo=lambda *a: None))
    db.session.commit()
    make_user("outsider@sharaka.test", roles={"nablus": "member"})
    users = {u.email.split("@")[0]: u for u in User.query}
    councils = {c.slug: c for c in Council.query}
    return SimpleNamespace(users=users, councils=councils, hebron=councils["hebron"], nablus=councils["nablus"],
                           password=PASSWORD)




# The longest tests go first, so that the xdist workers share them out at the start instead of
# one worker finishing a crawl alone at the end (the order of the rest is kept).
LONG_FIRST = ("tests/crawl/", "tests/browser/test_phone_width.py", "tests/test_integer_fuzz.py",
              "tests/test_navigation_crawl.py", "tests/tally/test_tally_random.py",
              "tests/core/test_vote_integrity.py", "tests/browser/test_cycles_flow.py")


# The tally engine's own tests (pure functions on arrays: no app, no database) run once, on the
# SQLite run; on the PostgreSQL run they would repeat the same computation with nothing of the
# database in it. A test there that asks for the database still runs on both.
DATABASE_FREE = ("tests/tally/",)


def pytest_collection_modifyitems(session, config, items):
    def rank(item):
        path = item.nodeid
        return next((i for i, prefix in enumerate(LONG_FIRST) if path.startswith(prefix)), len(LONG_FIRST))

    if is_postgres():
        once = [item for item in items if item.nodeid.startswith(DATABASE_FREE)
                and "database_url" not in getattr(item, "fixturenames", ())]
        if once:
            config.hook.pytest_deselected(items=once)
            kept = set(map(id, once))
            items[:] = [item for item in items if id(item) not in kept]
    items.sort(key=rank)
