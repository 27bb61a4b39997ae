"""Files on disk, kept in step with the database transaction.

The folder is ``UPLOAD_DIR`` (``instance/uploads`` by default: outside the web root, nothing
serves it but ``budget_app.uploads.views``, which checks permissions). Names are random
(``3f/3f9a…-web.jpg``, 128 bits), never the uploader's.

A file written during a request is removed again if the request's transaction rolls back (a
refusal, an error), and a file deleted is only removed from disk once the deletion is committed:
the disk never holds a file without its row, nor a row without its file.
"""
from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

_WRITTEN = "sharaka.uploads.written"  # files to remove if the transaction rolls back
_DOOMED = "sharaka.uploads.doomed"  # files to remove once the transaction commits

# What a stored file is called: anything else found in the folder or a backup is not ours.
NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}(?:-web|-thumb)?\.(?:jpg|png|webp|pdf)$")


def root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def new_key() -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"


def path_of(name: str) -> Path:
    if not NAME.match(name):
        raise ValueError(f"not a stored file name: {name!r}")
    return root() / name


def write(session: Session, name: str, data: bytes) -> None:
    """Write ``data`` as ``name`` (atomically, owner-readable only) and forget it on rollback."""
    target = path_of(name)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o640)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    session.info.setdefault(_WRITTEN, []).append(target)


def delete_on_commit(session: Session, names: list[str]) -> None:
    session.info.setdefault(_DOOMED, []).extend(path_of(n) for n in names)


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_DOOMED, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    if previous_transaction.parent is not None:
        return  # a savepoint: the outer transaction decides
    session.info.pop(_DOOMED, None)
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)


def stored_names() -> list[str]:
    """Every stored file under the folder (for backups and checks), sorted."""
    base = root()
    if not base.is_dir():
        return []
    names = (p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())
    return sorted(n for n in names if NAME.match(n))
