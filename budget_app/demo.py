"""Demo data from the real councils. Idempotent: running it twice changes nothing.

Each feature lists its seeders in its feature object (budget_app.features: ``(order, "module:function")``,
run by order); a seeder receives a ``DemoContext`` and must itself be idempotent.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from budget_app.auth.models import User
from budget_app.extensions import db
from budget_app.features import installed, resolve
from budget_app.reference.models import FundingSource, Governorate, Locality, Sector, TargetGroup
from budget_app.tenancy import Council, Membership

DEFAULT_DEMO_PASSWORD = "sharaka-demo-2026"



@dataclass
class DemoContext:
    password: str
    echo: callable = print
    created: dict = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def get_or_create(model, defaults: dict | None = None, ctx: DemoContext | None = None, **keys):
    obj = model.query.filter_by(**keys).first()
    if obj is not None:
        return obj, False
    obj = model(**keys, **(defaults or {}))
    db.session.add(obj)
    db.session.flush()
    if ctx is not None:
        ctx.count(model.__tablename__)
    return obj, True


GOVERNORATES = [
    ("hebron", "الخليل", "Hebron"), ("bethlehem", "بيت لحم", "Bethlehem"),
    ("jerusalem", "القدس", "Jerusalem"), ("ramallah", "رام الله والبيرة", "Ramallah and Al-Bireh"),
    ("nablus", "نابلس", "Nablus"), ("tulkarm", "طولكرم", "Tulkarm"), ("tubas", "طوباس", "Tubas"),
    ("jenin", "جنين", "Jenin"), ("jericho", "أريحا", "Jericho"),
]
LOCALITIES = [
    ("hebron", "hebron-city", "مدينة الخليل", "Hebron city"), ("hebron", "yatta", "يطا", "Yatta"),
    ("hebron", "dura", "دورا", "Dura"), ("hebron", "halhul", "حلحول", "Halhul"),
    ("hebron", "bani-naim", "بني نعيم", "Bani Na'im"), ("hebron", "sair", "سعير", "Sa'ir"),
    ("hebron", "al-fawwar", "مخيم الفوار", "Al-Fawwar camp"),
    ("nablus", "nablus-city", "مدينة نابلس", "Nablus city"), ("nablus", "balata", "مخيم بلاطة", "Balata camp"),
    ("nablus", "huwwara", "حوارة", "Huwwara"), ("nablus", "beita", "بيتا", "Beita"),
    ("jerusalem", "al-ram", "الرام", "Al-Ram"), ("jerusalem", "abu-dis", "أبو ديس", "Abu Dis"),
    ("ramallah", "ramallah-city", "مدينة رام الله", "Ramallah city"), ("ramallah", "al-bireh", "البيرة", "Al-Bireh"),
    ("tulkarm", "tulkarm-city", "مدينة طولكرم", "Tulkarm city"), ("tulkarm", "anabta", "عنبتا", "Anabta"),
    ("tubas", "tubas-city", "مدينة طوباس", "Tubas city"), ("tubas", "tammun", "طمون", "Tammun"),
]
COUNCILS = [
    ("hebron", "hebron", "مجلس التخطيط المشترك للخدمات الاجتماعية – الخليل",
     "Joint Planning Council for Social Services – Hebron"),
    ("nablus", "nablus", "مجلس التخطيط المشترك للخدمات الاجتماعية – نابلس",
     "Joint Planning Council for Social Services – Nablus"),
    ("jerusalem", "jerusalem", "مجلس التخطيط المشترك للخدمات الاجتماعية – القدس",
     "Joint Planning Council for Social Services – Jerusalem"),
    ("ramallah", "ramallah", "مجلس التخطيط المشترك للخدمات الاجتماعية – رام الله والبيرة",
     "Joint Planning Council for Social Services – Ramallah and Al-Bireh"),
    ("tulkarm", "tulkarm", "مجلس التخطيط المشترك للخدمات الاجتماعية – طولكرم",
     "Joint Planning Council for Social Services – Tulkarm"),
    ("yatta", "hebron", "مجلس التخطيط المشترك للخدمات الاجتماعية – يطا",
     "Joint Planning Council for Social Services – Yatta"),
    ("tubas", "tubas", "مجلس التخطيط المشترك للخدمات الاجتماعية – طوباس",
     "Joint Planning Council for Social Services – Tubas"),
]
SECTORS = [
    ("disability", "الإعاقة", "Disability"),
    ("elderly", "كبار السن", "Elderly"),
    ("childhood", "الطفولة والحضانات", "Childhood and nurseries"),
    ("women-protection", "حماية المرأة", "Women's protection"),
    ("youth", "الشباب", "Youth"),
    ("poverty", "مكافحة الفقر والمساعدات النقدية", "Poverty and cash assistance"),
    ("juveniles", "الأحداث", "Juveniles"),
    ("case-management", "إدارة الحالة والتحويل", "Case management and referral"),
]
TARGET_GROUPS = [
    ("women", "النساء", "Women"), ("children", "الأطفال", "Children"), ("youth", "الشباب", "Youth"),
    ("disabilities", "الأشخاص ذوو الإعاقة", "Persons with disabilities"),
    ("elderly", "كبار السن", "Elderly people"),
    ("poor-families", "الأسر الفقيرة والمهمشة", "Poor and marginalized families"),
    ("juveniles", "الأحداث", "Juveniles"),
]
FUNDING_SOURCES = [
    ("treasury", "خزينة وزارة التنمية الاجتماعية", "Ministry of Social Development treasury"),
    ("world-bank", "البنك الدولي", "World Bank"), ("eu", "الاتحاد الأوروبي", "European Union"),
    ("local-community", "المجتمع المحلي", "Local community"), ("private-sector", "القطاع الخاص", "Private sector"),
    ("ngos", "المؤسسات الأهلية", "NGOs"),
]
# (email, name, [(council, role, organization, type)])
PEOPLE = [
    ("director@sharaka.test", "سامر التميمي", [
        ("hebron", "director", "مديرية التنمية الاجتماعية – الخليل", "ministry"),
        ("nablus", "director", "مديرية التنمية الاجتماعية – نابلس", "ministry")]),
    ("coordinator@sharaka.test", "ريم الجعبري", [
        ("hebron", "coordinator", "مديرية التنمية الاجتماعية – الخليل", "ministry")]),
    ("member1@sharaka.test", "أحمد أبو سنينة", [
        ("hebron", "member", "جمعية الإحسان الخيرية", "ngo"), ("nablus", "member", "جمعية الإحسان الخيرية", "ngo")]),
    ("member2@sharaka.test", "هالة القواسمي", [
        ("hebron", "member", "بلدية الخليل", "local_government"),
        ("nablus", "member", "بلدية نابلس", "local_government")]),
    ("member3@sharaka.test", "خالد النتشة", [
        ("hebron", "member", "غرفة تجارة وصناعة محافظة الخليل", "private"),
        ("nablus", "member", "غرفة تجارة وصناعة نابلس", "private")]),
    ("member4@sharaka.test", "فاطمة الشريف", [("hebron", "member", "ممثلة الأسر المستفيدة", "beneficiaries")]),
    ("member5@sharaka.test", "نسرين الرجبي", [("hebron", "member", "جمعية المرأة العاملة", "ngo")]),
    ("member6@sharaka.test", "يوسف العملة", [("hebron", "member", "الاتحاد العام للأشخاص ذوي الإعاقة", "beneficiaries")]),
    ("member7@sharaka.test", "منى الزعتري", [("hebron", "member", "مجلس بلدي يطا", "local_government")]),
    ("member8@sharaka.test", "طارق الحرباوي", [("hebron", "member", "مكتب يونيسف – الخليل", "donor")]),
    # The directorate's technical staff: reviews the proposals' feasibility, holds no seat.
    ("reviewer@sharaka.test", "لينا الشلالدة", [
        ("hebron", "reviewer", "مديرية التنمية الاجتماعية – الخليل", "ministry"),
        ("nablus", "reviewer", "مديرية التنمية الاجتماعية – نابلس", "ministry"),
        ("yatta", "reviewer", "مديرية التنمية الاجتماعية – يطا", "ministry")]),
]


def seed_core(ctx: DemoContext) -> None:

    for model, rows in ((Sector, SECTORS), (TargetGroup, TARGET_GROUPS), (FundingSource, FUNDING_SOURCES),
                        (Governorate, GOVERNORATES)):
        for order, (code, ar, en) in enumerate(rows):
            get_or_create(model, {"name_ar": ar, "name_en": en, "sort_order": order}, ctx, code=code)
    governorates = {g.code: g for g in Governorate.query}
    for order, (gov, code, ar, en) in enumerate(LOCALITIES):
        get_or_create(Locality, {"name_ar": ar, "name_en": en, "sort_order": order,
                                 "governorate_id": governorates[gov].id}, ctx, code=code)
    for slug, gov, ar, en in COUNCILS:
        get_or_create(Council, {"name_ar": ar, "name_en": en, "governorate_id": governorates[gov].id,
                                "contact_email": f"{slug}@council.sharaka.test",
                                "description_ar": "مجلس يضم مديرية التنمية الاجتماعية والمؤسسات الأهلية "
                                                  "والقطاع الخاص والحكم المحلي وممثلي المستفيدين.",
                                "description_en": "A council of the social development directorate, NGOs, "
                                                  "the private sector, local government and beneficiaries' "
                                                  "representatives."}, ctx, slug=slug)
    councils = {c.slug: c for c in Council.query}

    def person(email, name, is_admin=False):
        user, created = get_or_create(User, {"name": name, "is_admin": is_admin}, ctx, email=email)
        if created:
            user.set_password(ctx.password)
        return user

    person("admin@sharaka.test", "مدير النظام", is_admin=True)
    for email, name, roles in PEOPLE:
        user = person(email, name)
        for slug, role, org, org_type in roles:
            get_or_create(Membership, {"role": role, "organization_name": org, "organization_type": org_type},
                          ctx, user_id=user.id, council_id=councils[slug].id)


def proportional_split(cost_minor: int, shares: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split ``cost_minor`` over funding sources in proportion to ``shares`` [(source id, amount)],
    in whole minor units that add up to exactly the cost (largest remainder), so a proposal's
    funding split is complete and the citizen budget's flows match its sources."""
    total = sum(amount for _sid, amount in shares)
    if total <= 0 or cost_minor <= 0:
        return []
    raw = [cost_minor * amount / total for _sid, amount in shares]
    whole = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: (-(raw[i] - whole[i]), i))[:cost_minor - sum(whole)]:
        whole[i] += 1
    return [(sid, amount) for (sid, _a), amount in zip(shares, whole) if amount]


def answers(proposal: dict, priority: dict) -> bool:
    """Whether a proposal can truthfully be said to answer a priority: the same sector, the same
    locality (or a priority for the whole governorate) and at least one target group in common.
    Both are plain dicts with ``sector``, ``locality`` and ``target_groups`` (codes)."""
    return (proposal["sector"] == priority["sector"]
            and (priority["locality"] is None or priority["locality"] == proposal["locality"])
            and bool(set(proposal["target_groups"]) & set(priority["target_groups"])))


# Every seeded council has a coordinator (coordinator@ runs hebron); yatta also has the budget
# director, so that the demo's cycle "being prepared" has someone to prepare it.
# (email, name, [(council, role, organization)])
COUNCIL_STAFF = [
    ("coordinator-nablus@sharaka.test", "لينا المصري", [("nablus", "coordinator", "مديرية التنمية الاجتماعية – نابلس")]),
    ("coordinator-jerusalem@sharaka.test", "رامي الحسيني",
     [("jerusalem", "coordinator", "مديرية التنمية الاجتماعية – القدس")]),
    ("coordinator-ramallah@sharaka.test", "سهى البرغوثي",
     [("ramallah", "coordinator", "مديرية التنمية الاجتماعية – رام الله والبيرة")]),
    ("coordinator-tulkarm@sharaka.test", "محمود جابر", [("tulkarm", "coordinator", "مديرية التنمية الاجتماعية – طولكرم")]),
    ("coordinator-yatta@sharaka.test", "عبير العدرة", [("yatta", "coordinator", "مديرية التنمية الاجتماعية – يطا")]),
    ("coordinator-tubas@sharaka.test", "إياد دراغمة", [("tubas", "coordinator", "مديرية التنمية الاجتماعية – طوباس")]),
    ("director@sharaka.test", "سامر التميمي", [("yatta", "director", "مديرية التنمية الاجتماعية – يطا")]),
]


def seed_council_staff(ctx: DemoContext) -> None:
    """A coordinator for every council that seed_core leaves without one (idempotent)."""

    councils = {c.slug: c for c in Council.query}
    for email, name, roles in COUNCIL_STAFF:
        user, created = get_or_create(User, {"name": name}, ctx, email=email)
        if created:
            user.set_password(ctx.password)
        for slug, role, org in roles:
            if slug in councils:
                get_or_create(Membership, {"role": role, "organization_name": org, "organization_type": "ministry"},
                              ctx, user_id=user.id, council_id=councils[slug].id)


def run_seeders(ctx: DemoContext) -> None:
    seeders = sorted((order, spec) for feature in installed() for order, spec in feature.seeders)
    for _order, spec in seeders:
        resolve(spec)(ctx)
        db.session.flush()
