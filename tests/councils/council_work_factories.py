"""Objects of council work for tests (created with the services, committed)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from budget_app.extensions import db
from budget_app.utils import utcnow


def make_meeting(council, *, kind="workshop", title="ورشة الموازنة التشاركية", held_at=None, attendees=(),
                 counts=None, minutes="", **extra):
    from councils import services
    data = {"kind": kind, "title": title, "held_at": held_at or (utcnow() - timedelta(days=10)),
            "place": "قاعة المديرية", "agenda": "", "minutes": minutes, "topic": "الموازنة التشاركية"
            if kind == "workshop" else "", "trainer": "مدرب", "group_outputs": ""}
    data.update(extra)
    meeting = services.save_meeting(council, None, data=data, attendee_ids=[u.id for u in attendees],
                                    counts=counts or {("social_workers", "female"): 4, ("beneficiaries", "male"): 3})
    db.session.commit()
    return meeting


def make_recommendation(meeting, *, text="متابعة التوصية", owner="المديرية", due_date=None, status=None):
    from councils import services
    rec = services.add_recommendation(meeting, kind="recommendation", text=text, owner=owner,
                                      due_date=due_date or date.today() + timedelta(days=30))
    if status:
        rec.status = status
    db.session.commit()
    return rec


def make_partner(council, name="جمعية الإحسان الخيرية"):
    from councils import services
    partner = services.save_partner(council, None, data={
        "name": name, "organization_type": "charity", "services": "إرشاد أسري", "free_of_charge": True,
        "mou_status": "signed", "mou_signed_on": date(2025, 1, 1), "mou_expires_on": date(2027, 1, 1),
        "contact_name": "", "contact_phone": "", "contact_email": ""}, target_groups=[])
    db.session.commit()
    return partner


def membership_of(council, email):
    from budget_app.tenancy import Membership
    from budget_app.auth.models import User
    user = User.query.filter_by(email=email).one()
    return Membership.query.filter_by(council_id=council.id, user_id=user.id).one()


__all__ = ["make_meeting", "make_recommendation", "make_partner", "membership_of", "datetime"]
