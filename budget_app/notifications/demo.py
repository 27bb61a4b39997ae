"""Demo notifications: the features' demo seeders go through their services, which notify as
they would in use (rounds and votes opened, priorities shortlisted, comments, feedback). This
seeder, run last, adds the reminders that are due today and leaves each user's three newest
unread, as if they had read the rest: `make run` shows the centre with a short unread count."""
from __future__ import annotations

from sqlalchemy import select

from budget_app.demo import DemoContext
from budget_app.extensions import db
from budget_app.notifications.models import Notification
from budget_app.notifications.services import send_due
from budget_app.utils import utcnow

UNREAD_KEPT = 3


def seed(ctx: DemoContext) -> None:
    """Idempotent: reminders are sent once; only notifications beyond the newest three are marked read."""
    reminders = sum(send_due().values())
    if reminders:
        ctx.count("notification reminders", reminders)
    seen: dict[int, int] = {}
    now = utcnow()
    for n in db.session.scalars(select(Notification).where(Notification.read_at.is_(None))
                                .order_by(Notification.user_id, Notification.id.desc())):
        seen[n.user_id] = seen.get(n.user_id, 0) + 1
        if seen[n.user_id] > UNREAD_KEPT:
            n.read_at = now
    db.session.flush()
