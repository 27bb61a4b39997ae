"""Command-line tools: ``flask --app budget_app seed-demo`` and ``create-admin``."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from budget_app import audit, demo, i18n_catalogs
from budget_app.pb_command import pb
from budget_app.auth import services
from budget_app.auth.passwords import password_problem
from budget_app.extensions import db


@click.command("seed-demo")
@click.option("--password", default=None, help="Password of every demo account (else DEMO_PASSWORD, else the default).")
@click.option("--scale", type=click.Choice(["small", "large"]), default="small", show_default=True,
              help="large: add three years of a ministry's data (thousands of priorities, a 66,045-ballot "
                   "Pabulib cycle, 20,000+ audit entries).")
@with_appcontext
def seed_demo(password, scale):
    """Load demo councils, people and data. Running it twice changes nothing."""


    started = time.perf_counter()
    password = password or os.environ.get("DEMO_PASSWORD") or demo.DEFAULT_DEMO_PASSWORD
    ctx = demo.DemoContext(password=password, echo=click.echo)
    demo.run_seeders(ctx)
    if scale == "large":
        from budget_app import demo_large  # only for --scale large: it seeds every feature at once
        with current_app.test_request_context("/?lang=en"):  # services speak English on the command line
            demo_large.seed_large(ctx)
    db.session.commit()
    if scale == "large":
        click.echo(f"seed-demo --scale large: {time.perf_counter() - started:.1f} s")
    if ctx.created:
        click.echo("Demo data created: " + ", ".join(f"{k} {v}" for k, v in sorted(ctx.created.items())))
    else:
        click.echo("Demo data already present; nothing changed.")
    click.echo("\nDemo accounts (password: %s; existing accounts keep the password they were created with):" % password)
    for email, role in [("admin@sharaka.test", "administrator"),
                        ("director@sharaka.test", "budget director of hebron, nablus and yatta"),
                        ("coordinator@sharaka.test", "coordinator of hebron")] + [
            (f"member{i}@sharaka.test", "member of hebron" + (" and nablus" if i <= 3 else "")) for i in range(1, 9)] + [
            ("reviewer@sharaka.test", "technical reviewer of hebron, nablus and yatta (no seat, no vote)")] + [
            (email, "coordinator of " + roles[0][0]) for email, _name, roles in demo.COUNCIL_STAFF
            if roles[0][1] == "coordinator"]:
        click.echo(f"  {email:36} {role}")
    click.echo("")


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.option("--password", default=None, help="Set this password now (else a one-time link is printed).")
@with_appcontext
def create_admin(email, name, password):
    """Create an administrator, or make an existing user one."""

    user = services.find_user(email)
    if user is None:
        user = services.create_user(email, name or email.split("@")[0], is_admin=True)
    else:
        user.is_admin = True
        audit.record("user.update", user, is_admin=True)
    if password:
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


@click.group("translate")
def translate():
    """The message catalog (one per language; English is the source): extract, update, compile."""


@translate.command("extract")
@click.option("-o", "--output", default="messages.pot", show_default=True, help="Where to write the template.")
def translate_extract(output):
    """Extract every translatable string into a .pot template (pybabel extract with babel.cfg)."""

    i18n_catalogs.extract(Path(output).resolve())


@translate.command("update")
def translate_update():
    """Extract and update the Arabic catalog (new strings empty, removed ones dropped)."""
    for locale, n in i18n_catalogs.update().items():
        click.echo(f"{locale}: {n} untranslated")


@translate.command("compile")
def translate_compile():
    """Compile the .mo files (start-up also does this when they are missing or stale)."""
    for path in i18n_catalogs.compile_all():
        click.echo(f"compiled {path}")


@translate.command("check")
def translate_check():
    """List strings used in code but missing or untranslated; exit 1 if any."""
    problems = i18n_catalogs.problems()
    click.echo("\n".join(problems) or "catalog complete")
    raise SystemExit(1 if problems else 0)


@translate.command("missing")
def translate_missing():
    """Print the untranslated Arabic entries as JSON, to fill in and give to `apply`."""

    click.echo(json.dumps(i18n_catalogs.missing("ar"), ensure_ascii=False, indent=1))


@translate.command("apply")
@click.argument("mapping", type=click.Path(exists=True, dir_okay=False))
def translate_apply(mapping):
    """Set Arabic translations from a JSON file {msgid: msgstr} (plurals: a list of 6 forms)."""

    n = i18n_catalogs.apply_translations(json.loads(Path(mapping).read_text(encoding="utf-8")), "ar")
    click.echo(f"{n} set")


def init_app(app):
    app.cli.add_command(translate)
    app.cli.add_command(pb)
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
