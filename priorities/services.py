"""Priority needs, their discussion, merging, and ranking rounds with ballots.

Services add and flush; the request commits once. Every change is audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_login import current_user
from sqlalchemy import and_, func, or_
from sqlalchemy.orm import selectinload

from budget_app import audit
from budget_app.errors import DomainError
from budget_app.extensions import db
from budget_app.navigation import Task
from budget_app.tenancy import SEAT_ROLES, Membership
from budget_app.transaction import retry_on_conflict
from budget_app.utils import utcnow
from priorities import notices, search
from priorities.models import (METHOD_POINTS, METHOD_RANKING, METHODS, STATUS_DECLINED, STATUS_DRAFT, STATUS_MERGED,
                               STATUS_SHORTLISTED, STATUS_SUBMITTED, Priority, PriorityComment, RankingRound,
                               RoundBallot, RoundBallotItem, priority_target_group, ranking_round_priority)

COMMENT_EDIT_WINDOW = timedelta(minutes=15)
PRIORITY_FIELDS = ("fiscal_year", "title_ar", "title_en", "description_ar", "description_en", "sector_id",
                   "locality_id", "estimated_beneficiaries", "evidence_type", "evidence_details",
                   "evidence_meeting_id", "proposing_organization")


class PriorityError(DomainError):
    """A change refused for a reason the user can fix; ``str(error)`` is the message to show."""


def compute_search_text(p: Priority) -> str:
    return search.normalize(" ".join(filter(None, (p.title_ar, p.title_en, p.description_ar, p.description_en,
                                                  p.proposing_organization))))


# Priorities ------------------------------------------------------------------
def save_priority(council, priority: Priority | None, *, data: dict, target_groups: list, author=None) -> Priority:
    """Create (as a draft, authored by ``author``) or update a priority need; recomputes its search text."""
    created = priority is None
    if created:
        priority = Priority(council_id=council.id, status=STATUS_DRAFT, author_id=getattr(author, "id", None))
        db.session.add(priority)
    elif priority.status in (STATUS_MERGED,):
        raise PriorityError(_l("A merged priority cannot be changed."))
    for key in PRIORITY_FIELDS:
        if key in data:
            value = data[key]
            setattr(priority, key, value.strip() if isinstance(value, str) else value)
    if priority.evidence_type != "meeting_recommendation":
        priority.evidence_meeting_id = None
    priority.target_groups = list(target_groups)
    priority.search_text = compute_search_text(priority)
    db.session.flush()
    audit.record("priority.create" if created else "priority.update", priority, title=priority.title_ar,
                 fiscal_year=priority.fiscal_year)
    return priority


def submit_priority(priority: Priority) -> None:
    """The author sends a draft to the council."""
    if priority.status != STATUS_DRAFT:
        raise PriorityError(_l("Only a draft can be submitted."))
    priority.status = STATUS_SUBMITTED
    priority.submitted_at = utcnow()
    audit.record("priority.submit", priority, title=priority.title_ar)


def shortlist_priority(priority: Priority) -> None:
    """The coordinator puts a submitted (or earlier declined) priority on the shortlist."""
    if priority.status not in (STATUS_SUBMITTED, STATUS_DECLINED):
        raise PriorityError(_l("Only a submitted or declined priority can be shortlisted."))
    priority.status = STATUS_SHORTLISTED
    priority.decline_reason = ""
    audit.record("priority.shortlist", priority, title=priority.title_ar)
    notices.priority_changed(priority, "priority_shortlisted")


def unshortlist_priority(priority: Priority) -> None:
    """Take a priority off the shortlist (back to submitted)."""
    if priority.status != STATUS_SHORTLISTED:
        raise PriorityError(_l("This priority is not on the shortlist."))
    priority.status = STATUS_SUBMITTED
    audit.record("priority.unshortlist", priority, title=priority.title_ar)


def decline_priority(priority: Priority, reason: str) -> None:
    """Decline with a reason that the author sees."""
    reason = (reason or "").strip()
    if not reason:
        raise PriorityError(_l("Give the reason for declining; the author will see it."))
    if priority.status not in (STATUS_SUBMITTED, STATUS_SHORTLISTED):
        raise PriorityError(_l("Only a submitted or shortlisted priority can be declined."))
    priority.status = STATUS_DECLINED
    priority.decline_reason = reason
    audit.record("priority.decline", priority, title=priority.title_ar, reason=reason)
    notices.priority_changed(priority, "priority_declined", reason=reason)


def merge_priority(duplicate: Priority, survivor: Priority) -> None:
    """Merge ``duplicate`` into ``survivor``: comments, round entries and ballot points move to the
    survivor (a ballot that had both keeps the sum of points and the better rank); target groups
    are united; the duplicate is marked merged and points to the survivor."""
    if duplicate.id == survivor.id:
        raise PriorityError(_l("A priority cannot be merged into itself."))
    if duplicate.council_id != survivor.council_id:
        raise PriorityError(_l("Both priorities must belong to the same council."))
    active = (STATUS_SUBMITTED, STATUS_SHORTLISTED)
    if duplicate.status not in active or survivor.status not in active:
        raise PriorityError(_l("Only submitted or shortlisted priorities can be merged."))
    PriorityComment.query.filter_by(priority_id=duplicate.id).update({"priority_id": survivor.id})
    # Round entries.
    round_ids = [r for (r,) in db.session.query(ranking_round_priority.c.round_id)
                 .filter(ranking_round_priority.c.priority_id == duplicate.id)]
    for round_id in round_ids:
        has_survivor = db.session.query(ranking_round_priority).filter_by(
            round_id=round_id, priority_id=survivor.id).first()
        db.session.execute(ranking_round_priority.delete().where(
            ranking_round_priority.c.round_id == round_id, ranking_round_priority.c.priority_id == duplicate.id))
        if not has_survivor:
            db.session.execute(ranking_round_priority.insert().values(round_id=round_id, priority_id=survivor.id))
    # Ballot items.
    for item in RoundBallotItem.query.filter_by(priority_id=duplicate.id).all():
        other = RoundBallotItem.query.filter_by(ballot_id=item.ballot_id, priority_id=survivor.id).first()
        if other is None:
            item.priority_id = survivor.id
        else:
            if item.points is not None:
                other.points = (other.points or 0) + item.points
            if item.rank is not None:
                other.rank = min(r for r in (other.rank, item.rank) if r is not None)
            db.session.delete(item)
    for group in duplicate.target_groups:
        if group not in survivor.target_groups:
            survivor.target_groups.append(group)
    duplicate.status = STATUS_MERGED
    duplicate.merged_into_id = survivor.id
    survivor.search_text = compute_search_text(survivor)
    db.session.flush()
    db.session.expire(survivor, ["comments"])
    audit.record("priority.merge", duplicate, into=survivor.id, title=duplicate.title_ar)
    notices.priority_merged(duplicate, survivor)


def visible_priorities(council, user):
    """Priorities of ``council`` the user may see: all but other people's drafts."""
    q = Priority.query.filter(Priority.council_id == council.id)
    return q.filter(or_(Priority.status != STATUS_DRAFT, Priority.author_id == getattr(user, "id", None)))


@dataclass
class PriorityFilters:
    fiscal_year: int | None = None
    sector_id: int | None = None
    target_group_id: int | None = None
    locality_id: int | None = None
    status: str | None = None
    q: str = ""
    sort: str = "newest"


def list_priorities(council, user, f: PriorityFilters):
    """The filtered, sorted listing (with sector, locality, target groups, author loaded at once)."""
    q = visible_priorities(council, user).options(
        selectinload(Priority.sector), selectinload(Priority.locality), selectinload(Priority.target_groups),
        selectinload(Priority.author))
    if f.fiscal_year:
        q = q.filter(Priority.fiscal_year == f.fiscal_year)
    if f.sector_id:
        q = q.filter(Priority.sector_id == f.sector_id)
    if f.locality_id:
        q = q.filter(Priority.locality_id == f.locality_id)
    if f.status:
        q = q.filter(Priority.status == f.status)
    if f.target_group_id:
        q = q.filter(Priority.id.in_(db.select(priority_target_group.c.priority_id).where(
            priority_target_group.c.target_group_id == f.target_group_id)))
    for word in search.normalize(f.q).split()[:10]:  # every word must appear, in any order
        q = q.filter(Priority.search_text.like(search.like_pattern(word), escape="\\"))
    comments = (db.select(func.count(PriorityComment.id)).where(PriorityComment.priority_id == Priority.id,
                                                               PriorityComment.hidden.is_(False))
                .correlate(Priority).scalar_subquery())
    order = {
        "oldest": [Priority.created_at, Priority.id],
        "beneficiaries": [Priority.estimated_beneficiaries.is_(None), Priority.estimated_beneficiaries.desc(),
                          Priority.id],
        "title": [Priority.title_ar, Priority.id],
        "comments": [comments.desc(), Priority.id.desc()],
    }.get(f.sort, [Priority.created_at.desc(), Priority.id.desc()])
    return q.order_by(*order)


def comment_counts(priority_ids: list[int]) -> dict[int, int]:
    if not priority_ids:
        return {}
    rows = (db.session.query(PriorityComment.priority_id, func.count(PriorityComment.id))
            .filter(PriorityComment.priority_id.in_(priority_ids), PriorityComment.hidden.is_(False))
            .group_by(PriorityComment.priority_id))
    return dict(rows)


# Discussion ------------------------------------------------------------------
def add_comment(priority: Priority, user, body: str) -> PriorityComment:
    """A comment (Markdown, rendered sanitized) on a priority."""
    body = (body or "").strip()
    if not body:
        raise PriorityError(_l("Write a comment first."))
    if priority.status == STATUS_MERGED:
        raise PriorityError(_l("This priority was merged; comment on the priority it was merged into."))
    comment = PriorityComment(priority_id=priority.id, author_id=user.id, body=body)
    db.session.add(comment)
    db.session.flush()
    audit.record("priority.comment", comment, council_id=priority.council_id, actor=user, priority=priority.id)
    notices.comment_added(priority, user)
    return comment


def can_edit_comment(comment: PriorityComment, user, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (comment.author_id == getattr(user, "id", None) and not comment.hidden
            and now - comment.created_at <= COMMENT_EDIT_WINDOW)


def edit_comment(comment: PriorityComment, user, body: str) -> None:
    """Its author may edit a comment for 15 minutes after writing it."""
    if not can_edit_comment(comment, user):
        raise PriorityError(_l("A comment can be edited by its author for 15 minutes only."))
    body = (body or "").strip()
    if not body:
        raise PriorityError(_l("Write a comment first."))
    comment.body = body
    comment.edited_at = utcnow()
    audit.record("priority.comment_edit", comment, council_id=comment.priority.council_id)


def moderate_comment(comment: PriorityComment, moderator, hide: bool) -> None:
    """The coordinator hides (or shows again) a comment."""
    comment.hidden = hide
    comment.hidden_by_id = moderator.id if hide else None
    audit.record("priority.comment_hide" if hide else "priority.comment_show", comment,
                 council_id=comment.priority.council_id, actor=moderator)


# Ranking rounds --------------------------------------------------------------
def open_round(council, *, title: str, fiscal_year: int, method: str, points_budget: int, top_n: int,
               closes_at: datetime, results_visible_before_close: bool, user=None) -> RankingRound:
    """Open a ranking round over the council's current shortlist for ``fiscal_year``."""
    if method not in METHODS:
        raise PriorityError(_l("Choose a method."))
    if closes_at <= utcnow():
        raise PriorityError(_l("The closing time must be in the future."))
    shortlist = (Priority.query.filter_by(council_id=council.id, fiscal_year=fiscal_year,
                                          status=STATUS_SHORTLISTED).order_by(Priority.id).all())
    if len(shortlist) < 2:
        raise PriorityError(_l("A round needs at least two shortlisted priorities for this fiscal year."))
    if method == METHOD_RANKING and top_n > len(shortlist):
        top_n = len(shortlist)
    rnd = RankingRound(council_id=council.id, title=title.strip(), fiscal_year=fiscal_year, method=method,
                       points_budget=points_budget, top_n=top_n, closes_at=closes_at,
                       results_visible_before_close=results_visible_before_close,
                       created_by_id=getattr(user, "id", None), opened_at=utcnow())
    rnd.priorities = shortlist
    db.session.add(rnd)
    db.session.flush()
    audit.record("round.open", rnd, method=method, priorities=len(shortlist), closes_at=closes_at)
    notices.round_opened(rnd)
    return rnd


def close_round(rnd: RankingRound) -> None:
    """Close a round before its closing time."""
    if rnd.is_closed():
        raise PriorityError(_l("This round is already closed."))
    rnd.closed_early_at = utcnow()
    audit.record("round.close", rnd)


def open_rounds(council) -> list[RankingRound]:
    now = utcnow()
    return (RankingRound.query.filter(RankingRound.council_id == council.id, RankingRound.closed_early_at.is_(None),
                                      RankingRound.closes_at > now).order_by(RankingRound.closes_at).all())


def home_card(council) -> dict:
    """The council overview's card of open ranking rounds (templates/priorities/_home_rounds.html)."""
    return {"rounds": open_rounds(council)}


def validate_ballot(rnd, values: dict[int, int]) -> dict[int, int]:
    """Check a ballot against the round's method; returns {priority_id: points or rank} without zeros.
    ``rnd`` is a ranking round or anything with its ``priorities``, ``method``, ``points_budget``
    and ``top_n`` (a beneficiaries' consultation uses the same rules).

    Points: whole numbers ≥ 0 on the round's priorities, at most K in total, at least one.
    Ranking: ranks 1..N, no rank used twice, no gap (1, 2, 3…), at least one.
    """
    allowed = {p.id for p in rnd.priorities}
    clean = {}
    for pid, value in values.items():
        if pid not in allowed:
            raise PriorityError(_l("The ballot names a priority that is not in this round."))
        if value is None:
            continue
        if not isinstance(value, int) or value < 0:
            raise PriorityError(_l("Enter whole numbers, zero or more."))
        if value:
            clean[pid] = value
    if not clean:
        raise PriorityError(_l("The ballot is empty: give points or ranks to at least one priority."))
    if rnd.method == METHOD_POINTS:
        total = sum(clean.values())
        if total > rnd.points_budget:
            raise PriorityError(lazy_ngettext("You gave %(num)s point; at most %(k)s can be distributed.",
                                             "You gave %(num)s points; at most %(k)s can be distributed.", total,
                                             k=rnd.points_budget))
    else:
        ranks = sorted(clean.values())
        if len(set(ranks)) != len(ranks):
            raise PriorityError(_l("Each rank can be given to one priority only."))
        if ranks[-1] > rnd.top_n:
            raise PriorityError(lazy_ngettext("Rank at most %(num)s priority.", "Rank at most %(num)s priorities.", rnd.top_n))
        if ranks != list(range(1, len(ranks) + 1)):
            raise PriorityError(_l("Use ranks 1, 2, 3… without gaps."))
    return clean


def cast_ballot(rnd: RankingRound, user, values: dict[int, int]) -> RoundBallot:
    """Create or replace ``user``'s ballot in ``rnd`` (one per member, editable until the round closes).

    The (round, user) unique constraint keeps one ballot even under concurrent submissions: the
    losing insert is undone to its savepoint and retried as an update (``retry_on_conflict``);
    an IntegrityError escapes only if the collision persists.
    """
    if rnd.is_closed():
        raise PriorityError(_l("This round is closed; ballots can no longer be changed."))
    if not rnd.council.is_member(user):
        raise PriorityError(_l("Only members of the council vote in its rounds."))
    clean = validate_ballot(rnd, values)
    field = "points" if rnd.method == METHOD_POINTS else "rank"
    round_id, user_id = rnd.id, user.id

    def write() -> tuple[RoundBallot, bool]:
        ballot = (RoundBallot.query.filter_by(round_id=round_id, user_id=user_id).with_for_update()
                  .populate_existing().first())
        now = utcnow()
        created = ballot is None
        if created:
            ballot = RoundBallot(round_id=round_id, user_id=user_id, created_at=now, updated_at=now)
            db.session.add(ballot)
            db.session.flush()  # raises IntegrityError if another request created it meanwhile
        else:
            ballot.updated_at = now
            RoundBallotItem.query.filter_by(ballot_id=ballot.id).delete()
            db.session.expire(ballot, ["items"])
        for pid, value in clean.items():
            db.session.add(RoundBallotItem(ballot_id=ballot.id, priority_id=pid, **{field: value}))
        db.session.flush()
        return ballot, created

    ballot, created = retry_on_conflict(write)
    audit.record("round.ballot" if created else "round.ballot_update", ballot, council_id=rnd.council_id,
                 actor=user, round=rnd.id)
    return ballot


def my_ballot(rnd: RankingRound, user) -> RoundBallot | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (RoundBallot.query.filter_by(round_id=rnd.id, user_id=user.id)
            .options(selectinload(RoundBallot.items)).first())


@dataclass
class ResultRow:
    priority: Priority
    score: int
    voters: int
    first_places: int
    position: int = 0


def score_rows(method: str, top_n: int, priorities, items) -> list[ResultRow]:
    """The aggregated ranking of ``priorities`` from ballot ``items`` ((priority id, points, rank)
    tuples): points summed (points method) or Borda scores (rank r of N gives N − r + 1), sorted
    by score, then by number of voters, then by priority id. Ranking rounds and beneficiaries'
    consultations count the same way."""
    score, voters, firsts = {}, {}, {}
    for pid, points, rank in items:
        if method == METHOD_POINTS:
            value = points or 0
        else:
            value = (top_n - rank + 1) if rank and rank <= top_n else 0
            if rank == 1:
                firsts[pid] = firsts.get(pid, 0) + 1
        score[pid] = score.get(pid, 0) + value
        voters[pid] = voters.get(pid, 0) + 1
    rows = [ResultRow(p, score.get(p.id, 0), voters.get(p.id, 0), firsts.get(p.id, 0)) for p in priorities]
    rows.sort(key=lambda r: (-r.score, -r.voters, r.priority.id))
    for i, row in enumerate(rows, start=1):
        row.position = i
    return rows


def results(rnd: RankingRound) -> dict:
    """The round's aggregated ranking (:func:`score_rows`) with participation."""
    items = (db.session.query(RoundBallotItem.priority_id, RoundBallotItem.points, RoundBallotItem.rank)
             .join(RoundBallot, RoundBallotItem.ballot_id == RoundBallot.id)
             .filter(RoundBallot.round_id == rnd.id).all())
    rows = score_rows(rnd.method, rnd.top_n, rnd.priorities, items)
    ballots = RoundBallot.query.filter_by(round_id=rnd.id).count()
    members = Membership.query.filter(Membership.council_id == rnd.council_id,
                                      Membership.role.in_(SEAT_ROLES)).count()
    return {"rows": rows, "ballots": ballots, "members": members,
            "participation": (ballots / members) if members else 0.0}


# Tasks -----------------------------------------------------------------------
def my_tasks(user, scope) -> list:
    """Ranking rounds open in ``scope``'s councils, with their closing time and whether ``user``
    has voted (and may still change the ballot). One query."""


    if not scope.member_ids:
        return []
    now = utcnow()
    rows = (db.session.query(RankingRound, RoundBallot.id)
            .outerjoin(RoundBallot, and_(RoundBallot.round_id == RankingRound.id, RoundBallot.user_id == user.id))
            .filter(RankingRound.council_id.in_(scope.member_ids), RankingRound.closed_early_at.is_(None),
                    RankingRound.closes_at > now)
            .order_by(RankingRound.closes_at, RankingRound.id).all())
    return [Task(kind="round_vote", council=scope.councils[rnd.council_id], title=rnd.title,
                 endpoint="priorities.round_detail",
                 values={"slug": scope.councils[rnd.council_id].slug, "round_id": rnd.id},
                 closes_at=rnd.closes_at, done=ballot_id is not None) for rnd, ballot_id in rows]


# The activity feed's objects (a feature's activity_objects, budget_app.features) ------------------
def _int_ids(ids) -> list[int]:
    return [int(i) for i in ids if str(i).isdigit()]


def describe_priorities(council, ids) -> dict:
    """Priorities of ``council`` by id that the reader may see (not someone else's draft)."""
    rows = visible_priorities(council, current_user).filter(Priority.id.in_(_int_ids(ids))).all()
    return {p.id: (p.title, "priorities.priority_detail", {"slug": council.slug, "priority_id": p.id}) for p in rows}


def describe_comments(council, ids) -> dict:
    """A comment is named by the priority it discusses."""
    rows = (db.session.query(PriorityComment.id, Priority)
            .join(Priority, Priority.id == PriorityComment.priority_id)
            .filter(Priority.council_id == council.id, PriorityComment.id.in_(_int_ids(ids))).all())
    return {cid: (p.title, "priorities.priority_detail", {"slug": council.slug, "priority_id": p.id})
            for cid, p in rows}


def describe_rounds(council, ids) -> dict:
    rows = RankingRound.query.filter(RankingRound.council_id == council.id, RankingRound.id.in_(_int_ids(ids))).all()
    return {r.id: (r.title, "priorities.round_detail", {"slug": council.slug, "round_id": r.id}) for r in rows}
