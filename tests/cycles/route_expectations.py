"""Who may use the budget-cycle routes.

Members of every role of the council read cycles, vote and approve; the budget director (and
administrators) prepare, open, close, tally and override; the coordinator (and administrators)
enters paper ballots. The receipts list and the anonymized ballots are public (anyone can check
their receipt and recount), but only after voting closed (404 before)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from cycles_testlib import make_cycle  # noqa: E402
from matrix import Route  # noqa: E402


def cycle(phase, **kw):
    def params(world):
        c = make_cycle(world, phase, **kw)
        return {"slug": "hebron", "cycle_id": c.id}
    return params


def with_proposal(phase):
    def params(world):
        c = make_cycle(world, phase)
        return {"slug": "hebron", "cycle_id": c.id, "proposal_id": c.proposals[0].id}
    return params


def with_paper_ballot(world):
    from budget_app.cycles.ballots import enter_paper_ballot
    from budget_app.cycles.lifecycle import close_voting
    from budget_app.extensions import db
    c = make_cycle(world, "voting")
    b = enter_paper_ballot(c, world.users["coordinator"], [c.proposals[0].id], meeting_label="Forum")
    # Closed afterwards, so the removal is refused (redirect) and every authorized role sees the same.
    close_voting(c, world.users["director"])
    db.session.commit()
    return {"slug": "hebron", "cycle_id": c.id, "ballot_id": b.id}


ROUTES = {
    "cycles.cycle_list": Route("council", params={"slug": "hebron"}),
    "cycles.cycle_new": Route("budget", params={"slug": "hebron"}),
    "cycles.cycle_detail": Route("council", params=cycle("voting")),
    "cycles.cycle_edit": Route("budget", params=cycle("preparing")),
    # Deleting a cycle in voting is refused with a message: every authorized role gets the same answer.
    "cycles.cycle_delete": Route("budget", params=cycle("voting")),
    "cycles.cycle_transition": Route("budget", params=lambda w: {**cycle("preparing")(w), "action": "open_voting"}),
    "cycles.proposal_new": Route("budget", params=cycle("preparing")),
    "cycles.proposal_detail": Route("council", params=with_proposal("decided")),
    "cycles.proposal_edit": Route("budget", params=with_proposal("preparing")),
    "cycles.proposal_delete": Route("budget", params=with_proposal("voting")),
    "cycles.proposal_import": Route("budget", params=cycle("preparing")),
    # Without a genuine preview token the confirmation is a 400 for those who may import.
    "cycles.proposal_import_confirm": Route("budget", params=cycle("preparing")),
    "cycles.proposal_template": Route("budget", params=lambda w: {**cycle("preparing")(w), "fmt": "xlsx"}),
    # The ballot and the approval vote need a seat: a technical reviewer reads the cycle, not these.
    "cycles.vote": Route("seat", params=cycle("voting")),
    # Anyone of the council reaches it; without a ballot it redirects to the vote page.
    "cycles.vote_receipt": Route("council", params=cycle("voting")),
    "cycles.receipts": Route("public", params=cycle("decided")),
    "cycles.export_pb": Route("public", params=cycle("decided")),
    "cycles.paper_ballots": Route("manage", params=cycle("voting")),
    "cycles.paper_import": Route("manage", params=cycle("voting")),
    "cycles.paper_template": Route("manage", params=lambda w: {**cycle("voting")(w), "fmt": "csv"}),
    "cycles.paper_delete": Route("manage", params=with_paper_ballot),
    "cycles.results": Route("council", params=cycle("decided")),
    "cycles.results_export": Route("council", params=lambda w: {**cycle("decided")(w), "fmt": "csv"}),
    "cycles.report_export": Route("council", params=lambda w: {**cycle("decided")(w), "table": "fairness",
                                                               "fmt": "xlsx"}),
    "cycles.override": Route("budget", params=cycle("decided")),
    "cycles.approval_vote": Route("seat", params=cycle("decided"), data={"choice": "yes"}),
    # The feasibility review: the list is read by the council, the form is the reviewers' (and administrators').
    "cycles.review_list": Route("council", params=cycle("preparing")),
    # Declaring interests before the approval vote needs a seat (an administrator sees the page, outside
    # the electorate); the form's empty POST is a 400 for those who may declare.
    "cycles.declaration": Route("seat", params=cycle("decided")),
    "cycles.proposal_review": Route("review", params=with_proposal("preparing"),
                                    data={"outcome": "feasible", "reason": "Feasible as proposed."}),
}
