"""Councils: membership, meetings, workshops and forums, partner organizations."""
from flask import Blueprint

bp = Blueprint("councils", __name__, url_prefix="/councils")

from councils import views  # noqa: E402,F401
