"""What council work tells people (budget_app.notifications): a recommendation they own is due
within 7 days, or overdue. Found by `flask notify send-due`; ownership is read as the task panel
reads it (councils.services.my_tasks: the owner names the member, their email, the
organization they represent, or the coordinator)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_

from budget_app.auth.models import User
from budget_app.extensions import db
from budget_app.features import EventKind
from budget_app.notifications import Reminder
from budget_app.tenancy import Council, Membership
from councils.models import Recommendation
from councils.services import COORDINATOR_OWNER_NAMES

DUE_WITHIN = timedelta(days=7)
SHOWN_CHARS = 160

KINDS = (
    EventKind("recommendation_due", _l("A recommendation I own is due within 7 days"),
              _l("A recommendation you follow up is due on %(due_on)s: %(text)s"),
              _l("A recommendation is due soon"), order=40),
    EventKind("recommendation_overdue", _l("A recommendation I own is overdue"),
              _l("A recommendation you follow up was due on %(due_on)s and is still open: %(text)s"),
              _l("A recommendation is overdue"), order=41),
)


def due_recommendations(now: datetime) -> list[Reminder]:
    """Open recommendations due within 7 days or overdue, one reminder per owner, due date and
    state (a new due date is a new reminder). One query."""
    today = now.date()
    owner = func.trim(Recommendation.owner)
    rows = (db.session.query(Recommendation, Membership.user_id, Membership.role, Council.slug)
            .join(Membership, Membership.council_id == Recommendation.council_id)
            .join(User, User.id == Membership.user_id)
            .join(Council, Council.id == Recommendation.council_id)
            .filter(Recommendation.status.in_(("open", "in_progress")), Recommendation.due_date.isnot(None),
                    Recommendation.due_date <= today + DUE_WITHIN, func.length(owner) > 0,
                    or_(owner == User.name, owner == User.email, owner == Membership.organization_name,
                        and_(Membership.role == "coordinator", owner.in_(COORDINATOR_OWNER_NAMES))))
            .order_by(Recommendation.id, Membership.user_id).all())
    out = []
    for rec, user_id, role, slug in rows:
        kind = "recommendation_overdue" if rec.due_date < today else "recommendation_due"
        if role == "coordinator":
            link = ("councils.recommendation_edit", {"slug": slug, "rec_id": rec.id})
        else:
            link = ("councils.recommendation_list", {"slug": slug})
        text = rec.text if len(rec.text) <= SHOWN_CHARS else rec.text[:SHOWN_CHARS - 1] + "…"
        out.append(Reminder(user_id=user_id, kind=kind, key=f"{kind}:{rec.id}:{rec.due_date.isoformat()}",
                            council=rec.council_id, link=link, params={"due_on": rec.due_date, "text": text}))
    return out
