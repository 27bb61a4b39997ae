"""seed-demo and create-admin."""
from __future__ import annotations


def table_counts(db) -> dict:
    from sqlalchemy import func, select
    return {t.name: db.session.execute(select(func.count()).select_from(t)).scalar() for t in db.metadata.sorted_tables}


def test_seed_demo_is_idempotent_and_prints_accounts(app, runner):
    from budget_app.auth.models import User
    from budget_app.extensions import db
    from budget_app.tenancy import Council

    result = runner.invoke(args=["seed-demo", "--password", "a demo pass phrase"])
    assert result.exit_code == 0, result.output
    assert "admin@sharaka.test" in result.output and "member8@sharaka.test" in result.output
    first = table_counts(db)
    assert {c.slug for c in Council.query} >= {"hebron", "nablus", "jerusalem", "ramallah", "tulkarm", "yatta", "tubas"}
    director = User.query.filter_by(email="director@sharaka.test").one()
    # The director also prepares yatta's cycle of next year (the demo's cycle "being prepared").
    assert {m.council.slug: m.role for m in director.memberships} == {"hebron": "director", "nablus": "director",
                                                                     "yatta": "director"}
    # Every seeded council has a coordinator (nablus had none: nobody could enter paper ballots or moderate).
    for council in Council.query:
        assert [m for m in council.memberships if m.role == "coordinator"], council.slug
    assert User.query.filter_by(email="coordinator@sharaka.test").one().role_in(Council.query.filter_by(slug="hebron").one()) == "coordinator"
    nablus_members = [m for m in Council.query.filter_by(slug="nablus").one().memberships if m.role == "member"]
    assert len(nablus_members) >= 2
    assert director.check_password("a demo pass phrase")
    result = runner.invoke(args=["seed-demo", "--password", "a demo pass phrase"])
    assert result.exit_code == 0
    audit_before = first.pop("audit_log")
    second = table_counts(db)
    assert second.pop("audit_log") == audit_before
    assert second == first


def test_seed_demo_password_from_environment(app, runner, monkeypatch):
    from budget_app.auth.models import User
    monkeypatch.setenv("DEMO_PASSWORD", "from the environment")
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert User.query.filter_by(email="member1@sharaka.test").one().check_password("from the environment")


def test_no_administrator_exists_unless_created(app):
    from budget_app.auth.models import User
    assert User.query.filter_by(is_admin=True).count() == 0


def test_create_admin_prints_a_one_time_link(app, runner):
    from budget_app.auth.models import User
    result = runner.invoke(args=["create-admin", "Boss@Ministry.test"])
    assert result.exit_code == 0, result.output
    assert "/set-password/" in result.output
    user = User.query.filter_by(email="boss@ministry.test").one()
    assert user.is_admin and user.password_hash is None


def test_create_admin_with_password_checks_policy(app, runner):
    from budget_app.auth.models import User
    result = runner.invoke(args=["create-admin", "boss@ministry.test", "--password", "12345678"])
    assert result.exit_code != 0 and "too common" in result.output
    assert User.query.count() == 0
    result = runner.invoke(args=["create-admin", "boss@ministry.test", "--password", "a long pass phrase"])
    assert result.exit_code == 0
    assert User.query.one().check_password("a long pass phrase")
