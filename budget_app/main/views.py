from __future__ import annotations

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from budget_app.extensions import db
from budget_app.main import bp


@bp.route("/")
def index():
    from councils.models import Council

    councils = Council.query.filter_by(active=True).order_by(Council.id).all()
    return render_template("main/index.html", councils=councils)


@bp.route("/dashboard")
@login_required
def dashboard():
    from councils.models import Council

    if current_user.is_admin:
        councils = Council.query.order_by(Council.id).all()
    else:
        councils = [m.council for m in current_user.memberships]
    return render_template("main/dashboard.html", councils=councils)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # the database is down or unreachable: say so, do not crash
        db.session.rollback()
        return jsonify({"status": "error", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
