"""Administration: users and their council roles, councils, reference lists, the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from budget_app.admin import views  # noqa: E402,F401
