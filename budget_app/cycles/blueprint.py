"""The budget cycles' blueprint: its pages (views) and the ``flask pb import/export`` commands (cli,
registered with the rest of ``pb`` by :mod:`budget_app.pb_command`)."""
from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/councils")
