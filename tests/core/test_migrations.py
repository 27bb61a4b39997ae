"""The migrations build exactly the schema the models describe, and undo it, on the test
database's engine (SQLite by default, PostgreSQL in the second CI run)."""
from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from helpers import app_config, drop_postgres_database, insert_row, is_postgres, make_postgres_database, worker_id


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


def test_cycle_json_columns_keep_their_data_both_ways(empty_database, tmp_path, monkeypatch):
    """0011: the tally, override and approval result stored as text become JSON values ('' becomes
    NULL), and going back gives the very same text."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from budget_app import create_app
    from budget_app.extensions import db

    tally = ('{"main": {"selected": ["P02", "P01"], "total_cost": 5}, "ballots": 3, '
             '"comparison": {"greedy": {}, "mes": {}}}')
    override = '{"selected": ["P01"], "added": [], "removed": ["P02"]}'
    result = '{"yes": 2, "no": 0, "approved": true}'
    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path))
    app = create_app(app_config(empty_database))
    with app.app_context():
        upgrade(revision="0010_proposal_review")
        with db.engine.begin() as conn:
            council = insert_row(conn, "council", slug="hebron", name_ar="الخليل", name_en="Hebron")
            decided = insert_row(conn, "budget_cycle", council_id=council, fiscal_year=2026, title_ar="x",
                                 envelope_minor=100, tally_json=tally, override_json=override,
                                 approval_result_json=result)
            preparing = insert_row(conn, "budget_cycle", council_id=council, fiscal_year=2027, title_ar="y",
                                   envelope_minor=100)
        upgrade()
        cycles = sa.Table("budget_cycle", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                          *(sa.Column(name, sa.JSON(none_as_null=True))
                            for name in ("tally_json", "override_json", "approval_result_json")))
        with db.engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(sa.select(cycles))}
            assert rows[decided].tally_json == json.loads(tally)
            assert list(rows[decided].tally_json["comparison"]) == ["greedy", "mes"]  # order kept (JSONB: mes first)
            assert rows[decided].override_json == json.loads(override)
            assert rows[decided].approval_result_json == {"yes": 2, "no": 0, "approved": True}
            assert (rows[preparing].tally_json, rows[preparing].override_json,
                    rows[preparing].approval_result_json) == (None, None, None)
            nulls = conn.execute(sa.text("SELECT COUNT(*) FROM budget_cycle WHERE tally_json IS NULL")).scalar()
            assert nulls == 1
        downgrade(revision="0010_proposal_review")
        with db.engine.connect() as conn:
            back = {r[0]: tuple(r[1:]) for r in conn.execute(sa.text(
                "SELECT id, tally_json, override_json, approval_result_json FROM budget_cycle"))}
        assert back == {decided: (tally, override, result), preparing: ("", "", "")}
        db.engine.dispose()


def test_simulations_before_priority_lines_are_of_sectors_and_come_back_intact(empty_database, tmp_path,
                                                                               monkeypatch):
    """0013: a simulation made before lines could be priorities is a simulation of sectors, its
    lines keep their amounts; going back drops only the new columns."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from budget_app import create_app
    from budget_app.extensions import db

    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path))
    app = create_app(app_config(empty_database))
    with app.app_context():
        upgrade(revision="0012_interest_declarations")
        with db.engine.begin() as conn:
            council = insert_row(conn, "council", slug="hebron", name_ar="الخليل", name_en="Hebron")
            sim = insert_row(conn, "budget_simulation", council_id=council, fiscal_year=2027, title_ar="م",
                             envelope_minor=900_000_00)
            line = insert_row(conn, "budget_simulation_line", simulation_id=sim, code="youth", label_ar="شباب",
                              baseline_minor=300_000_00, min_minor=10_00)
            insert_row(conn, "budget_simulation_submission", simulation_id=sim, token="t1", amounts_json="{}",
                       address_hash="h")
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT line_source FROM budget_simulation")).scalar_one() == "sectors"
            row = conn.execute(sa.text("SELECT id, baseline_minor, min_minor, priority_id, estimated_cost_minor "
                                       "FROM budget_simulation_line")).one()
            assert tuple(row) == (line, 300_000_00, 10_00, None, None)
        downgrade(revision="0012_interest_declarations")
        columns = {c["name"] for c in inspect(db.engine).get_columns("budget_simulation_line")}
        assert "priority_id" not in columns and "estimated_cost_minor" not in columns
        assert "line_source" not in {c["name"] for c in inspect(db.engine).get_columns("budget_simulation")}
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT baseline_minor FROM budget_simulation_line")).scalar_one() == 300_000_00
            # Nothing cascaded away from the simulation (SQLite rebuilds tables in batch mode).
            assert conn.execute(sa.text("SELECT COUNT(*) FROM budget_simulation_submission")).scalar_one() == 1
        db.engine.dispose()


def _row_counts(engine) -> dict[str, int]:
    import sqlalchemy as sa

    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{t}"')).scalar()
                for t in inspect(conn).get_table_names() if t != "alembic_version"}


def test_no_migration_loses_rows_of_the_tables_it_keeps(empty_database, tmp_path, monkeypatch):
    """The demo's data, one migration down at a time to the first budget-cycle schema and up again:
    every table that exists on both sides keeps every row. On SQLite, Alembic's batch mode rebuilds
    a table and drops the old one, and with foreign keys on that DROP deleted every row referencing
    it through ON DELETE CASCADE (0011 emptied proposals, ballots and approval votes both ways)."""
    from flask_migrate import downgrade, upgrade

    from budget_app import create_app
    from budget_app.extensions import db
    from helpers import PASSWORD

    chain = ["0013_simulator_priority_lines", "0012_interest_declarations", "0011_cycle_json_columns",
             "0010_proposal_review", "0009_notifications", "0008_consultations", "0007_attachments",
             "0006_budget_simulator", "0005_security_login_failures", "0005_approval_member_gender",
             "0005_approval_electorate", "0004"]
    monkeypatch.setenv("SHARAKA_INSTANCE_PATH", str(tmp_path))
    app = create_app(app_config(empty_database, tmp_path / "instance"))
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["seed-demo", "--password", PASSWORD])
        assert result.exit_code == 0, result.output
        db.session.remove()
        at_head = _row_counts(db.engine)
        assert at_head["allocation_proposal"] and at_head["ballot"] and at_head["allocation_approval_vote"]
        lost = []
        for revision in chain[1:]:
            downgrade(revision=revision)
            now = _row_counts(db.engine)
            lost += [f"down to {revision}: {t} {at_head[t]} → {n}" for t, n in now.items() if n != at_head[t]]
        kept = set(now)  # the tables of the oldest schema: those made later come back empty
        for revision in reversed(chain[:-1]):
            upgrade(revision=revision)
            now = _row_counts(db.engine)
            lost += [f"up to {revision}: {t} {at_head[t]} → {n}" for t, n in now.items()
                     if n != at_head[t] and t in kept]
        db.engine.dispose()
    assert not lost, "rows lost by migrations:\n" + "\n".join(lost)
