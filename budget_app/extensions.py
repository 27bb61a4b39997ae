"""Flask extensions, created once and bound to the app in ``create_app``."""
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from budget_app import ratelimit_memory  # noqa: F401  registers the sharaka-memory:// rate-limit storage

# A naming convention makes constraint names stable across SQLite and PostgreSQL,
# so Alembic can drop or alter them later (batch mode on SQLite needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


MIGRATIONS = {"render_as_batch": True, "compare_type": True}
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class _DeferredMigrate:
    """``app.extensions["migrate"]`` until first used: Flask-Migrate imports Alembic (0.15 s), which
    only ``flask db …`` and the migration tests need. The first attribute read sets up the real one."""

    def __init__(self, app):
        self._app = app

    def load(self):
        from flask_migrate import Migrate  # Alembic under it: only for migrations, not at start-up
        Migrate().init_app(self._app, db, directory=str(MIGRATIONS_DIR), **MIGRATIONS)
        return self._app.extensions["migrate"]

    def __getattr__(self, name):
        return getattr(self.load(), name)


def init_migrate(app) -> None:
    """``flask db`` stays listed; running it (or reading ``app.extensions["migrate"]``) loads Flask-Migrate."""

    deferred = _DeferredMigrate(app)
    app.extensions["migrate"] = deferred

    class Commands(AppGroup):
        def get_command(self, ctx, name):
            if name == "db" and app.extensions["migrate"] is deferred:
                deferred.load()  # replaces the placeholder below with Flask-Migrate's group
            return super().get_command(ctx, name)

    commands = Commands(app.cli.name)
    commands.commands.update(app.cli.commands)
    commands.add_command(click.Group("db", help="Perform database migrations."))
    app.cli = commands
