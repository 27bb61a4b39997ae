"""Budget cycle pages, one module per concept. Each view: load → check permission → validate →
one service call → commit. Importing the package attaches every route to the cycles blueprint."""
from budget_app.cycles.views import ballots, imports, interests, lifecycle, proposals, results, review  # noqa: F401
