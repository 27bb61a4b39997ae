"""Loading and answering, shared by the cycle pages."""
from __future__ import annotations

from flask import redirect, url_for

from budget_app.cycles.errors import CycleError
from budget_app.cycles.models import BudgetCycle
from budget_app.errors import show_error
from budget_app.permissions import get_council_or_404
from budget_app.tenancy import Council


PROPOSALS_PER_PAGE = 100


def load_cycle(slug: str, cycle_id: int):
    """The council (which the user may see) and its cycle, or 404."""
    council = get_council_or_404(slug)
    cycle = BudgetCycle.query.filter_by(id=cycle_id, council_id=council.id).first_or_404()
    return council, cycle


def load_public_cycle(slug: str, cycle_id: int):
    """For the public pages (receipts, anonymized ballots): no login needed."""
    council = Council.query.filter_by(slug=slug).first_or_404()
    cycle = BudgetCycle.query.filter_by(id=cycle_id, council_id=council.id).first_or_404()
    return council, cycle


def back_to(cycle, endpoint="cycles.cycle_detail", **kw):
    """A redirect to one of the cycle's pages."""
    return redirect(url_for(endpoint, slug=cycle.council.slug, cycle_id=cycle.id, **kw))


def refused(exc: CycleError, cycle, endpoint="cycles.cycle_detail"):
    """Undo the refused attempt, say why and go back to the cycle's page."""
    show_error(exc)
    return redirect(url_for(endpoint, slug=cycle.council.slug, cycle_id=cycle.id))
