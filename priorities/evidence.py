"""Photos and documents as evidence of a priority need (the core's upload service does the work)."""
from __future__ import annotations

from budget_app.extensions import db
from budget_app.uploads.owners import AttachmentOwner
from priorities.models import Priority
from priorities.services import visible_priorities

OBJECT_TYPE = "priority"


def _can_view(priority: Priority, user) -> bool:
    """Whoever sees the priority (its council's members; a draft: its author only)."""
    return priority.council.can_view(user) and visible_priorities(priority.council, user).filter(
        Priority.id == priority.id).first() is not None


# Whoever may edit the priority adds and removes its evidence: its author while it is a draft or
# submitted, the council's coordinators until it is merged.
OWNER = AttachmentOwner(OBJECT_TYPE, load=lambda object_id: db.session.get(Priority, object_id), can_view=_can_view,
                        can_attach=lambda priority, user: priority.can_edit(user))
