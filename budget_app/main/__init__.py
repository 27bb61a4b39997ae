"""Home page, personal dashboard and health check."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from budget_app.main import views  # noqa: E402,F401
