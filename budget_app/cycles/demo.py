"""Demo data: the Hebron council's budget cycle for the current year, voted, tallied and approved."""
from __future__ import annotations

from datetime import date

from budget_app.auth.models import User
from budget_app.cycles.approval import approve_allocation, cast_approval_vote
from budget_app.cycles.ballots import cast_ballot, enter_paper_ballot
from budget_app.cycles.lifecycle import close_voting, create_cycle, open_voting
from budget_app.cycles.models import BudgetCycle
from budget_app.cycles.proposals import save_proposal
from budget_app.cycles.review import review_all_feasible
from budget_app.demo import proportional_split
from budget_app.extensions import db
from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup
from budget_app.tenancy import Council
from priorities.models import Priority

DEMO_SOURCE = "demo"

PROPOSALS = [
    # code, title_ar, title_en, sector, locality, target groups, cost ILS, exclusive group,
    # the priorities it answers (their English titles: same sector, locality and a target group)
    ("P01-A01", "تأهيل مركز نهاري لكبار السن في الخليل", "Day centre for the elderly, Hebron city", "elderly",
     "hebron-city", ["elderly"], 320_000, "", ["Day club for elderly people in Hebron city"]),
    ("P02-A01", "حضانة مجتمعية دامجة في يطا", "Inclusive community nursery in Yatta", "disability", "yatta",
     ["children", "disabilities"], 280_000, "yatta-site",
     ["Inclusive nursery for children with disabilities in Yatta"]),
    ("P02-A02", "ساحة ألعاب آمنة للأطفال في يطا", "Safe children's playground in Yatta", "childhood", "yatta",
     ["children"], 180_000, "yatta-site", ["Safe play area for children in Yatta"]),
    ("P03-A01", "وحدة حماية وإرشاد للنساء المعنفات", "Protection and counselling unit for women survivors of violence",
     "women-protection", "hebron-city", ["women"], 260_000, "", ["Family counselling and protection centre"]),
    ("P04-A01", "أجهزة مساعدة وتأهيل للأشخاص ذوي الإعاقة في دورا", "Assistive devices and rehabilitation, Dura",
     "disability", "dura", ["disabilities"], 350_000, "",
     ["Community-based rehabilitation in Dura", "Mobility aids for persons with disabilities"]),
    ("P05-A01", "تمكين اقتصادي للأسر الفقيرة في مخيم الفوار", "Economic empowerment of poor families, Al-Fawwar camp",
     "poverty", "al-fawwar", ["poor-families", "women"], 300_000, "",
     ["Emergency cash assistance in Al-Fawwar camp"]),
    ("P06-A01", "برنامج إعادة دمج الأحداث في مدينة الخليل", "Juvenile reintegration programme, Hebron city",
     "juveniles", "hebron-city", ["juveniles", "youth"], 150_000, "", ["Reintegration programme for juveniles"]),
]

BALLOTS = {
    "member1@sharaka.test": ["P01-A01", "P04-A01", "P06-A01"],
    "member2@sharaka.test": ["P02-A01", "P03-A01", "P05-A01"],
    "member3@sharaka.test": ["P05-A01", "P01-A01"],
    "member4@sharaka.test": ["P05-A01", "P02-A01", "P03-A01"],
    "member5@sharaka.test": ["P03-A01", "P02-A01"],
    "member6@sharaka.test": ["P04-A01", "P01-A01"],
    "member7@sharaka.test": ["P02-A02", "P06-A01"],  # alternatives: one of the two Yatta projects
    "member8@sharaka.test": ["P02-A01", "P03-A01", "P04-A01"],
    "coordinator@sharaka.test": ["P03-A01", "P05-A01", "P06-A01"],
}
PAPER = [["P04-A01", "P05-A01"], ["P02-A01", "P05-A01"], ["P04-A01"]]


def seed(ctx) -> None:
    """The Hebron cycle of the current year (idempotent: skipped when it exists)."""
    council = Council.query.filter_by(slug="hebron").first()
    if council is None:
        return
    year = date.today().year
    if BudgetCycle.query.filter_by(council_id=council.id, fiscal_year=year).first():  # one cycle per year
        return
    users = {u.email: u for u in User.query}
    director = users.get("director@sharaka.test")
    sources = {s.code: s.id for s in FundingSource.query}
    sectors = {s.code: s.id for s in Sector.query}
    localities = {loc.code: loc.id for loc in Locality.query}
    groups = {g.code: g.id for g in TargetGroup.query}
    funding = [(sources[c], amount * 100) for c, amount in
               (("treasury", 900_000), ("world-bank", 300_000), ("eu", 200_000), ("local-community", 100_000))
               if c in sources]
    cycle = create_cycle(
        council, director, fiscal_year=year, title_ar=f"موازنة الخدمات الاجتماعية في محافظة الخليل {year}",
        title_en=f"Hebron social services budget {year}", envelope_minor=1_500_000 * 100,
        description_ar="توزيع مخصصات الخدمات الاجتماعية على المقترحات التي صوّت عليها أعضاء المجلس.",
        description_en="Allocating the social services envelope to the proposals voted by the council's members.",
        ballot_method="cost_limited", tally_rule="mes", mes_completion=True, funding=funding)
    cycle.source = DEMO_SOURCE
    priorities = _priorities(council)
    for code, ar, en, sector, locality, target, cost, group, answered in PROPOSALS:
        linked = [priorities[t] for t in answered if t in priorities]
        # The whole cost is split over the envelope's sources in their proportions, so the
        # citizen budget's flows from sources to sectors add up to its table of sources.
        save_proposal(cycle, code=code, title_ar=ar, title_en=en, sector_id=sectors.get(sector),
                      locality_id=localities.get(locality), cost_minor=cost * 100, exclusive_group=group,
                      target_group_ids=[groups[g] for g in target if g in groups], priority_ids=linked,
                      funding=proportional_split(cost * 100, funding) or None)
    db.session.flush()
    db.session.refresh(cycle)
    review_all_feasible(cycle, users.get("reviewer@sharaka.test") or director, "وجدت المديرية المقترح ممكن التنفيذ بالكلفة والمدة المقترحتين.")
    open_voting(cycle, director)
    ids = {p.code: p.id for p in cycle.proposals}
    for email, codes in BALLOTS.items():
        if email in users:
            cast_ballot(cycle, users[email], [ids[c] for c in codes])
    for codes in PAPER:
        enter_paper_ballot(cycle, users.get("coordinator@sharaka.test"), [ids[c] for c in codes],
                           meeting_label="الملتقى التشاوري في دورا", meeting_date=date(year, 3, 15))
    close_voting(cycle, director)
    for email in ("member1@sharaka.test", "member2@sharaka.test", "member3@sharaka.test", "member4@sharaka.test",
                  "member5@sharaka.test", "member6@sharaka.test", "coordinator@sharaka.test"):
        if email in users:
            cast_approval_vote(cycle, users[email], "yes")
    if "member7@sharaka.test" in users:
        cast_approval_vote(cycle, users["member7@sharaka.test"], "abstain")
    approve_allocation(cycle, director)
    ctx.count("budget_cycle")


def _priorities(council) -> dict:
    """The council's priorities by English title (the demo links proposals to them by title)."""
    return {p.title_en: p.id for p in Priority.query.filter(Priority.council_id == council.id,
                                                              Priority.status != "merged")}
