"""Factories for the citizen-budget tests, the permission matrix and the browser tests.

``sample_snapshot()`` is a hand-made snapshot (no database): pages, charts, open data and the
API are tested with it. ``approved_cycle()`` builds a real approved cycle with the cycles
package's services, for execution tracking and for ``build_snapshot``.
"""
from __future__ import annotations

import copy
from datetime import date


def _ref(code, ar, en):
    return {"code": code, "name_ar": ar, "name_en": en}


SECTORS = {"disability": _ref("disability", "الإعاقة", "Disability"),
           "elderly": _ref("elderly", "كبار السن", "Elderly"),
           "childhood": _ref("childhood", "الطفولة والحضانات", "Childhood and nurseries")}
LOCALITIES = {"yatta": _ref("yatta", "يطا", "Yatta"), "dura": _ref("dura", "دورا", "Dura")}
GROUPS = {"disabilities": _ref("disabilities", "الأشخاص ذوو الإعاقة", "Persons with disabilities"),
          "elderly": _ref("elderly", "كبار السن", "Elderly people"),
          "children": _ref("children", "الأطفال", "Children")}


def _allocation(code, ar, en, sector, locality, groups, amount, funded, *, votes=3, beneficiaries=None,
                explanation=None, funding=(), spending=(), progress=None, milestones=()):
    return {
        "code": code, "title_ar": ar, "title_en": en, "description_ar": "", "description_en": "",
        "sector": SECTORS.get(sector), "locality": LOCALITIES.get(locality),
        "target_groups": [GROUPS[g] for g in groups], "amount_minor": amount * 100,
        "funding": [{"code": c, "amount_minor": a * 100} for c, a in funding],
        "beneficiaries": beneficiaries, "funded": funded, "votes": votes, "override": None,
        "explanation": explanation or ({"reason": "selected", "rank": 1, "remaining_before_minor": 100_000_000}
                                       if funded else {"reason": "insufficient_budget",
                                                       "remaining_minor": 5_000_000}),
        "priorities": [],
        "execution": {"executed_minor": sum(a for _q, _s, a in spending) * 100, "progress_pct": progress,
                      "over_allocation": False, "justifications": [],
                      "spending": [{"quarter": q, "funding_source": s, "amount_minor": a * 100}
                                   for q, s, a in spending]} if funded else None,
        "milestones": list(milestones) if funded else [],
    }


def sample_snapshot(year: int = 2026, *, execution: bool = True, previous: bool = True,
                    slug: str = "hebron") -> dict:
    """A small but complete citizen budget: 3 funded allocations, 1 not funded."""
    spending_a = [(1, "treasury", 60_000), (2, "eu", 40_000)] if execution else []
    spending_b = [(1, "treasury", 25_000)] if execution else []
    snapshot = {
        "schema": 1, "fiscal_year": year, "currency": "ILS",
        "council": {"slug": slug, "name_ar": "مجلس التخطيط المشترك – الخليل",
                    "name_en": "Joint Planning Council – Hebron", "contact_email": "hebron@council.sharaka.test",
                    "contact_phone": "+970 2 222 0000", "governorate_ar": "الخليل", "governorate_en": "Hebron"},
        "cycle": {"title_ar": "موازنة الخدمات الاجتماعية", "title_en": "Social services budget",
                  "phase": "executing", "approved": True, "ballot_method": "approval", "rule": "greedy",
                  "override_reason": "", "approved_on": f"{year}-01-20"},
        "envelope_minor": 1_000_000 * 100,
        "funding_sources": [
            {**_ref("treasury", "خزينة وزارة التنمية الاجتماعية", "Ministry of Social Development treasury"),
             "amount_minor": 600_000 * 100},
            {**_ref("eu", "الاتحاد الأوروبي", "European Union"), "amount_minor": 300_000 * 100},
        ],
        "allocations": [
            _allocation("P01", "مركز نهاري لكبار السن", "Day centre for the elderly", "elderly", "dura",
                        ["elderly"], 400_000, True, votes=5, beneficiaries=200,
                        funding=[("treasury", 300_000), ("eu", 100_000)], spending=spending_a,
                        progress=35 if execution else None,
                        milestones=[{"title_ar": "طرح العطاء", "title_en": "Tender", "status": "done",
                                     "due_on": f"{year}-02-28", "done_on": f"{year}-02-20"}] if execution else []),
            _allocation("P02", "حضانة في يطا", "Nursery in Yatta", "childhood", "yatta", ["children"], 300_000, True,
                        votes=4, beneficiaries=120, funding=[("eu", 150_000)], spending=spending_b,
                        progress=10 if execution else None),
            _allocation("P03", "تأهيل الأشخاص ذوي الإعاقة", "Rehabilitation for persons with disabilities",
                        "disability", None, ["disabilities", "children"], 200_000, True, votes=3,
                        beneficiaries=80),
            _allocation("P04", "=HYPERLINK(\"http://evil\")", "=cmd|' /C calc'!A0", "disability", "yatta",
                        ["disabilities"], 350_000, False, votes=1),
        ],
        "priorities": [
            {"id": 1, "title_ar": "خدمات نهارية لكبار السن", "title_en": "Day services for the elderly",
             "sector": SECTORS["elderly"], "locality": LOCALITIES["dura"], "target_groups": [GROUPS["elderly"]],
             "beneficiaries": 200},
            {"id": 2, "title_ar": "نقل الأطفال ذوي الإعاقة", "title_en": "Transport for disabled children",
             "sector": SECTORS["disability"], "locality": None, "target_groups": [GROUPS["disabilities"]],
             "beneficiaries": 40},
        ],
        "participation": {"meetings": 6, "meetings_by_kind": {"council_meeting": 4, "forum": 2},
                          "outside_participants": 85, "members": 11, "organizations": 10,
                          "organizations_by_type": {"ngo": 4, "ministry": 1, "private": 2},
                          "priorities_recorded": 14, "ballots_online": 9, "ballots_paper": 12,
                          "ballots_imported": 0, "ballots_total": 21, "ballot_method": "approval",
                          "rule": "greedy", "approval": {"yes": 8, "no": 1, "abstain": 1, "members": 11}},
        "previous_year": {"fiscal_year": year - 1, "envelope_minor": 800_000 * 100,
                          "allocated_minor": 750_000 * 100, "executed_minor": 700_000 * 100,
                          "by_sector": [{**SECTORS["elderly"], "amount_minor": 450_000 * 100},
                                        {**SECTORS["disability"], "amount_minor": 300_000 * 100}]}
        if previous else None,
        "texts": {"intro": {"ar": "هذه **موازنة المواطن**.", "en": "This is the **citizen budget**."},
                  "decision": {"ar": "", "en": ""}, "money_in": {"ar": "", "en": ""},
                  "money_out": {"ar": "", "en": ""}, "results": {"ar": "", "en": ""},
                  "execution": {"ar": "", "en": ""},
                  "take_part": {"ar": "[رابط](javascript:alert(1)) <script>alert(1)</script>",
                                "en": "<script>alert(1)</script> [link](javascript:alert(1))"}},
    }
    snapshot["allocations"][0]["priorities"] = [1]
    snapshot["allocations"][3]["priorities"] = [2]
    return snapshot


def publish_snapshot(council, snapshot: dict | None = None, *, year: int | None = None, note: str = "",
                     commit: bool = True):
    """Publish ``snapshot`` (default: the sample) as a new version of ``council``'s citizen budget."""
    from budget_app.extensions import db
    from citizen_budget import services

    snapshot = copy.deepcopy(snapshot or sample_snapshot(year or 2026, slug=council.slug))
    version = services.publish_version(council, snapshot["fiscal_year"], note=note, snapshot=snapshot)
    if commit:
        db.session.commit()
    return version


PROPOSALS = [
    # code, title_ar, title_en, cost (ILS), sector, locality, target groups, beneficiaries of the priority
    ("P01", "مركز نهاري لكبار السن", "Day centre for the elderly", 400_000, "elderly", "dura", ["elderly"], 200),
    ("P02", "حضانة في يطا", "Nursery in Yatta", 300_000, "childhood", "yatta", ["children"], 120),
    ("P03", "ملعب للشباب في يطا", "Youth playground in Yatta", 250_000, "youth", "yatta", ["youth"], 300),
    ("P04", "برنامج حماية المرأة", "Women's protection programme", 200_000, "women-protection", "hebron-city",
     ["women"], 150),
]


def approved_cycle(world, *, year: int | None = None, council=None, commit: bool = True):
    """A real cycle of hebron (or ``council``), approved by the council: P01, P02 and P04 funded."""
    from budget_app.cycles.approval import approve_allocation, cast_approval_vote
    from budget_app.cycles.ballots import cast_ballot
    from budget_app.cycles.lifecycle import close_voting, create_cycle, open_voting
    from budget_app.cycles.proposals import save_proposal
    from budget_app.extensions import db
    from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup
    from priorities.models import Priority

    council = council or world.hebron
    director = world.users["director"]
    year = year or date.today().year
    treasury = FundingSource.query.filter_by(code="treasury").one()
    eu = FundingSource.query.filter_by(code="eu").one()
    cycle = create_cycle(
        council, director, fiscal_year=year, title_ar="موازنة الخدمات الاجتماعية", title_en="Social services budget",
        envelope_minor=1_000_000 * 100, ballot_method="approval", tally_rule="greedy",
        funding=[(treasury.id, 600_000 * 100), (eu.id, 300_000 * 100)])
    for code, ar, en, cost, sector, locality, groups, people in PROPOSALS:
        priority = Priority(council_id=council.id, fiscal_year=year, title_ar="حاجة: " + ar, title_en="Need: " + en,
                            status="shortlisted", sector_id=Sector.query.filter_by(code=sector).one().id,
                            locality_id=Locality.query.filter_by(code=locality).one().id,
                            estimated_beneficiaries=people)
        db.session.add(priority)
        db.session.flush()
        save_proposal(
   cycle, code=code, title_ar=ar, title_en=en, cost_minor=cost * 100,
   sector_id=priority.sector_id, locality_id=priority.locality_id,
   target_group_ids=[TargetGroup.query.filter_by(code=g).one().id for g in groups],
   priority_ids=[priority.id], funding=[(treasury.id, cost * 60), (eu.id, cost * 40)])
    from budget_app.cycles.review import review_all_feasible  # beside the other cycle services here
    review_all_feasible(cycle, director, "ممكن التنفيذ")
    open_voting(cycle, director)
    ids = {p.code: p.id for p in cycle.proposals}
    ballots = {"member1": ["P01", "P04"], "member2": ["P01", "P02"], "member3": ["P02", "P04"],
               "member4": ["P01"], "member5": ["P03"]}
    for key, codes in ballots.items():
        cast_ballot(cycle, world.users[key], [ids[c] for c in codes])
    close_voting(cycle, director)
    for key in ("member1", "member2", "member3", "member4", "member5", "member6", "coordinator"):
        cast_approval_vote(cycle, world.users[key], "yes")
    approve_allocation(cycle, director)
    if commit:
        db.session.commit()
    return cycle


def funded(cycle, code: str):
    return next(p for p in cycle.proposals if p.code == code)
