"""Demo data: published citizen budgets for hebron (with two quarters of execution, recorded by
the cycles layer's ``budget_app.cycles.execution.demo``) and nablus.

Runs after the cycles seeder and uses its approved cycles; where a council has no cycle for
the demo year yet, a small approved one is made here with the cycles services. Idempotent:
nothing is added once a council's citizen budget of the year is published.
"""
from __future__ import annotations

from datetime import date

from budget_app.auth.models import User
from budget_app.cycles.approval import approve_allocation, cast_approval_vote
from budget_app.cycles.execution.demo import seed_execution
from budget_app.cycles.ballots import cast_ballot
from budget_app.cycles.lifecycle import close_voting, create_cycle, open_voting
from budget_app.cycles.review import review_all_feasible
from budget_app.cycles.models import BudgetCycle
from budget_app.cycles.proposals import save_proposal
from budget_app.demo import proportional_split
from budget_app.extensions import db
from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup
from budget_app.tenancy import Council
from citizen_budget import services
from citizen_budget import snapshot as snap
from citizen_budget.models import CitizenBudgetVersion, Feedback
from priorities.models import Priority

TEXTS = {
    "intro": {
        "ar": "هذه **موازنة المواطن** لمجلس التخطيط المشترك للخدمات الاجتماعية. تشرح بلغة بسيطة من أين يأتي "
              "المال، وأين يُصرف، وكيف قرّر المجلس ذلك مع المؤسسات الشريكة وممثلي المستفيدين.",
        "en": "This is the **citizen budget** of the joint planning council for social services. It explains in "
              "plain language where the money comes from, where it goes, and how the council decided, together "
              "with partner organizations and beneficiaries' representatives."},
    "take_part": {
        "ar": "يعقد المجلس منتديات تشاورية في كل تجمّع سكاني خلال الربع الأخير من السنة. تابعوا إعلانات مديرية "
              "التنمية الاجتماعية.",
        "en": "The council holds consultative forums in each locality during the last quarter of the year. Watch "
              "for the announcements of the social development directorate."},
}

DEMO_PROPOSALS = {
    "hebron": [
        ("HB-01", "مركز نهاري لكبار السن في دورا", "Day centre for the elderly in Dura", 420_000, "elderly", "dura",
         ["elderly"], 220),
        ("HB-02", "حضانة نموذجية في يطا", "Model nursery in Yatta", 310_000, "childhood", "yatta", ["children"], 140),
        ("HB-03", "تأهيل مجتمعي للأشخاص ذوي الإعاقة", "Community rehabilitation for persons with disabilities",
         260_000, "disability", "hebron-city", ["disabilities", "children"], 180),
        ("HB-04", "برنامج حماية المرأة في حلحول", "Women's protection programme in Halhul", 190_000,
         "women-protection", "halhul", ["women"], 150),
        ("HB-05", "ملعب للشباب في بني نعيم", "Youth playground in Bani Na'im", 280_000, "youth", "bani-naim",
         ["youth"], 400),
    ],
    "nablus": [
        ("NB-01", "مساعدات نقدية للأسر الفقيرة", "Cash assistance for poor families", 350_000, "poverty",
         "balata", ["poor-families"], 300),
        ("NB-02", "إدارة الحالة والتحويل في حوارة", "Case management and referral in Huwwara", 180_000,
         "case-management", "huwwara", ["women", "children"], 120),
        ("NB-03", "نادٍ لكبار السن في بيتا", "Club for the elderly in Beita", 150_000, "elderly", "beita",
         ["elderly"], 90),
    ],
}


def demo_year() -> int:
    return date.today().year


def _make_cycle(council, year, users):
    """A small approved cycle (used only when the cycles seeder made none for this council and year)."""

    director = users.get("director@sharaka.test")
    treasury = FundingSource.query.filter_by(code="treasury").one()
    eu = FundingSource.query.filter_by(code="eu").one()
    rows = DEMO_PROPOSALS[council.slug]
    envelope = int(sum(r[3] for r in rows) * 0.8)
    funding = [(treasury.id, envelope * 65), (eu.id, envelope * 35)]
    cycle = create_cycle(council, director, fiscal_year=year, title_ar=f"موازنة الخدمات الاجتماعية {year}",
                         title_en=f"Social services budget {year}", envelope_minor=envelope * 100,
                         ballot_method="approval", tally_rule="greedy", funding=funding)
    for code, ar, en, cost, sector, locality, groups, people in rows:
        priority = Priority(council_id=council.id, fiscal_year=year, title_ar="حاجة: " + ar, title_en="Need: " + en,
                            status="shortlisted", sector_id=Sector.query.filter_by(code=sector).one().id,
                            locality_id=Locality.query.filter_by(code=locality).one().id,
                            estimated_beneficiaries=people, proposing_organization="جمعية الإحسان الخيرية",
                            target_groups=[TargetGroup.query.filter_by(code=g).one() for g in groups])
        db.session.add(priority)
        db.session.flush()
        save_proposal(cycle, code=code, title_ar=ar, title_en=en, cost_minor=cost * 100,
                      sector_id=priority.sector_id, locality_id=priority.locality_id,
                      target_group_ids=[TargetGroup.query.filter_by(code=g).one().id for g in groups],
                      priority_ids=[priority.id], funding=proportional_split(cost * 100, funding))
    review_all_feasible(cycle, director, "وجدت المديرية المقترح ممكن التنفيذ بالكلفة والمدة المقترحتين.")
    open_voting(cycle, director)
    members = [u for email, u in sorted(users.items()) if email.startswith("member") and council.is_member(u)]
    codes = [r[0] for r in rows]
    ids = {p.code: p.id for p in cycle.proposals}
    for i, member in enumerate(members):
        choice = [codes[i % len(codes)], codes[(i + 1) % len(codes)]] if i % 3 else [codes[0]]
        cast_ballot(cycle, member, [ids[c] for c in choice])
    close_voting(cycle, director)
    for member in members + [users.get("coordinator@sharaka.test")]:
        if member is not None and council.is_member(member):
            cast_approval_vote(cycle, member, "yes")
    approve_allocation(cycle, director)
    return cycle


def seed(ctx) -> None:

    year = demo_year()
    users = {u.email: u for u in User.query}
    for slug, quarters in (("hebron", 2), ("nablus", 0)):
        council = Council.query.filter_by(slug=slug).first()
        if council is None:
            continue
        if CitizenBudgetVersion.query.filter_by(council_id=council.id, fiscal_year=year).first():
            continue  # already published: idempotent
        cycle = snap.cycle_for_year(council, year)
        if cycle is None:
            if BudgetCycle.query.filter_by(council_id=council.id, fiscal_year=year).first() is not None:
                ctx.echo(f"citizen budget: {slug} {year} is not approved yet; nothing published")
                continue
            cycle = _make_cycle(council, year, users)
        services.save_texts(council, year, TEXTS)
        services.publish_version(council, year, note="الموازنة المعتمدة")
        ctx.count("citizen_budget_version")
        if seed_execution(cycle, quarters):
            services.publish_version(council, year, note="التنفيذ حتى نهاية الربع الثاني")
            ctx.count("citizen_budget_version")


FEEDBACK = [
    # council, body, published?
    ("hebron", "شكرًا على نشر الموازنة بلغة واضحة. متى يبدأ العمل في الحضانة في يطا؟", True),
    ("hebron", "نرجو إضافة خدمات للأشخاص ذوي الإعاقة في بني نعيم في العام القادم.", False),
    ("hebron", "هل يمكن نشر مواعيد الملتقيات التشاورية على صفحة المديرية؟", False),
    ("nablus", "نقترح أن يشمل برنامج المساعدات النقدية مخيم عسكر أيضًا.", False),
]


def seed_feedback(ctx) -> None:
    """Citizens' messages on the published budgets, most of them waiting for the coordinator's
    moderation (idempotent: keyed by council and text)."""

    year = demo_year()
    councils = {c.slug: c for c in Council.query}
    for slug, body, published in FEEDBACK:
        council = councils.get(slug)
        if council is None or Feedback.query.filter_by(council_id=council.id, body=body).first():
            continue
        if not CitizenBudgetVersion.query.filter_by(council_id=council.id, fiscal_year=year).first():
            continue
        row = services.submit_feedback(council, year, body)
        if published:
            services.moderate_feedback(row, User.query.filter_by(email="coordinator@sharaka.test").first(), "publish")
        ctx.count("citizen_feedback")
