"""Council work: meetings and their attendance, recommendations, partners, membership, summaries.

Services add and flush; the request commits once. Every change is audited.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, extract, func, or_
from sqlalchemy.orm import selectinload

from budget_app import audit
from budget_app.audit import AuditLog
from budget_app.errors import DomainError
from budget_app.extensions import db
from budget_app.memberships import add_membership, remove_membership
from budget_app.navigation import Task, activity_actions
from budget_app.tenancy import Council, Membership
from budget_app.utils import utcnow
from councils.labels import ACTIVITY_LABELS
from councils.models import (GENDERS, MEETING_KINDS, MOU_STATUSES, PARTICIPANT_CATEGORIES, PARTNER_TYPES, Meeting,
                             MeetingAttendance, MeetingParticipantCount, PartnerOrganization, Recommendation)

MEETING_FIELDS = ("kind", "title", "held_at", "place", "agenda", "minutes", "topic", "trainer", "group_outputs")


class CouncilWorkError(DomainError):
    """A change refused for a reason the user can fix (the message is shown)."""


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def save_meeting(council: Council, meeting: Meeting | None, *, data: dict, attendee_ids: list[int],
                 counts: dict[tuple[str, str], int], user=None) -> Meeting:
    """Create or update a meeting with its member attendance and counted outside participants.

    ``data`` holds the fields in MEETING_FIELDS (``held_at`` naive UTC); ``attendee_ids`` are
    user ids, kept only if they are members of ``council``; ``counts`` maps (category, gender)
    to a non-negative number. Fields that do not apply to the kind (topic and trainer outside
    workshops, group outputs outside forums) are cleared.
    """
    if data.get("kind") not in MEETING_KINDS:
        raise CouncilWorkError(_l("Kind"), "kind")
    created = meeting is None
    if created:
        meeting = Meeting(council_id=council.id, created_by_id=getattr(user, "id", None))
        db.session.add(meeting)
    values = {k: _clean(data.get(k)) for k in MEETING_FIELDS}
    for key in ("place", "agenda", "minutes", "topic", "trainer", "group_outputs"):
        values[key] = values[key] or ""
    if values["kind"] != "workshop":
        values["topic"] = values["trainer"] = ""
    if values["kind"] != "forum":
        values["group_outputs"] = ""
    for key, value in values.items():
        setattr(meeting, key, value)
    db.session.flush()

    member_ids = {m.user_id for m in Membership.query.filter_by(council_id=council.id)}
    wanted = {uid for uid in attendee_ids if uid in member_ids}
    existing = {a.user_id: a for a in meeting.attendances}
    for uid, row in existing.items():
        if uid not in wanted:
            meeting.attendances.remove(row)
    for uid in wanted - set(existing):
        meeting.attendances.append(MeetingAttendance(user_id=uid))

    rows = {(c.category, c.gender): c for c in meeting.participant_counts}
    for category in PARTICIPANT_CATEGORIES:
        for gender in GENDERS:
            n = int(counts.get((category, gender)) or 0)
            if n < 0:
                raise CouncilWorkError(_l("Enter whole numbers, zero or more."), "counts")
            row = rows.get((category, gender))
            if n == 0:
                if row is not None:
                    meeting.participant_counts.remove(row)
            elif row is None:
                meeting.participant_counts.append(MeetingParticipantCount(category=category, gender=gender, count=n))
            else:
                row.count = n
    db.session.flush()
    audit.record("meeting.create" if created else "meeting.update", meeting, council_id=council.id,
                 kind=meeting.kind, title=meeting.title, attendees=len(wanted),
                 outside_participants=sum(int(v or 0) for v in counts.values()))
    return meeting


def delete_meeting(meeting: Meeting) -> None:
    """Delete a meeting with its attendance and recommendations."""
    audit.record("meeting.delete", meeting, council_id=meeting.council_id, title=meeting.title)
    db.session.delete(meeting)
    db.session.flush()


def add_recommendation(meeting: Meeting, *, kind: str, text: str, owner: str, due_date: date | None) -> Recommendation:
    """A recommendation or decision of ``meeting``, open until followed up."""
    rec = Recommendation(council_id=meeting.council_id, meeting_id=meeting.id, kind=kind, text=text.strip(),
                         owner=owner.strip(), due_date=due_date, status="open")
    db.session.add(rec)
    db.session.flush()
    audit.record("recommendation.create", rec, kind=kind, owner=rec.owner, due_date=due_date)
    return rec


def follow_up(rec: Recommendation, *, status: str, owner: str, due_date: date | None, note: str) -> Recommendation:
    """Record the follow-up of a recommendation (status, owner, due date, note)."""
    changed = {}
    for key, value in (("status", status), ("owner", owner.strip()), ("due_date", due_date),
                       ("follow_up_note", (note or "").strip())):
        if getattr(rec, key) != value:
            changed[key] = value
            setattr(rec, key, value)
    db.session.flush()
    audit.record("recommendation.update", rec, **changed)
    return rec


def save_partner(council: Council, partner: PartnerOrganization | None, *, data: dict,
                 target_groups: list) -> PartnerOrganization:
    """Create or update a partner organization of ``council``."""
    created = partner is None
    if created:
        partner = PartnerOrganization(council_id=council.id)
        db.session.add(partner)
    for key, value in data.items():
        setattr(partner, key, _clean(value) if value is not None else ("" if key not in (
            "mou_signed_on", "mou_expires_on") else None))
    partner.target_groups = list(target_groups)
    db.session.flush()
    audit.record("partner.create" if created else "partner.update", partner, name=partner.name,
                 mou_status=partner.mou_status)
    return partner


def meeting_gender_totals(meeting: Meeting, members: dict) -> dict:
    """Women and men at a meeting, members present (by the gender recorded with their membership)
    and counted outside participants together; ``members`` maps user id → Membership.

    Returns {"female", "male", "unrecorded", "members_female", "members_male", "outside_female",
    "outside_male", "total"}."""
    totals = dict.fromkeys(("members_female", "members_male", "unrecorded", "outside_female", "outside_male"), 0)
    for attendance in meeting.attendances:
        gender = getattr(members.get(attendance.user_id), "gender", "") or ""
        if gender in GENDERS:
            totals[f"members_{gender}"] += 1
        else:
            totals["unrecorded"] += 1
    for count in meeting.participant_counts:
        if count.gender in GENDERS:
            totals[f"outside_{count.gender}"] += count.count
    totals["female"] = totals["members_female"] + totals["outside_female"]
    totals["male"] = totals["members_male"] + totals["outside_male"]
    totals["total"] = totals["female"] + totals["male"] + totals["unrecorded"]
    return totals


def search_partners(council: Council, *, q: str = "", organization_type: str = "", mou_status: str = "",
                    page: int = 1, per_page: int = 25) -> dict:
    """One page of the council's partner directory: ``q`` searches name, services and contact;
    type and memorandum status filter (unknown values are ignored). Returns items, total, has_next."""
    query = PartnerOrganization.query.filter_by(council_id=council.id)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.filter(db.or_(*(getattr(PartnerOrganization, col).ilike(pattern, escape="\\")
                                      for col in ("name", "services", "contact_name", "contact_email"))))
    if organization_type in PARTNER_TYPES:
        query = query.filter(PartnerOrganization.organization_type == organization_type)
    if mou_status in MOU_STATUSES:
        query = query.filter(PartnerOrganization.mou_status == mou_status)
    total = query.count()
    items = (query.options(selectinload(PartnerOrganization.target_groups))
             .order_by(PartnerOrganization.name, PartnerOrganization.id)
             .offset((page - 1) * per_page).limit(per_page + 1).all())
    return {"items": items[:per_page], "total": total, "has_next": len(items) > per_page}


def delete_partner(partner: PartnerOrganization) -> None:
    audit.record("partner.delete", partner, name=partner.name)
    db.session.delete(partner)
    db.session.flush()


# Membership, by the council's coordinator ------------------------------------
def add_member(council: Council, user, *, role: str, organization_name: str, organization_type: str,
               gender: str | None = None, partner_organization_id=...) -> Membership:
    """Give ``user`` a role in ``council``; an existing membership keeps its id and changes role.
    ``partner_organization_id``: the partner the member represents (None: none; left out: unchanged)."""
    existing = Membership.query.filter_by(council_id=council.id, user_id=user.id).first()
    if existing is not None and existing.role == "director":
        raise CouncilWorkError(_l("This person is the council's budget director; "
                                  "only an administrator changes that role."))
    if partner_organization_id not in (None, ...):
        partner = db.session.get(PartnerOrganization, int(partner_organization_id))
        if partner is None or partner.council_id != council.id:
            raise CouncilWorkError(_l("Choose an organization from this council's partner directory."))
    membership = add_membership(user, council, role=role, organization_name=organization_name,
                                organization_type=organization_type, gender=gender)
    if partner_organization_id is not ...:
        membership.partner_organization_id = partner_organization_id
    return membership


def remove_member(membership: Membership, by_user) -> None:
    """Remove a membership. Coordinators cannot remove themselves or the budget director."""
    if not by_user.is_admin and (membership.user_id == by_user.id or membership.role == "director"):
        raise CouncilWorkError(_l("You cannot remove yourself or the budget director."))
    remove_membership(membership)
    db.session.flush()


# Reading -------------------------------------------------------------------
def meetings_query(council: Council, year: int | None = None, kind: str | None = None):
    q = Meeting.query.filter_by(council_id=council.id).options(
        selectinload(Meeting.attendances), selectinload(Meeting.participant_counts),
        selectinload(Meeting.recommendations))
    if year:
        q = q.filter(extract("year", Meeting.held_at) == year)
    if kind in MEETING_KINDS:
        q = q.filter(Meeting.kind == kind)
    return q


def meeting_years(council: Council) -> list[int]:
    years = {d.year for (d,) in db.session.query(Meeting.held_at).filter_by(council_id=council.id)}
    years.add(utcnow().year)
    return sorted(years, reverse=True)


def recommendations_query(council: Council, status: str | None = None, overdue: bool = False):
    q = Recommendation.query.filter_by(council_id=council.id).options(selectinload(Recommendation.meeting))
    if status:
        q = q.filter(Recommendation.status == status)
    if overdue:
        q = q.filter(Recommendation.status.in_(("open", "in_progress")), Recommendation.due_date.isnot(None),
                     Recommendation.due_date < utcnow().date())
    return q.order_by(Recommendation.due_date.is_(None), Recommendation.due_date, Recommendation.id)


def activity_labels() -> dict:
    """Labels of the audit actions the council's activity feed shows: council work's own and
    those the other features offer (a feature's activity_actions, budget_app.features)."""
    return {**ACTIVITY_LABELS, **activity_actions()}


def recent_activity(council: Council, limit: int = 10) -> list[AuditLog]:
    """The latest entries of the council's activity feed, their authors loaded."""
    return (AuditLog.query.filter(AuditLog.council_id == council.id, AuditLog.action.in_(list(activity_labels())))
            .options(selectinload(AuditLog.user))
            .order_by(AuditLog.created_at.desc(), AuditLog.id.desc()).limit(limit).all())


def summary(council: Council, year: int) -> dict:
    """Figures of one council and year: meetings held by kind, participants by category and
    gender, member attendance, recommendations by status."""
    now = utcnow()
    meetings = meetings_query(council, year).filter(Meeting.held_at <= now).all()
    by_kind = {k: 0 for k in MEETING_KINDS}
    participants = {c: {g: 0 for g in GENDERS} for c in PARTICIPANT_CATEGORIES}
    attendance = 0
    for m in meetings:
        by_kind[m.kind] = by_kind.get(m.kind, 0) + 1
        attendance += len(m.attendances)
        for c in m.participant_counts:
            participants.setdefault(c.category, {g: 0 for g in GENDERS})[c.gender] += c.count
    recs = defaultdict(int)
    rows = (db.session.query(Recommendation.status, func.count(Recommendation.id))
            .join(Meeting, Recommendation.meeting_id == Meeting.id)
            .filter(Recommendation.council_id == council.id, extract("year", Meeting.held_at) == year)
            .group_by(Recommendation.status))
    for status, n in rows:
        recs[status] = n
    by_gender = {g: sum(participants[c][g] for c in participants) for g in GENDERS}
    return {
        "year": year,
        "meetings": len(meetings),
        "by_kind": by_kind,
        "participants": participants,
        "participants_by_gender": by_gender,
        "participants_total": sum(by_gender.values()),
        "member_attendance": attendance,
        "recommendations": dict(recs),
        "recommendations_done": recs.get("done", 0),
        "recommendations_open": recs.get("open", 0) + recs.get("in_progress", 0),
        "recommendations_dropped": recs.get("dropped", 0),
    }


def upcoming_and_past(council: Council, limit: int = 5) -> tuple[list[Meeting], list[Meeting]]:
    now = utcnow()
    base = Meeting.query.filter_by(council_id=council.id)
    upcoming = base.filter(Meeting.held_at >= now).order_by(Meeting.held_at).limit(limit).all()
    past = base.filter(Meeting.held_at < now).order_by(Meeting.held_at.desc()).limit(limit).all()
    return upcoming, past


def parse_date(value: str | None) -> date | None:
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None


# Tasks -----------------------------------------------------------------------
DUE_SOON_DAYS = 14
# Recommendations are often owned by a role rather than a person ("منسق المجلس"): a coordinator
# owns those too.
COORDINATOR_OWNER_NAMES = ("منسق المجلس", "المنسق", "Council coordinator", "Coordinator")


def my_tasks(user, scope) -> list:
    """Open recommendations of ``scope``'s councils owned by ``user`` (by name, email, the
    organization they represent, or their coordinator role) that are overdue or due within
    DUE_SOON_DAYS days. One query."""


    if not scope.member_ids:
        return []
    today = utcnow().date()
    names = [n for n in (getattr(user, "name", ""), getattr(user, "email", "")) if n]
    rows = (db.session.query(Recommendation)
            .join(Membership, and_(Membership.council_id == Recommendation.council_id, Membership.user_id == user.id))
            .filter(Recommendation.council_id.in_(scope.member_ids),
                    Recommendation.status.in_(("open", "in_progress")),
                    Recommendation.due_date.isnot(None),
                    Recommendation.due_date <= today + timedelta(days=DUE_SOON_DAYS),
                    or_(func.trim(Recommendation.owner).in_(names or [""]),
                        func.trim(Recommendation.owner) == Membership.organization_name,
                        and_(Membership.role == "coordinator",
                             func.trim(Recommendation.owner).in_(COORDINATOR_OWNER_NAMES))))
            .order_by(Recommendation.due_date, Recommendation.id).all())
    tasks = []
    for r in rows:
        council = scope.councils[r.council_id]
        if r.council_id in scope.manage_ids:  # coordinators follow it up on its own page
            endpoint, values = "councils.recommendation_edit", {"slug": council.slug, "rec_id": r.id}
        else:
            endpoint, values = "councils.recommendation_list", {"slug": council.slug}
        tasks.append(Task(kind="recommendation", council=council, title=r.text, endpoint=endpoint, values=values,
                          due_on=r.due_date, overdue=r.due_date < today))
    return tasks


# The activity feed's objects (a feature's activity_objects, budget_app.features) ------------------
def _int_ids(ids) -> list[int]:
    return [int(i) for i in ids if str(i).isdigit()]


def describe_meetings(council, ids) -> dict:
    """Meetings of ``council`` by id: (title, page)."""
    rows = Meeting.query.filter(Meeting.council_id == council.id, Meeting.id.in_(_int_ids(ids))).all()
    return {m.id: (m.title, "councils.meeting_detail", {"slug": council.slug, "meeting_id": m.id}) for m in rows}


def describe_recommendations(council, ids) -> dict:
    rows = Recommendation.query.filter(Recommendation.council_id == council.id,
                                       Recommendation.id.in_(_int_ids(ids))).all()
    return {r.id: (r.text if len(r.text) <= 90 else r.text[:89] + "…", "councils.recommendation_list",
                   {"slug": council.slug}) for r in rows}


def describe_partners(council, ids) -> dict:
    rows = PartnerOrganization.query.filter(PartnerOrganization.council_id == council.id,
                                            PartnerOrganization.id.in_(_int_ids(ids))).all()
    return {p.id: (p.name, "councils.partner_list", {"slug": council.slug}) for p in rows}


def describe_memberships(council, ids) -> dict:
    rows = (Membership.query.filter(Membership.council_id == council.id, Membership.id.in_(_int_ids(ids)))
            .options(selectinload(Membership.user)).all())
    return {m.id: (m.user.display_name, None, {}) for m in rows}
