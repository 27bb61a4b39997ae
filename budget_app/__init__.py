"""Sharaka: participatory budgeting for joint planning councils for social services."""
from __future__ import annotations

import importlib
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent

# Blueprints, registered in this order. Each is "module:attribute".
BLUEPRINTS = [
    "budget_app.main:bp",
    "budget_app.auth:bp",
    "budget_app.admin:bp",
    "councils:bp",
    "priorities:bp",
    "budget_app.cycles:bp",
    "citizen_budget:bp",
    "citizen_budget.manage:bp",
    "citizen_budget.api:bp",
]

# Packages with a translations/ folder; Flask-Babel merges their catalogs.
TRANSLATION_PACKAGES = ["budget_app", "councils", "priorities", "citizen_budget", "budget_app/cycles"]


def create_app(config: dict | None = None) -> Flask:
    """The application factory. ``config`` overrides what is read from the environment."""
    from budget_app import backup, charts, cli, compression, errors, i18n, markdown, request_log, security
    from budget_app.config import build_config, load_secret_key, normalize_database_url
    from budget_app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from budget_app.models import import_all

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
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        str(ROOT / pkg / "translations") for pkg in TRANSLATION_PACKAGES if (ROOT / pkg / "translations").is_dir()
    )
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = int(app.config["TRUST_PROXY"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    import_all()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    request_log.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    backup.init_app(app)
    markdown.init_app(app)
    charts.init_app(app)
    compression.init_app(app)

    for spec in BLUEPRINTS:
        module_name, attr = spec.split(":")
        app.register_blueprint(getattr(importlib.import_module(module_name), attr))

    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions

    @app.teardown_request
    def _rollback_on_error(exc):
        if exc is not None:
            try:
                db.session.rollback()
            except Exception:  # the connection died with the database; the pool replaces it
                pass

    @app.teardown_appcontext
    def _remove_session(exc):
        # Runs before Flask-SQLAlchemy's own teardown: a connection lost during a database restart
        # must not turn an already-sent 503 into a crash of the worker's request handling.
        try:
            db.session.remove()
        except Exception:
            import logging
            logging.getLogger("sharaka").warning("database session could not be closed cleanly")

    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL lets readers and one writer work at once; the busy timeout makes a second
    writer wait instead of failing; foreign keys are off by default in SQLite."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
