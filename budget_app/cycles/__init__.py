"""Budget cycles: envelope and funding, allocation proposals, voting, paper ballots, tally,
override and council approval; Pabulib import/export (``flask pb ...``)."""
from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/councils", cli_group="pb")

from budget_app.cycles import cli, views  # noqa: E402,F401
