"""Demo data: a budget cycle in every phase and with every ballot method, so that every page of
the product exists in the demo.

Runs after the cycles and citizen-budget seeders (which leave hebron's and nablus's cycles of the
current year approved and published):

- hebron, this year: cost-limited, Method of Equal Shares — moved on to **executing**;
- nablus, this year: approval, greedy — stays **approved** (its citizen budget is published);
- hebron, next year: ranked (top 3), greedy — voted and tallied, **decided, awaiting the council's
  approval** (some members have voted on it, member4 and the director not yet);
- nablus, next year: cumulative points (10), greedy — **voting** open (member1 and the nablus
  coordinator have voted, members 2 and 3 not yet);
- yatta, next year: approval (at most 2), greedy — **being prepared** (two proposals, a funding gap);
- hebron, the year after: approval, Method of Equal Shares — **being prepared**, its proposals
  answering the priorities of hebron's closed ranking round, so the rule sandbox has a vote to run.

Idempotent: each cycle is keyed by council, fiscal year and ``source``.
"""
from __future__ import annotations

from datetime import date

from budget_app.auth.models import User
from budget_app.cycles.approval import cast_approval_vote
from budget_app.cycles.ballots import cast_ballot, enter_paper_ballot
from budget_app.cycles.interests import declare_interest
from budget_app.cycles.lifecycle import close_voting, create_cycle, open_voting, start_execution
from budget_app.cycles.models import PHASE_APPROVED, BudgetCycle
from budget_app.cycles.proposals import save_proposal
from budget_app.cycles.review import review_all_feasible, review_proposal
from budget_app.demo import answers
from budget_app.extensions import db
from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup
from budget_app.tenancy import Council, Membership
from councils.models import PartnerOrganization
from priorities.models import STATUS_DECLINED, STATUS_MERGED, Priority

PHASES_SOURCE = "demo-phases"

# code, title_ar, title_en, sector, locality, target groups, cost ILS
HEBRON_NEXT = [
    ("HB2-01", "وحدة متنقلة للخدمات الاجتماعية في بني نعيم", "Mobile social services unit, Bani Na'im",
     "case-management", "bani-naim", ["poor-families"], 240_000),
    ("HB2-02", "نادٍ شبابي للمهارات الرقمية في حلحول", "Youth digital skills club, Halhul", "youth", "halhul",
     ["youth"], 160_000),
    ("HB2-03", "برنامج رعاية منزلية لكبار السن في سعير", "Home care for the elderly, Sa'ir", "elderly", "sair",
     ["elderly"], 210_000),
    ("HB2-04", "دعم نفسي اجتماعي للأطفال في مدينة الخليل", "Psychosocial support for children, Hebron city",
     "childhood", "hebron-city", ["children"], 190_000),
    ("HB2-05", "تأهيل مهني للنساء ذوات الإعاقة في دورا", "Vocational training for women with disabilities, Dura",
     "disability", "dura", ["disabilities", "women"], 230_000),
    ("HB2-06", "مسبح مغلق للأشخاص ذوي الإعاقة في الخليل", "Indoor swimming pool for persons with disabilities, Hebron",
     "disability", "hebron-city", ["disabilities"], 480_000),
]
# The feasibility reviews that are not simply "feasible": {code: (outcome, reason, changes, revised cost ILS)}.
REVIEWS = {
    "HB2-06": ("not_feasible", "لا تملك المديرية ولا البلدية أرضاً مناسبة في المدينة، وكلفة التشغيل السنوية "
               "(نحو ١٢٠ ألف شيكل) لا يغطيها أي مصدر تمويل مؤكد.", "", None),
    "NB2-02": ("feasible_with_changes", "المقترح ضروري، لكن بناء مركز جديد يتجاوز مدة السنة المالية.",
               "استئجار مبنى قائم وتأهيله بدل البناء، مع بقاء عدد الأسرّة.", 230_000),
}
DEMO_REVIEW_REASON = "وجدت المديرية المقترح ممكن التنفيذ بالكلفة والمدة المقترحتين."
# Ranked ballots, best first.
HEBRON_NEXT_BALLOTS = {
    "member1@sharaka.test": ["HB2-03", "HB2-05", "HB2-01"],
    "member2@sharaka.test": ["HB2-01", "HB2-04"],
    "member3@sharaka.test": ["HB2-02", "HB2-01", "HB2-03"],
    "member5@sharaka.test": ["HB2-05", "HB2-04", "HB2-03"],
    "member6@sharaka.test": ["HB2-05", "HB2-03"],
    "member7@sharaka.test": ["HB2-04", "HB2-01", "HB2-05"],
    "member8@sharaka.test": ["HB2-04", "HB2-05", "HB2-02"],
    "coordinator@sharaka.test": ["HB2-01", "HB2-05", "HB2-04"],
}
HEBRON_NEXT_APPROVALS = {"member1@sharaka.test": "yes", "member2@sharaka.test": "yes",
                         "member3@sharaka.test": "no", "coordinator@sharaka.test": "yes"}

NABLUS_NEXT = [
    ("NB2-01", "مطبخ مجتمعي للأسر الفقيرة في مخيم بلاطة", "Community kitchen for poor families, Balata camp",
     "poverty", "balata", ["poor-families"], 170_000),
    ("NB2-02", "مركز إيواء مؤقت للنساء المعنفات في نابلس", "Temporary shelter for women survivors of violence, Nablus",
     "women-protection", "nablus-city", ["women"], 260_000),
    ("NB2-03", "تأهيل مجتمعي للأطفال ذوي الإعاقة في مخيم بلاطة",
     "Community rehabilitation for children with disabilities, Balata camp", "disability", "balata",
     ["disabilities", "children"], 150_000),
    ("NB2-04", "برنامج إرشاد للأحداث في بيتا", "Mentoring programme for juveniles, Beita", "juveniles", "beita",
     ["juveniles"], 90_000),
]
# Cumulative ballots: {code: points}, 10 points each.
NABLUS_NEXT_BALLOTS = {
    "member1@sharaka.test": {"NB2-01": 5, "NB2-02": 3, "NB2-03": 2},
    "coordinator-nablus@sharaka.test": {"NB2-02": 6, "NB2-04": 4},
}

YATTA_NEXT = [
    ("YT-01", "روضة دامجة للأطفال ذوي الإعاقة في يطا", "Inclusive kindergarten for children with disabilities, Yatta",
     "childhood", "yatta", ["children", "disabilities"], 200_000),
    ("YT-02", "مساعدات نقدية طارئة للأسر الفقيرة في يطا", "Emergency cash assistance for poor families, Yatta",
     "poverty", "yatta", ["poor-families"], 150_000),
]

# Proposals answering the priorities of hebron's closed ranking round (priorities/demo.py): same
# sector, locality and a target group, so the rule sandbox maps the round's ballots onto them.
HEBRON_LATER = [
    ("HB3-01", "توسعة الحضانة الدامجة للأطفال ذوي الإعاقة في يطا", "Inclusive nursery extension, Yatta",
     "disability", "yatta", ["children", "disabilities"], 220_000),
    ("HB3-02", "نادٍ نهاري ثانٍ لكبار السن في مدينة الخليل", "A second day club for the elderly, Hebron city",
     "elderly", "hebron-city", ["elderly"], 180_000),
    ("HB3-03", "مشاريع مدرّة للدخل للنساء المعيلات في دورا", "Income projects for women heads of household, Dura",
     "women-protection", "dura", ["women", "poor-families"], 150_000),
    ("HB3-04", "تأهيل مجتمعي متنقل في دورا", "Mobile community rehabilitation, Dura", "disability", "dura",
     ["disabilities"], 260_000),
    ("HB3-05", "مساعدات نقدية طارئة في مخيم الفوار", "Emergency cash assistance, Al-Fawwar camp", "poverty",
     "al-fawwar", ["children", "poor-families"], 120_000),
    ("HB3-06", "مركز إرشاد وحماية الأسرة في مدينة الخليل", "Family counselling and protection, Hebron city",
     "women-protection", "hebron-city", ["women", "children"], 200_000),
]


def seed(ctx) -> None:
    """Cycles in the phases and with the ballot methods the other demo cycles lack (idempotent)."""
    councils = {c.slug: c for c in Council.query}
    users = {u.email: u for u in User.query}
    director = users.get("director@sharaka.test")
    year = date.today().year
    if director is None:
        return

    # This year's hebron cycle: the council approved it and its execution is being recorded.
    hebron = councils.get("hebron")
    if hebron is not None:
        current = (BudgetCycle.query.filter_by(council_id=hebron.id, fiscal_year=year, phase=PHASE_APPROVED)
                   .order_by(BudgetCycle.id).first())
        if current is not None:
            start_execution(current, director)
            ctx.count("budget_cycle_executing")

    if hebron is not None and _absent(hebron, year + 1):
        cycle = _cycle(hebron, director, year + 1, HEBRON_NEXT, envelope=600_000,
                       title_ar=f"موازنة الخدمات الاجتماعية في محافظة الخليل {year + 1}",
                       title_en=f"Hebron social services budget {year + 1}",
                       funding=(("treasury", 400_000), ("world-bank", 120_000), ("eu", 80_000)),
                       ballot_method="ranked", max_choices=3, tally_rule="greedy")
        _organizations(cycle)
        _review(cycle, users.get("reviewer@sharaka.test") or director)
        open_voting(cycle, director)
        ids = {p.code: p.id for p in cycle.proposals}
        for email, codes in HEBRON_NEXT_BALLOTS.items():
            if email in users:
                cast_ballot(cycle, users[email], [ids[c] for c in codes])
        close_voting(cycle, director)
        for email, choice in HEBRON_NEXT_APPROVALS.items():
            if email in users:
                cast_approval_vote(cycle, users[email], choice)
        # UNICEF's office (member8) would carry out HB2-01: they declare it and are recused from
        # the approval vote; member2 declares none; member5, whose association proposes HB2-05,
        # has not declared yet (listed for the coordinator). member1 keeps an approval vote to
        # change (the dashboard's task panel leads there).
        for email, codes in (("member8@sharaka.test", ["HB2-01"]), ("member2@sharaka.test", [])):
            if email in users:
                declare_interest(cycle, users[email], has_interest=bool(codes), codes=codes,
                                 note="الجمعية هي الجهة المنفذة المقترحة." if codes else "")
        ctx.count("budget_cycle_decided")

    nablus = councils.get("nablus")
    if nablus is not None and _absent(nablus, year + 1):
        cycle = _cycle(nablus, director, year + 1, NABLUS_NEXT, envelope=400_000,
                       title_ar=f"موازنة الخدمات الاجتماعية في محافظة نابلس {year + 1}",
                       title_en=f"Nablus social services budget {year + 1}",
                       funding=(("treasury", 300_000), ("ngos", 100_000)),
                       ballot_method="cumulative", points_total=10, tally_rule="greedy")
        _review(cycle, users.get("reviewer@sharaka.test") or director)
        open_voting(cycle, director)
        ids = {p.code: p.id for p in cycle.proposals}
        for email, points in NABLUS_NEXT_BALLOTS.items():
            if email in users:
                cast_ballot(cycle, users[email], {ids[c]: n for c, n in points.items()})
        coordinator = users.get("coordinator-nablus@sharaka.test")
        if coordinator is not None:
            enter_paper_ballot(cycle, coordinator, {ids["NB2-01"]: 4, ids["NB2-03"]: 6},
                               meeting_label="الاجتماع الدوري لمجلس نابلس",
                               meeting_date=date(year, 11, 20))
        ctx.count("budget_cycle_voting")

    yatta = councils.get("yatta")
    if yatta is not None and yatta.is_member(director) and _absent(yatta, year + 1):
        cycle = _cycle(yatta, director, year + 1, YATTA_NEXT, envelope=300_000,
                       title_ar=f"موازنة الخدمات الاجتماعية في يطا {year + 1}",
                       title_en=f"Yatta social services budget {year + 1}",
                       funding=(("treasury", 250_000),), ballot_method="approval", max_choices=2,
                       tally_rule="greedy")
        # Half reviewed: the reviewer's task panel and the refused opening of the vote show.
        review_proposal(cycle.proposals[0], users.get("reviewer@sharaka.test") or director, outcome="feasible",
                        reason=DEMO_REVIEW_REASON)
        ctx.count("budget_cycle_preparing")

    if hebron is not None and _absent(hebron, year + 2):
        _cycle(hebron, director, year + 2, HEBRON_LATER, envelope=600_000,
               title_ar=f"موازنة الخدمات الاجتماعية في محافظة الخليل {year + 2}",
               title_en=f"Hebron social services budget {year + 2}",
               funding=(("treasury", 450_000), ("eu", 150_000)), ballot_method="approval", tally_rule="mes")
        ctx.count("budget_cycle_preparing")


# Who proposes and who would carry out hebron's proposals of next year: {code: (proposing, implementing)}.
ORGANIZATIONS = {"HB2-01": (None, "مكتب يونيسف – الخليل"), "HB2-05": ("جمعية المرأة العاملة", None)}


def _organizations(cycle) -> None:
    """Link the council's memberships to the partner they represent (same name), then record the
    organizations of ``ORGANIZATIONS`` on the proposals."""
    partners = {p.name: p.id for p in PartnerOrganization.query.filter_by(council_id=cycle.council_id)}
    for m in Membership.query.filter_by(council_id=cycle.council_id, partner_organization_id=None):
        m.partner_organization_id = partners.get(m.organization_name)
    for proposal in cycle.proposals:
        proposing, implementing = ORGANIZATIONS.get(proposal.code, (None, None))
        proposal.proposing_organization_id = partners.get(proposing)
        proposal.implementing_organization_id = partners.get(implementing)
    db.session.flush()


def _review(cycle, reviewer) -> None:
    """The demo's feasibility reviews: those of ``REVIEWS``, every other proposal feasible."""
    for proposal in cycle.proposals:
        if proposal.code in REVIEWS:
            outcome, reason, changes, revised = REVIEWS[proposal.code]
            review_proposal(proposal, reviewer, outcome=outcome, reason=reason, changes=changes,
                            revised_cost_minor=revised * 100 if revised else None)
    review_all_feasible(cycle, reviewer, DEMO_REVIEW_REASON)


def _absent(council, year: int) -> bool:
    return BudgetCycle.query.filter_by(council_id=council.id, fiscal_year=year, source=PHASES_SOURCE).first() is None


def _cycle(council, director, year, rows, *, envelope, title_ar, title_en, funding, **rules):
    """A cycle in preparation with ``rows`` as its proposals, each linked to the council's
    priorities it answers (see ``_matching_priorities``) and funded like the envelope."""
    sources = {s.code: s.id for s in FundingSource.query}
    sectors = {s.code: s.id for s in Sector.query}
    localities = {loc.code: loc.id for loc in Locality.query}
    groups = {g.code: g.id for g in TargetGroup.query}
    split = [(sources[c], amount) for c, amount in funding if c in sources]
    cycle = create_cycle(
        council, director, fiscal_year=year, title_ar=title_ar, title_en=title_en, envelope_minor=envelope * 100,
        description_ar="دورة من بيانات العرض التجريبي.", description_en="A cycle of the demonstration data.",
        funding=[(sid, amount * 100) for sid, amount in split], **rules)
    cycle.source = PHASES_SOURCE
    funded = sum(amount for _sid, amount in split) or 1
    for code, ar, en, sector, locality, target, cost in rows:
        # Each source pays its share of the envelope; the last one takes the rounding remainder.
        shares = [(sid, cost * 100 * amount // funded) for sid, amount in split]
        if shares:
            shares[-1] = (shares[-1][0], cost * 100 - sum(a for _s, a in shares[:-1]))
        save_proposal(cycle, code=code, title_ar=ar, title_en=en, sector_id=sectors.get(sector),
                      locality_id=localities.get(locality), cost_minor=cost * 100,
                      target_group_ids=[groups[g] for g in target if g in groups],
                      priority_ids=_matching_priorities(council, sector, locality, target),
                      funding=shares)
    db.session.flush()
    db.session.refresh(cycle)
    return cycle


def _matching_priorities(council, sector: str, locality: str, target_groups: list[str]) -> list[int]:
    """The council's open priorities a proposal answers (``budget_app.demo.answers``: same sector,
    same locality or the whole governorate, a target group in common): those of its own locality
    when there are any, else those of the whole governorate; none when nothing matches, rather than
    a priority of another place or sector."""
    proposal = {"sector": sector, "locality": locality, "target_groups": list(target_groups)}
    rows = (Priority.query.filter(Priority.council_id == council.id,
                                  Priority.status.notin_([STATUS_MERGED, STATUS_DECLINED]))
            .order_by(Priority.id).all())
    matching = [p for p in rows if answers(proposal, {
        "sector": p.sector.code if p.sector else None, "locality": p.locality.code if p.locality else None,
        "target_groups": [g.code for g in p.target_groups]})]
    same_place = [p.id for p in matching if p.locality is not None]
    return same_place or [p.id for p in matching]
