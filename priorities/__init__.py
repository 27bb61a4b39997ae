"""Priorities: local priority needs, discussion, ranking rounds."""
from flask import Blueprint

bp = Blueprint("priorities", __name__, url_prefix="/councils/<slug>/priorities")

from priorities import views  # noqa: E402,F401
