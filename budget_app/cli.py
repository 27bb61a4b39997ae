"""Command-line tools: ``flask --app budget_app seed-demo`` and ``create-admin``."""
from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import with_appcontext

from budget_app.extensions import db


@click.command("seed-demo")
@click.option("--password", default=None, help="Password of every demo account (else DEMO_PASSWORD, else the default).")
@with_appcontext
def seed_demo(password):
    """Load demo councils, people and data. Running it twice changes nothing."""
    from budget_app import demo

    password = password or os.environ.get("DEMO_PASSWORD") or demo.DEFAULT_DEMO_PASSWORD
    ctx = demo.DemoContext(password=password, echo=click.echo)
    demo.run_seeders(ctx)
    db.session.commit()
    if ctx.created:
        click.echo("Demo data created: " + ", ".join(f"{k} {v}" for k, v in sorted(ctx.created.items())))
    else:
        click.echo("Demo data already present; nothing changed.")
    click.echo("\nDemo accounts (password: %s; existing accounts keep the password they were created with):" % password)
    for email, role in [("admin@sharaka.test", "administrator"),
                        ("director@sharaka.test", "budget director of hebron and nablus"),
                        ("coordinator@sharaka.test", "coordinator of hebron")] + [
            (f"member{i}@sharaka.test", "member of hebron" + (" and nablus" if i <= 3 else "")) for i in range(1, 9)]:
        click.echo(f"  {email:28} {role}")
    click.echo("")


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.option("--password", default=None, help="Set this password now (else a one-time link is printed).")
@with_appcontext
def create_admin(email, name, password):
    """Create an administrator, or make an existing user one."""
    from budget_app import audit
    from budget_app.auth import services
    from budget_app.auth.passwords import password_problem

    user = services.find_user(email)
    if user is None:
        user = services.create_user(email, name or email.split("@")[0], is_admin=True)
    else:
        user.is_admin = True
        audit.record("user.update", user, is_admin=True)
    if password:
        from flask_babel import force_locale
        with force_locale("en"):  # the command line speaks English, like the rest of its output
            problem = password_problem(password, email)
        if problem:
            db.session.rollback()
            raise click.ClickException(problem)
        services.set_password(user, password)
        db.session.commit()
        click.echo(f"Administrator {user.email} is ready.")
        return
    base = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    with current_app.test_request_context(base_url=base):
        link = services.issue_password_link(user)
    db.session.commit()
    click.echo(f"Administrator {user.email} is ready. Set the password here (one use): {link}")


def init_app(app):
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
