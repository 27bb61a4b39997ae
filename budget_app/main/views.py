from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from budget_app.extensions import db
from budget_app.navigation import card_links
from budget_app.tenancy import Council

bp = Blueprint("main", __name__)


@bp.route("/")
def index():


    councils = Council.query.filter_by(active=True).order_by(Council.id).all()
    return render_template("main/index.html", councils=councils, card_links=card_links(councils))


@bp.route("/dashboard")
@login_required
def dashboard():

    if current_user.is_admin:
        councils = Council.query.order_by(Council.id).all()
    else:
        councils = [m.council for m in current_user.memberships]
    return render_template("main/dashboard.html", councils=councils)


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every site, whatever the page says: answer it (cached a week)."""

    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # the database is down or unreachable: say so, do not crash (503 rolls back)
        return jsonify({"status": "error", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
