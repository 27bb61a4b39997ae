"""Ballots: checking choices against the frozen rules, casting online (with locks and retries),
paper ballots, receipts, bulk insert for imports, participation."""
from __future__ import annotations

import secrets
from datetime import date
from datetime import timezone as tz
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload

from budget_app import audit
from budget_app.cycles.errors import CycleError
from budget_app.cycles.models import (BALLOT_IMPORTED, BALLOT_ONLINE, BALLOT_PAPER, PHASE_VOTING, Ballot, BallotItem,
                                      BudgetCycle)
from budget_app.extensions import db
from budget_app.pagination import paginate
from budget_app.tenancy import SEAT_ROLES, Membership
from budget_app.transaction import retry_on_conflict
from budget_app.utils import utcnow
from councils.models import Meeting


RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


RECEIPT_LENGTH = 10


INSERT_CHUNK = 5000


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def format_receipt(code: str | None) -> str:
    if not code:
        return ""
    return code[:5] + "-" + code[5:]


def normalize_receipt(text: str) -> str:
    """What a person types (any case, dashes, spaces, O for 0, I or L for 1) → the stored code."""
    text = (text or "").upper().translate(str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"}))
    return "".join(ch for ch in text if ch in RECEIPT_ALPHABET)


def validate_choices(cycle: BudgetCycle, choices, proposals=None) -> list[tuple[int, int, int | None]]:
    """Check a ballot against the frozen rules; return ``[(proposal_id, points, rank)]``.

    ``choices``: proposal ids (approval, cost-limited), ``{proposal_id: points}`` (cumulative) or
    ``[proposal_id, ...]`` best first (ranked): see the cycle's method. Raises :class:`CycleError`.
    """
    proposals = proposals if proposals is not None else cycle.ballot_proposals
    return cycle.method.validate(cycle, choices, {p.id: p for p in proposals})


def parse_ballot_form(cycle: BudgetCycle, proposals, formdata):
    """The ballot form's fields → ``choices`` for :func:`validate_choices`."""
    try:
        return cycle.method.parse_form(proposals, formdata)
    except ValueError:
        raise CycleError(_("Write whole numbers only."))


def _write_items(ballot_id: int, items) -> None:
    db.session.execute(BallotItem.__table__.delete().where(BallotItem.ballot_id == ballot_id))
    if items:
        db.session.execute(insert(BallotItem), [
            {"ballot_id": ballot_id, "proposal_id": pid, "points": pts, "rank": rank} for pid, pts, rank in items])


def _voting_cycle_locked(cycle_id: int) -> BudgetCycle:
    # FOR SHARE on PostgreSQL: closing the vote (FOR UPDATE) waits for ballots being cast, and
    # a ballot cast after the close sees the new phase. SQLite serializes writers anyway.
    stmt = select(BudgetCycle).where(BudgetCycle.id == cycle_id).execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(read=True)
    return db.session.execute(stmt).scalar_one()


def cast_ballot(cycle: BudgetCycle, user, choices, *, max_attempts: int = 8) -> Ballot:
    """Record ``user``'s online ballot (one per member per cycle; a new one replaces the old).

    Each submission gets a new receipt code; the previous code is no longer counted. Safe under
    concurrency: two submissions racing to create the ballot end as one ballot (the unique
    constraint refuses the second insert, which is undone to its savepoint and retried as an
    update, ``retry_on_conflict``; likewise a lock or serialization failure). Nothing else the
    request did is undone.
    """
    cycle_id, user_id = cycle.id, user.id

    def write() -> tuple[BudgetCycle, Ballot, str, list]:
        cycle = _voting_cycle_locked(cycle_id)
        if cycle.phase != PHASE_VOTING:
            raise CycleError(_("Voting is not open for this cycle."))
        if not cycle.council.is_member(user):
            raise CycleError(_("Only members of the council may vote."))
        items = validate_choices(cycle, choices)
        stmt = select(Ballot).where(Ballot.cycle_id == cycle_id, Ballot.user_id == user_id)
        if db.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        ballot = db.session.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()
        now = utcnow()
        if ballot is None:
            ballot = Ballot(cycle_id=cycle_id, user_id=user_id, source=BALLOT_ONLINE,
                            receipt_code=new_receipt_code(), created_at=now, updated_at=now)
            db.session.add(ballot)
            action = "ballot.cast"
        else:
            ballot.receipt_code = new_receipt_code()
            ballot.updated_at = now
            action = "ballot.change"
        db.session.flush()  # another submission of the same member may have won the race: retried
        _write_items(ballot.id, items)
        return cycle, ballot, action, items

    cycle, ballot, action, items = retry_on_conflict(write, attempts=max_attempts,
                                                     conflicts=(IntegrityError, OperationalError), backoff=0.05)
    audit.record(action, ballot, council_id=cycle.council_id, actor=user, cycle_id=cycle_id, items=len(items))
    return ballot


def my_ballot(cycle: BudgetCycle, user) -> Ballot | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Ballot.query.filter_by(cycle_id=cycle.id, user_id=user.id).first()


def enter_paper_ballot(cycle: BudgetCycle, entered_by, choices, *, meeting_id: int | None = None,
                       meeting_label: str = "", meeting_date: date | None = None, record: bool = True) -> Ballot:
    """Record a paper ballot from an in-person meeting (no user; tagged with its meeting)."""
    if cycle.phase != PHASE_VOTING:
        raise CycleError(_("Paper ballots can be entered only while voting is open."))
    meeting_label = (meeting_label or "").strip()
    if meeting_id is not None:
        meeting = Meeting.query.filter_by(id=meeting_id, council_id=cycle.council_id).first()
        if meeting is None:
            raise CycleError(_("Choose a meeting of this council."), field="meeting_id")
        meeting_label = meeting_label or meeting.title
        # A ballot cast at a recorded meeting carries that meeting's (local) date, whatever date the
        # form held: the form's date field is for meetings that are not recorded.
        meeting_date = local_date(meeting.held_at)
    if not meeting_label:
        raise CycleError(_("Say at which meeting the paper ballot was cast."), field="meeting_label")
    items = validate_choices(cycle, choices)
    now = utcnow()
    ballot = Ballot(cycle_id=cycle.id, user_id=None, source=BALLOT_PAPER, receipt_code=new_receipt_code(),
                    meeting_id=meeting_id, meeting_label=meeting_label[:250], meeting_date=meeting_date,
                    entered_by_id=getattr(entered_by, "id", None), created_at=now, updated_at=now)
    db.session.add(ballot)
    db.session.flush()
    _write_items(ballot.id, items)
    if record:
        audit.record("ballot.paper", ballot, council_id=cycle.council_id, actor=entered_by, cycle_id=cycle.id,
                     meeting=meeting_label, items=len(items))
    return ballot


def local_date(moment) -> date:
    """The calendar date, in the application's time zone, of a naive UTC datetime."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    return moment.replace(tzinfo=tz.utc).astimezone(zone).date()


def delete_paper_ballot(ballot: Ballot) -> None:
    """Remove a mis-entered paper ballot while voting is open."""
    if ballot.source != BALLOT_PAPER:
        raise CycleError(_("Only paper ballots can be removed here."))
    if ballot.cycle.phase != PHASE_VOTING:
        raise CycleError(_("Paper ballots can be removed only while voting is open."))
    audit.record("ballot.paper_delete", ballot, council_id=ballot.cycle.council_id, cycle_id=ballot.cycle_id,
                 meeting=ballot.meeting_label)
    db.session.delete(ballot)
    db.session.flush()


def paper_ballots(cycle: BudgetCycle):
    """The cycle's paper ballots, newest first, one page of them (``?page=``), and their number."""
    query = Ballot.query.filter_by(cycle_id=cycle.id, source=BALLOT_PAPER)
    page = paginate(query.options(selectinload(Ballot.items)).order_by(Ballot.id.desc()), size=50)
    return page, query.count()


def ballot_choices(cycle: BudgetCycle, ballot: Ballot | None):
    """A stored ballot as the ``choices`` value the forms use."""
    if ballot is None:
        return None
    return cycle.method.choices_of(ballot.items)


def counted_receipts(cycle: BudgetCycle) -> list[str]:
    """Receipt codes of the ballots counted (public only after voting closed), sorted."""
    rows = db.session.execute(select(Ballot.receipt_code).where(
        Ballot.cycle_id == cycle.id, Ballot.receipt_code.is_not(None)).order_by(Ballot.receipt_code))
    return [r[0] for r in rows]


def receipt_counted(cycle: BudgetCycle, text: str) -> bool:
    code = normalize_receipt(text)
    if len(code) != RECEIPT_LENGTH:
        return False
    return db.session.execute(select(Ballot.id).where(Ballot.cycle_id == cycle.id,
                                                       Ballot.receipt_code == code)).first() is not None


def bulk_insert_ballots(cycle: BudgetCycle, ballots: list, *, code_of: dict[str, int],
                        source: str = BALLOT_IMPORTED) -> int:
    """Insert many anonymous ballots at once (imports): ``ballots`` as the tally engine takes them
    for the cycle's method (keyed by proposal code). Returns how many were inserted."""
    now = utcnow()
    method = cycle.method
    table_b, table_i = Ballot.__table__, BallotItem.__table__
    n = 0
    for start in range(0, len(ballots), INSERT_CHUNK):
        chunk = ballots[start:start + INSERT_CHUNK]
        rows = [{"cycle_id": cycle.id, "user_id": None, "source": source, "receipt_code": None,
                 "meeting_label": "", "created_at": now, "updated_at": now} for _ in chunk]
        ids = db.session.execute(insert(table_b).returning(table_b.c.id, sort_by_parameter_order=True),
                                 rows).scalars().all()
        items = [{"ballot_id": bid, "proposal_id": pid, "points": pts, "rank": rank}
                 for bid, b in zip(ids, chunk) for pid, pts, rank in method.item_rows(b, code_of)]
        if items:
            db.session.execute(insert(table_i), items)
        n += len(chunk)
    return n


def participation(cycle: BudgetCycle) -> dict:
    """Ballots by source, members who voted online, paper ballots per meeting."""
    counts = dict(db.session.execute(select(Ballot.source, func.count()).where(Ballot.cycle_id == cycle.id)
                                     .group_by(Ballot.source)).all())
    members = Membership.query.filter(Membership.council_id == cycle.council_id,
                                      Membership.role.in_(SEAT_ROLES)).count()
    online = counts.get(BALLOT_ONLINE, 0)
    meetings = db.session.execute(select(Ballot.meeting_label, Ballot.meeting_date, func.count())
                                  .where(Ballot.cycle_id == cycle.id, Ballot.source == BALLOT_PAPER)
                                  .group_by(Ballot.meeting_label, Ballot.meeting_date)
                                  .order_by(Ballot.meeting_date, Ballot.meeting_label)).all()
    return {"online": online, "paper": counts.get(BALLOT_PAPER, 0), "imported": counts.get(BALLOT_IMPORTED, 0),
            "total": sum(counts.values()), "members": members,
            "member_share": (online / members) if members else None,
            "meetings": [{"label": m[0], "date": m[1], "count": m[2]} for m in meetings]}

