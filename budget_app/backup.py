"""Backup and restore of the database and of the uploaded files.

SQLite: the online backup API (a consistent copy while the app keeps serving — not a file
copy, which can catch a half-written page or miss the WAL). PostgreSQL: ``pg_dump`` in the
custom format and ``pg_restore --clean``, the tools matching the server.

The photos and documents (``UPLOAD_DIR``) go into ``PATH.files.tar`` beside the database's
backup, written after it: a file uploaded meanwhile is at worst in the archive without its row
(harmless). A restore replaces the folder's content with the archive's, checking each name, and
the integrity check then verifies every attachment's file against its SHA-256.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from budget_app.extensions import db
from budget_app.uploads import storage
from budget_app.uploads.models import Attachment


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


def files_archive(path: str | Path) -> Path:
    """Where the uploaded files of the backup at ``path`` are."""
    path = Path(path)
    return path.with_name(path.name + ".files.tar")


def backup_files(path: str | Path) -> tuple[Path, int]:
    """Write every stored upload into ``files_archive(path)``; returns it and how many files."""
    archive, names = files_archive(path), storage.stored_names()
    partial = archive.with_name(archive.name + ".part")
    with tarfile.open(partial, "w") as tar:
        for name in names:
            tar.add(storage.root() / name, arcname=name, recursive=False)
    os.replace(partial, archive)
    return archive, len(names)


def restore_files(path: str | Path) -> int | None:
    """Replace the upload folder's content with ``files_archive(path)`` (None: the backup has none).

    Only regular files named as the storage names them are taken (no links, no ``..``, nothing
    outside the folder); the folder is swapped whole, so a failed restore leaves the old one."""
    archive = files_archive(path)
    if not archive.exists():
        return None
    root = storage.root()
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root.parent, prefix=".restore-"))
    count = 0
    try:
        with tarfile.open(archive, "r") as tar:
            for member in tar:
                if not member.isfile() or not storage.NAME.match(member.name):
                    raise BackupError(f"unexpected entry in {archive}: {member.name!r}")
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
                os.chmod(target, 0o640)
                count += 1
        old = root.with_name(root.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if root.exists():
            os.replace(root, old)
        os.replace(staging, root)
        shutil.rmtree(old, ignore_errors=True)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"the files archive cannot be restored: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return count


def missing_files() -> list[str]:
    """Attachments whose stored files are missing, or whose main file differs from its SHA-256."""
    problems = []
    for row in Attachment.query.order_by(Attachment.id):
        for name in row.filenames():
            if not storage.path_of(name).is_file():
                problems.append(f"attachment {row.id}: {name} missing")
        main = storage.path_of(row.filename("web" if row.is_photo else "file"))
        if main.is_file() and hashlib.sha256(main.read_bytes()).hexdigest() != row.sha256:
            problems.append(f"attachment {row.id}: {main.name} differs from its SHA-256")
    return problems


def integrity_report() -> dict:
    """Basic checks after a restore: the engine's own check and row counts per table."""

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
    report["files"] = missing_files()
    return report


@click.command("backup")
@click.argument("path")
@with_appcontext
def backup_command(path):
    """Back up the database to PATH (SQLite online backup, or pg_dump custom format) and the
    uploaded files to PATH.files.tar."""
    written = backup_database(path)
    click.echo(f"Backup written to {written} ({written.stat().st_size:,} bytes)")
    archive, count = backup_files(path)
    click.echo(f"Uploaded files: {count:,} in {archive} ({archive.stat().st_size:,} bytes)")


@click.command("restore")
@click.argument("path")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path, yes):
    """Replace the database's content with the backup at PATH, and the uploaded files with
    PATH.files.tar when it exists."""
    if not yes:
        click.confirm("This replaces everything in the database and the uploaded files. Continue?", abort=True)
    restore_database(path)
    restored = restore_files(path)
    click.echo("No files archive beside the backup: the uploaded files are left as they are." if restored is None
               else f"Uploaded files restored: {restored:,}")
    report = integrity_report()
    if report["integrity"] != "ok" or report["foreign_keys"] or report["files"]:
        raise BackupError(f"restored, but the integrity check failed: {report}")
    click.echo("Restored; integrity ok; " + ", ".join(f"{k} {v}" for k, v in report["tables"].items() if v))


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
