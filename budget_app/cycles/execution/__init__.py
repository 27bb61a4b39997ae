"""The execution of an approved budget cycle (budget director): spending per quarter,
progress and milestones of each funded allocation, and the spending import.

Part of the budget cycle, so at the cycles layer: the citizen budget above reads it through
:func:`budget_app.cycles.execution.services.cycle_execution`. Its pages are on the ``execution``
blueprint (``/councils/<slug>/cycles/<id>/execution/...``), installed by the cycles feature."""
from flask_babel import lazy_gettext as _l

from budget_app import audit
from budget_app.cycles.execution.models import MILESTONE_STATUS_LABELS


def _register_audit():
    audit.words({
        "execution.spending": (_l("Spending recorded"), _l("%(who)s recorded a spending on %(what)s")),
        "execution.spending_delete": (_l("Spending deleted"), _l("%(who)s deleted a spending on %(what)s")),
        "execution.progress": (_l("Progress recorded"),
                               _l("%(who)s recorded the progress of %(code)s: %(progress_pct)s%%")),
        "execution.milestone": (_l("Milestone recorded"), _l("%(who)s recorded a milestone of %(what)s")),
        "execution.milestone_delete": (_l("Milestone deleted"), _l("%(who)s deleted the milestone “%(title)s”")),
        "execution.import": (_l("Spending imported"),
                             _l("%(who)s imported spending into the budget cycle %(what)s")),
        "execution.import_refused": (_l("Spending import refused"),
                                     _l("An import of spending by %(who)s into the budget cycle %(what)s was refused")),
    }, kinds={"spending_entry": _l("Spending"), "execution_milestone": _l("Milestone")},
        describers={"spending_entry": "budget_app.cycles.execution.services:describe_spending",
                    "execution_milestone": "budget_app.cycles.execution.services:describe_milestones"},
        about={"execution.spending_delete": ("allocation_proposal", "proposal_id")},
        details={
        "execution.milestone:status": (_l("Status"), dict(MILESTONE_STATUS_LABELS)),
        "amount_minor": (_l("Amount"), "money"),
        "quarter": (_l("Quarter"), None),
        "over_allocation": (_l("Beyond the allocated amount"), None),
        "progress_pct": (_l("Progress, %"), None),
        "proposal_id": (_l("Allocation proposal"), "code"),
    })
    audit.council_objects("spending_entry", "execution_milestone")


_register_audit()

from budget_app.cycles.execution.views import bp  # noqa: E402  (after the audit words, like the cycles package)
