"""Structured request logs; backup and restore drill."""
from __future__ import annotations

import io
import json
import logging

import pytest

from helpers import PASSWORD


@pytest.fixture
def log_lines():
    from budget_app.request_log import JsonFormatter, logger
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_request_log_lines_are_json_without_secrets(client, world, app, log_lines):
    from budget_app.auth import services
    from budget_app.extensions import db
    with app.test_request_context():
        link = services.issue_password_link(world.users["member1"])
    db.session.commit()
    token_path = link.split("localhost", 1)[1]
    client.get(token_path)
    client.login("member1@sharaka.test")
    client.get("/dashboard", headers={"X-Request-ID": "abc injected\"}"})
    lines = log_lines()
    assert {"time", "request_id", "user_id", "route", "status", "duration_ms", "method"} <= set(lines[0])
    text = json.dumps(lines)
    assert token_path.rsplit("/", 1)[1] not in text
    assert PASSWORD not in text
    assert "/set-password/<token>" in [line["route"] for line in lines]
    dashboard = [line for line in lines if line["route"] == "/dashboard"][-1]
    assert dashboard["user_id"] == world.users["member1"].id and dashboard["status"] == 200
    assert "injected" not in dashboard["request_id"]
    assert lines[0]["time"].endswith("+00:00")


def test_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "req-12345678"})
    assert response.headers["X-Request-ID"] == "req-12345678"


def test_backup_restore_drill(app, world, runner, tmp_path):
    """Back up, destroy, restore, check integrity, and recount every decided cycle."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cycles"))
    from cycles_testlib import make_cycle

    from budget_app.auth.models import User
    from budget_app.backup import integrity_report
    from budget_app.cycles.models import BudgetCycle
    from budget_app.cycles.tallying import run_tally
    from budget_app.extensions import db

    make_cycle(world, "approved", rule="mes", year=2025)
    make_cycle(world, "decided", method="cumulative", rule="greedy", year=2026)

    before = integrity_report()
    assert before["integrity"] == "ok"
    path = tmp_path / "sharaka.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0

    # Destroy: delete people and councils' memberships.
    from budget_app.tenancy import Membership
    Membership.query.delete()
    User.query.filter(User.email.like("member%")).delete(synchronize_session=False)
    db.session.commit()
    assert integrity_report()["tables"]["user_account"] < before["tables"]["user_account"]

    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    after = integrity_report()
    assert after == before
    assert User.query.filter_by(email="member1@sharaka.test").one().check_password(PASSWORD)
    closed = [c for c in BudgetCycle.query if c.tally_json]
    assert len(closed) == 2
    for cycle in closed:
        stored = cycle.tally_json["main"]
        recount = run_tally(cycle).to_dict()
        assert recount["selected"] == stored["selected"]
        assert recount["total_cost"] == stored["total_cost"]


def test_restore_refuses_a_non_backup(app, runner, tmp_path):
    bogus = tmp_path / "not-a-backup"
    bogus.write_bytes(b"this is not a database" * 100)
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert "failed" in result.output or "not a SQLite backup" in result.output or "damaged" in result.output
