"""Backup and restore of the database.

SQLite: the online backup API (a consistent copy while the app keeps serving — not a file
copy, which can catch a half-written page or miss the WAL). PostgreSQL: ``pg_dump`` in the
custom format and ``pg_restore --clean``, the tools matching the server.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from budget_app.extensions import db


class BackupError(click.ClickException):
    pass


def _pg_args(url) -> tuple[list[str], dict]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def backup_database(path: str | Path) -> Path:
    """Write a consistent backup of the configured database to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(str(path))
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        result = subprocess.run([_tool("pg_dump"), *args, "-Fc", "--no-owner", "-f", str(path), url.database],
                                env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"unsupported database: {url.get_backend_name()}")
    return path


def restore_database(path: str | Path) -> None:
    """Replace the configured database's content with the backup at ``path``."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"no backup at {path}")
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep the old database open
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(str(path))
        try:
            integrity = source.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                raise BackupError(f"the backup file is damaged: {integrity}")
            target = sqlite3.connect(url.database)
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"not a SQLite backup: {exc}") from exc
        finally:
            source.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        result = subprocess.run([_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner",
                                 "--single-transaction", "-d", url.database, str(path)],
                                env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"unsupported database: {url.get_backend_name()}")


def integrity_report() -> dict:
    """Basic checks after a restore: the engine's own check and row counts per table."""
    from sqlalchemy import func, select, text

    report = {"tables": {}}
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            report["integrity"] = conn.execute(text("PRAGMA integrity_check")).scalar()
            report["foreign_keys"] = [tuple(r) for r in conn.execute(text("PRAGMA foreign_key_check"))]
        else:
            report["integrity"] = "ok"
            report["foreign_keys"] = []
        for table in db.metadata.sorted_tables:
            report["tables"][table.name] = conn.execute(select(func.count()).select_from(table)).scalar()
    return report


@click.command("backup")
@click.argument("path")
@with_appcontext
def backup_command(path):
    """Back up the database to PATH (SQLite online backup, or pg_dump custom format)."""
    written = backup_database(path)
    click.echo(f"Backup written to {written} ({written.stat().st_size:,} bytes)")


@click.command("restore")
@click.argument("path")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path, yes):
    """Replace the database's content with the backup at PATH."""
    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    restore_database(path)
    report = integrity_report()
    if report["integrity"] != "ok" or report["foreign_keys"]:
        raise BackupError(f"restored, but the integrity check failed: {report}")
    click.echo("Restored; integrity ok; " + ", ".join(f"{k} {v}" for k, v in report["tables"].items() if v))


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
