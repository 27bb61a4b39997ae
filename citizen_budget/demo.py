"""Demo data: published citizen budgets for hebron (with two quarters of execution) and nablus.

Runs after the cycles seeder and uses its approved cycles; where a council has no cycle for
the demo year yet, a small approved one is made here with the cycles services. Idempotent:
nothing is added once a council's citizen budget of the year is published.
"""
from __future__ import annotations

from datetime import date

from budget_app.extensions import db

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
    from budget_app.cycles import services
    from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup
    from priorities.models import Priority

    director = users.get("director@sharaka.test")
    treasury = FundingSource.query.filter_by(code="treasury").one()
    eu = FundingSource.query.filter_by(code="eu").one()
    rows = DEMO_PROPOSALS[council.slug]
    envelope = int(sum(r[3] for r in rows) * 0.8)
    cycle = services.create_cycle(council, director, fiscal_year=year, title_ar=f"موازنة الخدمات الاجتماعية {year}",
                                  title_en=f"Social services budget {year}", envelope_minor=envelope * 100,
                                  ballot_method="approval", tally_rule="greedy",
                                  funding=[(treasury.id, envelope * 65), (eu.id, envelope * 35)])
    for code, ar, en, cost, sector, locality, groups, people in rows:
        priority = Priority(council_id=council.id, fiscal_year=year, title_ar="حاجة: " + ar, title_en="Need: " + en,
                            status="shortlisted", sector_id=Sector.query.filter_by(code=sector).one().id,
                            locality_id=Locality.query.filter_by(code=locality).one().id,
                            estimated_beneficiaries=people, proposing_organization="جمعية الإحسان الخيرية")
        db.session.add(priority)
        db.session.flush()
        services.save_proposal(cycle, code=code, title_ar=ar, title_en=en, cost_minor=cost * 100,
                               sector_id=priority.sector_id, locality_id=priority.locality_id,
                               target_group_ids=[TargetGroup.query.filter_by(code=g).one().id for g in groups],
                               priority_ids=[priority.id], funding=[(treasury.id, cost * 60), (eu.id, cost * 40)])
    services.open_voting(cycle, director)
    members = [u for email, u in sorted(users.items()) if email.startswith("member") and council.is_member(u)]
    codes = [r[0] for r in rows]
    ids = {p.code: p.id for p in cycle.proposals}
    for i, member in enumerate(members):
        choice = [codes[i % len(codes)], codes[(i + 1) % len(codes)]] if i % 3 else [codes[0]]
        services.cast_ballot(cycle, member, [ids[c] for c in choice])
    services.close_voting(cycle, director)
    for member in members + [users.get("coordinator@sharaka.test")]:
        if member is not None and council.is_member(member):
            services.cast_approval_vote(cycle, member, "yes")
    services.approve_allocation(cycle, director)
    return cycle


def _execution(cycle, quarters: int) -> None:
    """Spending, progress and milestones for the first ``quarters`` quarters."""
    from budget_app.reference.models import FundingSource
    from citizen_budget import services, snapshot as snap

    treasury = FundingSource.query.filter_by(code="treasury").one()
    for i, proposal in enumerate(snap.funded_allocations(cycle)):
        for q in range(1, quarters + 1):
            share = (0.15 + 0.05 * (i % 3)) if q == 1 else (0.2 + 0.04 * (i % 4))
            services.record_spending(cycle, proposal, None, amount_minor=int(proposal.cost_minor * share),
                                     spent_on=date(cycle.fiscal_year, 3 * q, 15),
                                     funding_source_id=treasury.id if i % 2 == 0 else None,
                                     note="دفعة للمورّد" if q == 1 else "رواتب ومستلزمات")
        services.set_progress(cycle, proposal, None, min(100, 20 * quarters + 5 * i))
        services.save_milestone(cycle, proposal, None, title_ar="توقيع الاتفاقية مع الجهة المنفذة",
                                title_en="Agreement signed with the implementing partner", status="done",
                                due_on=date(cycle.fiscal_year, 2, 1), done_on=date(cycle.fiscal_year, 1, 28))
        services.save_milestone(cycle, proposal, None, title_ar="بدء تقديم الخدمة", title_en="Service starts",
                                status="in_progress" if i % 2 else "delayed", due_on=date(cycle.fiscal_year, 7, 1))


def seed(ctx) -> None:
    from budget_app.auth.models import User
    from citizen_budget import services, snapshot as snap
    from citizen_budget.models import CitizenBudgetVersion, SpendingEntry
    from councils.models import Council

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
            from budget_app.cycles.models import BudgetCycle
            if BudgetCycle.query.filter_by(council_id=council.id, fiscal_year=year).first() is not None:
                ctx.echo(f"citizen budget: {slug} {year} is not approved yet; nothing published")
                continue
            cycle = _make_cycle(council, year, users)
        services.save_texts(council, year, TEXTS)
        services.publish_version(council, year, note="الموازنة المعتمدة / approved budget")
        ctx.count("citizen_budget_version")
        if quarters and not SpendingEntry.query.filter_by(cycle_id=cycle.id).first():
            _execution(cycle, quarters)
            services.publish_version(council, year, note="التنفيذ حتى نهاية الربع الثاني / execution to Q2")
            ctx.count("citizen_budget_version")
