"""The large data set (``seed-demo --scale large``), seeded once per test session in a database
of its own (SQLite file, or a PostgreSQL database next to TEST_DATABASE_URL's)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from crawler import id_contexts  # noqa: E402
from helpers import PASSWORD, Client, app_config, drop_postgres_database, is_postgres, make_postgres_database, worker_id  # noqa: E402,E501


@pytest.fixture(scope="session")
def large_site(tmp_path_factory):
    """(app, seconds the large seed took, contexts of real ids to fill in every route)."""
    from budget_app import create_app
    from budget_app.extensions import db

    url = make_postgres_database(f"crawl_{worker_id()}") if is_postgres() else \
        "sqlite:///" + str(tmp_path_factory.mktemp("crawl") / "large.db")
    app = create_app(app_config(url, tmp_path_factory.mktemp("crawl-instance")))
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["seed-demo", "--scale", "large", "--password", PASSWORD])
        seconds = time.perf_counter() - started
        assert result.exit_code == 0, result.output
        contexts = id_contexts()
        db.session.remove()
    yield app, seconds, contexts
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if is_postgres():
        drop_postgres_database(url)
