"""Budget cycles: envelope and funding, allocation proposals, voting, paper ballots, tally,
override and council approval, execution (``execution/``: spending, progress, milestones);
Pabulib import/export (``flask pb ...``)."""
from flask_babel import lazy_gettext as _l

from budget_app import audit
from budget_app.cycles.blueprint import bp
from budget_app.cycles.models import APPROVAL_CHOICE_LABELS, REVIEW_OUTCOME_LABELS, RULE_LABELS
from budget_app.features import CouncilTab, Feature


def _register_audit():
    on_cycle = ("budget_cycle", "cycle_id")
    audit.words({
        "cycle.create": (_l("Budget cycle opened"), _l("%(who)s opened the budget cycle %(what)s")),
        "cycle.update": (_l("Budget cycle changed"), _l("%(who)s changed the budget cycle %(what)s")),
        "cycle.funding": (_l("Funding sources changed"),
                          _l("%(who)s changed the funding sources of the budget cycle %(what)s")),
        "cycle.delete": (_l("Budget cycle deleted"),
                         _l("%(who)s deleted the budget cycle of %(fiscal_year)s %(what)s")),
        "cycle.open_voting": (_l("Voting opened"), _l("%(who)s opened voting on the budget cycle %(what)s")),
        "cycle.close_voting": (_l("Voting closed and ballots tallied"),
                               _l("%(who)s closed voting on the budget cycle %(what)s and tallied the ballots")),
        "cycle.override": (_l("Final allocation changed, with a public reason"),
                           _l("%(who)s changed the final allocation of the budget cycle %(what)s, giving a public reason")),
        "cycle.approval_vote": (_l("Vote on the allocation"),
                                _l("%(who)s voted “%(choice)s” on the allocation of the budget cycle %(what)s")),
        "cycle.declare_interest": (_l("Declaration of interest"),
                                   _l("%(who)s declared their interests before the council's vote on the allocation "
                                      "of the budget cycle %(what)s")),
        "cycle.approve": (_l("Allocation approved by the council"),
                          _l("%(who)s recorded the council's approval of the allocation of the budget cycle %(what)s")),
        "cycle.execute": (_l("Execution started"), _l("%(who)s started the execution of the budget cycle %(what)s")),
        "cycle.close": (_l("Budget cycle closed"), _l("%(who)s closed the budget cycle %(what)s")),
        "proposal.create": (_l("Allocation proposal added"), _l("%(who)s added the allocation proposal %(what)s")),
        "proposal.update": (_l("Allocation proposal changed"),
                            _l("%(who)s changed the allocation proposal %(what)s")),
        "proposal.delete": (_l("Allocation proposal deleted"),
                            _l("%(who)s deleted the allocation proposal %(code)s")),
        "proposal.import": (_l("Allocation proposals imported"),
                            _l("%(who)s imported allocation proposals into the budget cycle %(what)s")),
        "proposal.import_refused": (_l("Proposal import refused"),
                                    _l("An import of allocation proposals by %(who)s into the budget cycle %(what)s "
                                       "was refused")),
        "proposal.review": (_l("Feasibility review recorded"),
                            _l("%(who)s reviewed the feasibility of the allocation proposal %(what)s: %(outcome)s")),
        "proposal.review_change": (_l("Feasibility review changed"),
                                   _l("%(who)s changed the feasibility review of the allocation proposal %(what)s: "
                                      "%(outcome)s")),
        "proposal.review_cleared": (_l("Feasibility review cleared"),
                                    _l("The allocation proposal %(what)s was changed by %(who)s after its review: "
                                       "it awaits a new review")),
        "ballot.cast": (_l("Ballot cast"), _l("%(who)s voted in the budget cycle %(what)s")),
        "ballot.change": (_l("Ballot changed"), _l("%(who)s changed their ballot in the budget cycle %(what)s")),
        "ballot.paper": (_l("Paper ballot entered"),
                         _l("%(who)s entered a paper ballot in the budget cycle %(what)s")),
        "ballot.paper_delete": (_l("Paper ballot deleted"),
                                _l("%(who)s deleted a paper ballot of the budget cycle %(what)s")),
        "ballot.paper_import": (_l("Paper ballots imported"),
                                _l("%(who)s imported paper ballots into the budget cycle %(what)s")),
        "ballot.paper_import_refused": (_l("Paper ballot import refused"),
                                        _l("An import of paper ballots by %(who)s into the budget cycle %(what)s "
                                           "was refused")),
    }, kinds={"budget_cycle": _l("Budget cycle"), "allocation_proposal": _l("Allocation proposal"),
              "ballot": _l("Ballot"), "allocation_approval_vote": _l("Vote on the allocation")},
        about={"ballot.cast": on_cycle, "ballot.change": on_cycle, "ballot.paper": on_cycle,
               "ballot.paper_delete": on_cycle, "cycle.approval_vote": on_cycle},
        details={
        "rule": (_l("Tally rule"), dict(RULE_LABELS)),
        "choice": (_l("Vote"), dict(APPROVAL_CHOICE_LABELS)),
        "outcome": (_l("Outcome of the review"), dict(REVIEW_OUTCOME_LABELS)),
        "original_cost_minor": (_l("Cost asked for"), "money"),
        "revised_cost_minor": (_l("Revised cost"), "money"),
        "not_feasible": (_l("Not feasible"), "code"),
        "has_interest": (_l("Declared an interest (recused)"), None),
        "codes": (_l("Proposals"), "code"),
        "vote_withdrawn": (_l("Vote on the allocation withdrawn"), None),
        "recused": (_l("Members recused"), None),
        "fingerprint": (_l("Fingerprint of the rules"), "code"),
        "proposals": (_l("Proposals"), None),
        "electorate": (_l("Members who may vote"), None),
        "quorum_pct": (_l("Quorum, %"), None),
        "ballots": (_l("Ballots"), None),
        "selected": (_l("Selected"), "code"),
        "final": (_l("Final allocation"), "code"),
        "yes": (_l("Yes"), None),
        "no": (_l("No"), None),
        "abstain": (_l("Abstain"), None),
        "members": (_l("Members"), None),
        "quorum": (_l("Quorum"), None),
        "ignored": (_l("Votes not counted"), None),
        "items": (_l("Choices on the ballot"), None),
        "meeting": (_l("Meeting"), None),
        "changed": (_l("Changed"), "code"),
        "funding": (_l("Funding"), "code"),
        "envelope_minor": (_l("Envelope"), "money"),
        "currency": (_l("Currency"), "code"),
        "cost_minor": (_l("Cost"), "money"),
        "created": (_l("Created"), None),
        "updated": (_l("Updated"), None),
        "samples_skipped": (_l("Example rows skipped"), None),
        "updated_codes": (_l("Updated proposals"), "code"),
        "problems": (_l("Problems found"), None),
        "rows": (_l("Rows with problems"), "code"),
        "cycle_id": (_l("Budget cycle"), "code"),
    })


_register_audit()

from budget_app.cycles import cli, views  # noqa: E402,F401  (the routes and commands attach to bp)
from budget_app.cycles import execution  # noqa: E402  (its own blueprint and audit words)
from budget_app.cycles.notices import KINDS as NOTIFICATION_KINDS  # noqa: E402
from budget_app.cycles.rules import register_freeze_guard  # noqa: E402

# The freeze guard (no change to a cycle's rules once voting opened) is installed when the
# blueprint is registered on an application, not as a side effect of importing a module.
bp.record_once(lambda state: register_freeze_guard())

feature = Feature(
    "cycles",
    blueprints=(bp, execution.bp),
    models=("budget_app.cycles.models", "budget_app.cycles.execution.models"),
    seeders=((40, "budget_app.cycles.demo:seed"), (60, "budget_app.cycles.demo_phases:seed")),
    tabs=(CouncilTab("cycles", "cycles.cycle_list", _l("Budget cycles"), 70),),
    tasks="budget_app.cycles.lifecycle:my_tasks",
    activity_actions={
        "cycle.create": _l("Budget cycle opened"),
        "proposal.create": _l("Allocation proposal added"),
        "proposal.import": _l("Allocation proposals imported"),
        "cycle.open_voting": _l("Voting opened"),
        "cycle.close_voting": _l("Voting closed and ballots tallied"),
        "cycle.override": _l("Final allocation changed, with a public reason"),
        "cycle.approve": _l("Allocation approved by the council"),
        "cycle.execute": _l("Execution started"),
        "cycle.close": _l("Budget cycle closed"),
    },
    activity_objects={"budget_cycle": "budget_app.cycles.lifecycle:describe_cycles",
                      "allocation_proposal": "budget_app.cycles.proposals:describe_proposals"},
    notifications=NOTIFICATION_KINDS,
    attachment_owners=("budget_app.cycles.execution.evidence:OWNER",),
)
