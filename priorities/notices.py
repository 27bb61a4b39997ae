"""What priorities tell people (budget_app.notifications): a ranking round opened or closing
while you have not ranked, and what happened to your priority (shortlisted, merged, declined
with the reason, a comment on it). The kinds are declared in the feature object; the services
call these functions inside their transaction."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from budget_app.extensions import db
from budget_app.features import EventKind
from budget_app.notifications import Reminder, bilingual, notify
from budget_app.tenancy import SEAT_ROLES, Membership
from priorities.models import RankingRound, RoundBallot

CLOSING_WITHIN = timedelta(hours=24)

KINDS = (
    EventKind("round_opened", _l("A ranking round opens"),
              _l("The ranking round “%(title)s” is open until %(closes_at)s: rank the priorities."),
              _l("A ranking round is open"), order=10),
    EventKind("round_closing", _l("A ranking round closes within 24 hours and I have not ranked"),
              _l("The ranking round “%(title)s” closes on %(closes_at)s and you have not ranked the priorities yet."),
              _l("A ranking round closes soon"), order=11),
    EventKind("priority_shortlisted", _l("My priority is shortlisted"),
              _l("Your priority “%(title)s” was shortlisted."), _l("Your priority was shortlisted"), order=30),
    EventKind("priority_merged", _l("My priority is merged into another"),
              _l("Your priority “%(title)s” was merged into “%(into)s”."), _l("Your priority was merged"), order=31),
    EventKind("priority_declined", _l("My priority is declined"),
              _l("Your priority “%(title)s” was declined. The reason given: %(reason)s"),
              _l("Your priority was declined"), order=32),
    EventKind("priority_comment", _l("Someone comments on my priority"),
              _l("%(who)s commented on your priority “%(title)s”."), _l("A comment on your priority"), order=33),
)


def _priority_link(priority) -> tuple:
    return "priorities.priority_detail", {"slug": priority.council.slug, "priority_id": priority.id}


def _round_link(rnd) -> tuple:
    return "priorities.round_detail", {"slug": rnd.council.slug, "round_id": rnd.id}


def round_opened(rnd: RankingRound) -> None:
    """Every member with a seat on the council (a technical reviewer does not rank): the round is
    open for their ranking."""
    members = db.session.scalars(select(Membership.user_id).where(Membership.council_id == rnd.council_id,
                                                                  Membership.role.in_(SEAT_ROLES)))
    notify(list(members), "round_opened", council=rnd.council_id, link=_round_link(rnd),
           params={"title": rnd.title, "closes_at": rnd.closes_at})


def priority_changed(priority, kind: str, **params) -> None:
    """The priority's author: shortlisted, merged (``into``) or declined (``reason``)."""
    notify([priority.author_id], kind, council=priority.council_id, link=_priority_link(priority),
           params={"title": bilingual(priority), **params})


def priority_merged(duplicate, survivor) -> None:
    notify([duplicate.author_id], "priority_merged", council=duplicate.council_id, link=_priority_link(survivor),
           params={"title": bilingual(duplicate), "into": bilingual(survivor)})


def comment_added(priority, author) -> None:
    """The priority's author, unless they wrote the comment."""
    notify([priority.author_id], "priority_comment", council=priority.council_id, exclude=author,
           link=_priority_link(priority), params={"title": bilingual(priority), "who": author.display_name})


def closing_rounds(now: datetime) -> list[Reminder]:
    """`flask notify send-due`: members who have not ranked in a round closing within 24 hours
    (one query; the key makes it once per round and member)."""
    rows = (db.session.query(RankingRound, Membership.user_id)
            .join(Membership, and_(Membership.council_id == RankingRound.council_id, Membership.role.in_(SEAT_ROLES)))
            .outerjoin(RoundBallot, and_(RoundBallot.round_id == RankingRound.id,
                                         RoundBallot.user_id == Membership.user_id))
            .filter(RankingRound.closed_early_at.is_(None), RankingRound.closes_at > now,
                    RankingRound.closes_at <= now + CLOSING_WITHIN, RoundBallot.id.is_(None))
            .order_by(RankingRound.id, Membership.user_id).all())
    return [Reminder(user_id=user_id, kind="round_closing", key=f"round_closing:{rnd.id}", council=rnd.council_id,
                     link=_round_link(rnd), params={"title": rnd.title, "closes_at": rnd.closes_at})
            for rnd, user_id in rows]
