"""What budget cycles tell the council's members (budget_app.notifications): the budget vote is
open, and the council's approval vote on the resulting allocation awaits them. Budget votes
have no closing time (the director closes them), so there is no "closing in 24 hours" reminder
for them; ranking rounds have one (priorities.notices).

When voting opens, each member whom the proposals' organizations flag (budget_app.cycles.interests)
is asked to declare their interests before the council's approval vote (issue 15 §4)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from budget_app.cycles.interests import flagged_members
from budget_app.cycles.models import BudgetCycle
from budget_app.features import EventKind
from budget_app.notifications import bilingual, notify

KINDS = (
    EventKind("vote_opened", _l("A budget vote opens"),
              _l("The budget vote “%(title)s” is open: cast your ballot."), _l("A budget vote is open"), order=12),
    EventKind("approval_awaiting", _l("The council's approval vote awaits me"),
              _l("The council's vote on the allocation of “%(title)s” awaits yours."),
              _l("Your vote on the allocation awaits"), order=13),
    EventKind("declaration_needed", _l("A declaration of interest is asked of me"),
              _l("The organization you represent proposes or would carry out %(codes)s in “%(title)s”: declare "
                 "your interests before the council's approval vote."),
              _l("A declaration of interest is asked of you"), order=14),
)


def vote_opened(cycle: BudgetCycle) -> None:
    """The electorate frozen at opening: the vote awaits their ballot."""
    notify(sorted(cycle.electorate_ids or ()), "vote_opened", council=cycle.council_id,
           link=("cycles.vote", {"slug": cycle.council.slug, "cycle_id": cycle.id}),
           params={"title": bilingual(cycle)})


def approval_opened(cycle: BudgetCycle, electorate) -> None:
    """Voting closed and was tallied: the council's members vote on the allocation."""
    notify(sorted(electorate), "approval_awaiting", council=cycle.council_id,
           link=("cycles.results", {"slug": cycle.council.slug, "cycle_id": cycle.id}),
           params={"title": bilingual(cycle)})


def declaration_needed(cycle: BudgetCycle) -> None:
    """Voting opened: the members flagged by the organization they represent declare their interests."""
    for user_id, codes in sorted(flagged_members(cycle).items()):
        if user_id in (cycle.electorate_ids or ()):
            notify([user_id], "declaration_needed", council=cycle.council_id,
                   link=("cycles.declaration", {"slug": cycle.council.slug, "cycle_id": cycle.id}),
                   params={"title": bilingual(cycle), "codes": ", ".join(codes)})
