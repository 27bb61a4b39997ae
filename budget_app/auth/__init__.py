"""Accounts: log in, log out, set and change password, language and profile."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from budget_app.auth import views  # noqa: E402,F401
