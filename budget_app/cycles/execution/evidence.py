"""Photos and documents of a milestone: the director's evidence of the work done (the core's
upload service does the work). The council's members see them; the public once a published
citizen budget shows them (``citizen_budget.evidence``)."""
from __future__ import annotations

from budget_app.cycles.execution.models import Milestone
from budget_app.extensions import db
from budget_app.tenancy import Council
from budget_app.uploads.owners import AttachmentOwner

OBJECT_TYPE = "execution_milestone"


def _council(milestone: Milestone) -> Council:
    return db.session.get(Council, milestone.council_id)


OWNER = AttachmentOwner(OBJECT_TYPE, load=lambda object_id: db.session.get(Milestone, object_id),
                        can_view=lambda milestone, user: _council(milestone).can_view(user),
                        can_attach=lambda milestone, user: _council(milestone).can_direct_budget(user))
