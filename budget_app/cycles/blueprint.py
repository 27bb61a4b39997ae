"""The budget cycles' blueprint: its pages (views) and its ``flask pb ...`` commands (cli)."""
from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/councils", cli_group="pb")
