"""Priorities, comments and rounds for tests (created with the services, committed)."""
from __future__ import annotations

from datetime import timedelta

from budget_app.extensions import db
from budget_app.utils import utcnow


def make_priority(council, author, *, title="مركز نهاري لكبار السن", status="submitted", year=None,
                  sector="elderly", groups=("elderly",), locality=None, beneficiaries=120,
                  description="حاجة ملحة", title_en=""):
    from budget_app.reference.models import Locality, Sector, TargetGroup
    from priorities import services
    data = {"fiscal_year": year or utcnow().year, "title_ar": title, "title_en": title_en,
            "description_ar": description, "description_en": "",
            "sector_id": Sector.query.filter_by(code=sector).one().id,
            "locality_id": Locality.query.filter_by(code=locality).one().id if locality else None,
            "estimated_beneficiaries": beneficiaries, "evidence_type": "field_visit",
            "evidence_details": "زيارة ميدانية", "evidence_meeting_id": None,
            "proposing_organization": "جمعية"}
    p = services.save_priority(council, None, data=data,
                               target_groups=TargetGroup.query.filter(TargetGroup.code.in_(groups)).all(),
                               author=author)
    if status != "draft":
        services.submit_priority(p)
    if status == "shortlisted":
        services.shortlist_priority(p)
    elif status == "declined":
        services.decline_priority(p, "خارج الاختصاص")
    db.session.commit()
    return p


def make_comment(priority, author, body="تعليق"):
    from priorities import services
    c = services.add_comment(priority, author, body)
    db.session.commit()
    return c


def make_round(council, author, *, method="points", n_priorities=3, closed=False, visible=False, top_n=3,
               points=10, year=None):
    from priorities import services
    for i in range(n_priorities):
        make_priority(council, author, title=f"أولوية مختصرة {i + 1}", status="shortlisted", year=year)
    rnd = services.open_round(council, title="جولة ترتيب", fiscal_year=year or utcnow().year, method=method,
                              points_budget=points, top_n=top_n, closes_at=utcnow() + timedelta(days=7),
                              results_visible_before_close=visible, user=author)
    db.session.commit()
    if closed:
        services.close_round(rnd)
        db.session.commit()
    return rnd
