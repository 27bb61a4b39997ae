"""Loading objects scoped to what the user may see, and refusing the rest.

Another council's objects answer 404 (not 403): their existence is not revealed.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from budget_app.extensions import login_manager
from budget_app.tenancy import Council


def require_login():
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())


def get_council_or_404(slug: str):
    """The council named by ``slug`` if the current user may read it, else 404 (login for anonymous)."""
    require_login()
    council = Council.query.filter_by(slug=slug).first()
    if council is None or not council.can_view(current_user):
        abort(404)
    return council


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        require_login()
        if not current_user.is_admin:
            raise Forbidden()
        return view(*args, **kwargs)
    return wrapper


def ensure(condition: bool):
    """Raise 403 unless ``condition``: use after loading an object the user may see."""
    if not condition:
        raise Forbidden()
