"""The migrations build exactly the schema the models describe, and undo it, on the test
database's engine (SQLite by default, PostgreSQL in the second CI run)."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from helpers import app_config, drop_postgres_database, is_postgres, make_postgres_database, worker_id


@pytest.fixture
def empty_database(tmp_path):
    if is_postgres():
        url = make_postgres_database(f"mig_{worker_id()}")
        yield url
        drop_postgres_database(url)
    else:
        yield "sqlite:///" + str(tmp_path / "migrations.db")


def test_upgrade_matches_models_then_downgrade_to_base(empty_database, tmp_path, monkeypatch):
    from flask_migrate import downgrade, upgrade

    from budget_app import create_app
    from budget_app.extensions import db

    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path))
    app = create_app(app_config(empty_database))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        leftover = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert leftover == set()
        upgrade()  # and up again: downgrade left nothing behind that blocks it
        db.engine.dispose()


def test_migrations_have_a_single_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from budget_app import ROOT

    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads: {heads}; add a merge migration"
