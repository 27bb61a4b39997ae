"""What the citizen budget tells coordinators (budget_app.notifications): citizens' feedback
awaits moderation. One unread notification per council at a time, however many messages come
in (the feedback page lists them all)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from budget_app.extensions import db
from budget_app.features import EventKind
from budget_app.notifications import notify
from budget_app.tenancy import Membership

KINDS = (
    EventKind("feedback_awaiting", _l("Citizens' feedback awaits moderation (coordinators)"),
              _l("A citizen sent feedback on the citizen budget %(year)s: it awaits moderation."),
              _l("Citizens' feedback awaits moderation"), order=50),
)


def feedback_received(council, year: int) -> None:
    """The council's coordinators (a citizen sends it: nobody signed in to exclude)."""
    coordinators = db.session.scalars(select(Membership.user_id).where(
        Membership.council_id == council.id, Membership.role == "coordinator"))
    notify(list(coordinators), "feedback_awaiting", council=council, exclude=None, once_unread=True,
           link=("citizen_budget_manage.feedback", {"slug": council.slug}), params={"year": str(year)})
