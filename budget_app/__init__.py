"""Sharaka: participatory budgeting for joint planning councils for social services."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

# Nothing heavy is imported here: ``python -m budget_app.tally`` imports this package too, and
# should load neither Flask nor SQLAlchemy. create_app() imports what the application needs.
ROOT = Path(__file__).resolve().parent.parent



def feature_list() -> list:
    """Every feature of the application, in order (budget_app.features): the one list naming them.

    Imported here, not at the top: the feature packages import budget_app's modules, so they can
    only be imported once this package is."""
    # The composition root: the only module that names every feature.
    import citizen_budget
    import councils
    import priorities
    import simulator
    from budget_app import admin, auth, cycles, main, notifications, uploads
    from budget_app.features import CORE
    from priorities import consultations

    return [CORE, main.feature, auth.feature, admin.feature, uploads.feature, notifications.feature, councils.feature,
            priorities.feature, consultations.feature, cycles.feature, citizen_budget.feature, simulator.feature]


def create_app(config: dict | None = None) -> Flask:
    """The application factory. ``config`` overrides what is read from the environment.

    Libraries that only some requests need (pandas, openpyxl, Plotly, NumPy for the tally,
    Alembic for migrations) are imported where they are used, not here: a worker or the
    command line starts in about half the time."""
    # Here, not at the top: ``import budget_app`` loads neither Flask nor SQLAlchemy (see above).
    from flask import Flask
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from budget_app import (backup, bounds, charts, cli, compression, deadline, errors, form_messages, i18n, markdown,
                            navigation, notifications, request_log, security, static_assets, transaction)
    from budget_app.config import build_config, load_secret_key, normalize_database_url
    from budget_app.extensions import babel, csrf, db, init_migrate, limiter, login_manager
    from budget_app.features import install, register_blueprints
    from budget_app.url_rules import LazyBuilderRule

    app = Flask(
        __name__,
        instance_path=os.environ.get("SHARAKA_INSTANCE_PATH", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(build_config(app.instance_path))
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)
    # One catalog per language for the whole application (see budget_app/i18n_catalogs.py).
    from budget_app.i18n_catalogs import TRANSLATIONS, ensure_compiled
    ensure_compiled()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix  # only behind a reverse proxy
        hops = int(app.config["TRUST_PROXY"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    for name, listener in (("connect", _sqlite_pragmas), ("savepoint", _sqlite_begin_before_savepoint)):
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)
    app.url_rule_class = LazyBuilderRule  # before any rule is added
    bounds.init_app(app)  # before any rule is added
    install(app, feature_list())  # imports every feature's models
    db.init_app(app)
    transaction.init_app(app)  # first: its after_request hook (the request's commit) runs last
    init_migrate(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.install_fast_babel_context()
    limiter.init_app(app)
    request_log.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    form_messages.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    backup.init_app(app)
    markdown.init_app(app)
    charts.init_app(app)
    compression.init_app(app)
    static_assets.init_app(app)
    navigation.init_app(app)
    notifications.init_app(app)
    deadline.init_app(app)  # last: its after_request hook runs first

    register_blueprints(app)

    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions

    @app.teardown_appcontext
    def _remove_session(exc):
        # Runs before Flask-SQLAlchemy's own teardown: a connection lost during a database restart
        # must not turn an already-sent 503 into a crash of the worker's request handling.
        try:
            db.session.remove()
        except Exception:
            import logging  # only on this rare path; the package imports no more than it needs
            logging.getLogger("sharaka").warning("database session could not be closed cleanly")

    return app


def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL lets readers and one writer work at once; the busy timeout makes a second
    writer wait instead of failing; foreign keys are off by default in SQLite."""
    import sqlite3  # the listener runs for every engine; the package imports nothing at the top

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _sqlite_begin_before_savepoint(conn, name):
    """pysqlite opens a transaction only before INSERT/UPDATE/DELETE. A SAVEPOINT issued first
    (``begin_nested()`` after mere SELECTs) then starts the transaction itself, and releasing it
    commits everything at once: the rows of an import that is refused later stayed in the
    database. Open the real transaction first, so the savepoint nests inside it and the request's
    single commit or rollback decides (what SQLAlchemy's "pysqlite savepoint" recipe restores).

    IMMEDIATE: a savepoint is there because writes follow. Taking the write lock now makes a
    concurrent writer wait and then read what this one committed; a deferred transaction would
    hold a stale snapshot and fail on its first write ("one ballot per member" retries,
    budget_app.transaction.retry_on_conflict)."""
    import sqlite3  # the listener runs for every engine; the package imports nothing at the top

    dbapi_connection = conn.connection.dbapi_connection
    if isinstance(dbapi_connection, sqlite3.Connection) and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")
