"""Demo priorities: about 25 needs for Hebron across sectors and target groups, a closed ranking
round with ballots, comments, and a few for Nablus. Idempotent (keyed by council and title)."""
from __future__ import annotations

from datetime import timedelta

from budget_app.auth.models import User
from budget_app.demo import DemoContext
from budget_app.extensions import db
from budget_app.reference.models import Locality, Sector, TargetGroup
from budget_app.tenancy import Council
from budget_app.utils import utcnow
from councils.models import Meeting
from budget_app.uploads import demo as upload_demo
from budget_app.uploads import services as uploads
from priorities import evidence, services
from priorities.models import Priority, PriorityComment, RankingRound

# (title_ar, title_en, sector, target groups, locality, beneficiaries, evidence, author, organization, status)
HEBRON = [
    ("حضانة دامجة للأطفال ذوي الإعاقة في يطا", "Inclusive nursery for children with disabilities in Yatta",
     "disability", ["children", "disabilities"], "yatta", 85, "social_registry", "member6",
     "الاتحاد العام للأشخاص ذوي الإعاقة", "shortlisted"),
    ("نادٍ نهاري لكبار السن في مدينة الخليل", "Day club for elderly people in Hebron city", "elderly", ["elderly"],
     "hebron-city", 220, "field_visit", "member2", "بلدية الخليل", "shortlisted"),
    ("مشاريع مدرة للدخل للنساء المعيلات", "Income-generating projects for women heads of household",
     "women-protection", ["women", "poor-families"], "dura", 150, "survey", "member5", "جمعية المرأة العاملة",
     "shortlisted"),
    ("برنامج تأهيل مجتمعي للأشخاص ذوي الإعاقة في دورا", "Community-based rehabilitation in Dura", "disability",
     ["disabilities"], "dura", 310, "partner_report", "member6", "الاتحاد العام للأشخاص ذوي الإعاقة",
     "shortlisted"),
    ("مساعدات نقدية طارئة للأسر الفقيرة في مخيم الفوار", "Emergency cash assistance in Al-Fawwar camp",
     "poverty", ["poor-families", "children"], "al-fawwar", 540, "social_registry", "member1",
     "جمعية الإحسان الخيرية", "shortlisted"),
    ("مركز إرشاد أسري وحماية من العنف", "Family counselling and protection centre", "women-protection",
     ["women", "children"], "hebron-city", 400, "meeting_recommendation", "member5", "جمعية المرأة العاملة",
     "shortlisted"),
    ("برنامج إعادة دمج الأحداث", "Reintegration programme for juveniles", "juveniles", ["juveniles", "youth"],
     "hebron-city", 60, "partner_report", "member8", "مكتب يونيسف – الخليل", "submitted"),
    ("مساحات آمنة للأطفال في بني نعيم", "Safe spaces for children in Bani Na'im", "childhood", ["children"],
     "bani-naim", 180, "field_visit", "member8", "مكتب يونيسف – الخليل", "submitted"),
    ("تدريب مهني للشباب العاطلين عن العمل", "Vocational training for unemployed youth", "youth", ["youth"],
     "halhul", 120, "survey", "member3", "غرفة تجارة وصناعة محافظة الخليل", "submitted"),
    ("خدمات رعاية منزلية لكبار السن في سعير", "Home care for elderly people in Sa'ir", "elderly", ["elderly"],
     "sair", 95, "field_visit", "member7", "مجلس بلدي يطا", "submitted"),
    ("أدوات مساعدة للأشخاص ذوي الإعاقة الحركية", "Mobility aids for persons with disabilities", "disability",
     ["disabilities", "elderly"], None, 260, "social_registry", "member6", "الاتحاد العام للأشخاص ذوي الإعاقة",
     "submitted"),
    ("تعزيز نظام إدارة الحالة والتحويل", "Strengthening case management and referral", "case-management",
     ["poor-families", "women", "children"], None, 900, "meeting_recommendation", "coordinator",
     "مديرية التنمية الاجتماعية – الخليل", "submitted"),
    ("قسائم غذائية للأسر الفقيرة في يطا", "Food vouchers for poor families in Yatta", "poverty",
     ["poor-families"], "yatta", 700, "social_registry", "member7", "مجلس بلدي يطا", "submitted"),
    ("دعم نفسي اجتماعي للأطفال", "Psychosocial support for children", "childhood", ["children"], "hebron-city",
     250, "survey", "member4", "ممثلة الأسر المستفيدة", "submitted"),
    ("حضانة للأطفال في حلحول", "Nursery in Halhul", "childhood", ["children", "women"], "halhul", 70,
     "field_visit", "member2", "بلدية الخليل", "submitted"),
    ("مبادرة شبابية للعمل التطوعي", "Youth volunteering initiative", "youth", ["youth"], None, 200, "survey",
     "member3", "غرفة تجارة وصناعة محافظة الخليل", "submitted"),
    ("تمكين اقتصادي للأشخاص ذوي الإعاقة", "Economic empowerment of persons with disabilities", "disability",
     ["disabilities", "youth"], None, 90, "partner_report", "member6", "الاتحاد العام للأشخاص ذوي الإعاقة",
     "submitted"),
    ("ترميم مساكن الأسر الفقيرة", "Repairing homes of poor families", "poverty", ["poor-families", "elderly"],
     "bani-naim", 45, "field_visit", "member1", "جمعية الإحسان الخيرية", "submitted"),
    ("برنامج توعية بحقوق كبار السن", "Awareness programme on the rights of older persons", "elderly",
     ["elderly"], None, 500, "meeting_recommendation", "member4", "ممثلة الأسر المستفيدة", "submitted"),
    ("وحدة متنقلة للخدمات الاجتماعية في المناطق المهمشة", "Mobile social-services unit for marginalized areas",
     "case-management", ["poor-families", "elderly", "disabilities"], "yatta", 1200, "survey", "director",
     "مديرية التنمية الاجتماعية – الخليل", "submitted"),
    ("مساحات ترفيهية للأطفال في مخيم الفوار", "Play areas in Al-Fawwar camp", "childhood", ["children"],
     "al-fawwar", 300, "field_visit", "member8", "مكتب يونيسف – الخليل", "declined"),
    ("نادي نهاري للمسنين في الخليل", "Elderly day club (duplicate)", "elderly", ["elderly"], "hebron-city", 200,
     "field_visit", "member7", "مجلس بلدي يطا", "merged"),
    ("منح دراسية لأبناء الأسر الفقيرة", "Scholarships for children of poor families", "poverty",
     ["poor-families", "youth"], None, 150, "survey", "member4", "ممثلة الأسر المستفيدة", "draft"),
    ("خط ساخن لحماية الطفل", "Child protection hotline", "childhood", ["children"], None, 1000, "partner_report",
     "member8", "مكتب يونيسف – الخليل", "submitted"),
    ("تأهيل مراكز الإيواء للنساء المعنفات", "Upgrading shelters for women survivors of violence",
     "women-protection", ["women"], None, 40, "partner_report", "member5", "جمعية المرأة العاملة", "draft"),
    ("ساحة لعب آمنة للأطفال في يطا", "Safe play area for children in Yatta", "childhood", ["children"], "yatta",
     160, "field_visit", "member7", "مجلس بلدي يطا", "submitted"),
]
NABLUS = [
    ("مركز تأهيل للأشخاص ذوي الإعاقة في بلاطة", "Rehabilitation centre in Balata camp", "disability",
     ["disabilities"], "balata", 140, "field_visit", "member1", "جمعية الإحسان الخيرية", "submitted"),
    ("رعاية نهارية لكبار السن في نابلس", "Elderly day care in Nablus", "elderly", ["elderly"], "nablus-city", 110,
     "survey", "member2", "بلدية نابلس", "submitted"),
    ("برنامج دعم الأسر الفقيرة في حوارة", "Support for poor families in Huwwara", "poverty", ["poor-families"],
     "huwwara", 260, "social_registry", "member3", "غرفة تجارة وصناعة نابلس", "shortlisted"),
    ("تدريب الشباب على ريادة الأعمال", "Entrepreneurship training for youth", "youth", ["youth"], None, 80,
     "survey", "member1", "جمعية الإحسان الخيرية", "draft"),
]
DESCRIPTION = ("تُظهر البيانات المتوفرة حاجة واضحة لدى هذه الفئة في المنطقة المذكورة، مع غياب خدمة مماثلة "
               "أو محدودية الخدمات القائمة. يُقترح تنفيذ التدخل بالشراكة مع المؤسسات العاملة في المنطقة.")
COMMENTS = [
    (0, "member1", "أؤيد هذه الأولوية بشدة؛ لا توجد حضانة دامجة في يطا حالياً."),
    (0, "member2", "يمكن للبلدية توفير مبنى مناسب إذا أُدرجت في الموازنة."),
    (1, "member4", "كثير من كبار السن في البلدة القديمة يعيشون وحدهم."),
    (4, "member3", "نقترح ربط المساعدات ببرنامج تدريب مهني."),
    (11, "member6", "إدارة الحالة أساس لكل التدخلات الأخرى."),
]
# A closed points round over the six shortlisted Hebron priorities: (voter, {index: points}).
BALLOTS = [
    ("member1", {0: 3, 4: 4, 1: 3}), ("member2", {1: 5, 0: 3, 2: 2}), ("member3", {2: 4, 4: 3, 3: 3}),
    ("member4", {0: 4, 5: 4, 2: 2}), ("member5", {2: 5, 5: 5}), ("member6", {0: 6, 3: 4}),
    ("member7", {1: 4, 4: 3, 0: 3}), ("coordinator", {5: 3, 0: 3, 1: 2, 3: 2}),
]
ROUND_TITLE = "جولة ترتيب الأولويات بالنقاط"


def _priority(ctx, council, row, users, refs, year):
    title_ar, title_en, sector, groups, locality, beneficiaries, evidence, author, org, status = row
    existing = Priority.query.filter_by(council_id=council.id, title_ar=title_ar).first()
    if existing is not None:
        return existing, False
    sectors, localities, target_groups = refs
    p = services.save_priority(council, None, data={
        "fiscal_year": year, "title_ar": title_ar, "title_en": title_en, "description_ar": DESCRIPTION,
        "description_en": "The available data show a clear need in this area, where similar services are "
                          "missing or limited.",
        "sector_id": sectors[sector].id, "locality_id": localities[locality].id if locality else None,
        "estimated_beneficiaries": beneficiaries, "evidence_type": evidence,
        "evidence_details": "بيانات ومشاهدات موثقة لدى المؤسسة المقترِحة.", "evidence_meeting_id": None,
        "proposing_organization": org}, target_groups=[target_groups[g] for g in groups], author=users[author])
    ctx.count("priority")
    return p, True


# Photos and a field report as evidence: (priority index, kind, alt text ar, alt text en, file name).
EVIDENCE = [
    (0, "photo", "الغرفة المقترحة للحضانة في الطابق الأرضي لمركز الجمعية في يطا",
     "The room proposed for the nursery, on the ground floor of the association's centre in Yatta", "nursery-room.jpg"),
    (0, "document", "", "", "تقرير الزيارة الميدانية - يطا.pdf"),
    (1, "photo", "مبنى النادي النهاري المقترح في حي الحرس بمدينة الخليل",
     "The building proposed for the day club, in Al-Haras, Hebron city", "day-club.jpg"),
    (25, "photo", "قطعة الأرض الخالية المقترحة لساحة اللعب قرب مدرسة يطا الأساسية",
     "The empty plot proposed for the play area, near Yatta primary school", "play-area-plot.jpg"),
]


def _evidence(ctx, made, users) -> None:
    for index, kind, alt_ar, alt_en, name in EVIDENCE:
        priority = made[index]
        present = uploads.attachments_of(evidence.OBJECT_TYPE, [priority.id])[priority.id]
        if any(a.original_name == name for a in present):
            continue
        data = upload_demo.site_photo(index) if kind == "photo" else upload_demo.report_pdf(index)
        uploads.attach(evidence.OWNER, priority, data=data, filename=name, user=priority.author, alt_text_ar=alt_ar,
                       alt_text_en=alt_en)
        ctx.count("attachment")


def seed(ctx: DemoContext) -> None:

    year = utcnow().year
    councils = {c.slug: c for c in Council.query}
    users = {u.email.split("@")[0]: u for u in User.query}
    refs = ({s.code: s for s in Sector.query}, {loc.code: loc for loc in Locality.query},
            {t.code: t for t in TargetGroup.query})
    forum = Meeting.query.filter_by(title="الملتقى التشاوري لتحديد أولويات الفئات المهمشة").first()
    for slug, rows in (("hebron", HEBRON), ("nablus", NABLUS)):
        council = councils[slug]
        made = []
        for row in rows:
            p, created = _priority(ctx, council, row, users, refs, year)
            made.append(p)
            if not created:
                continue
            status = row[-1]
            if p.evidence_type == "meeting_recommendation" and forum is not None and slug == "hebron":
                p.evidence_meeting_id = forum.id
            if status != "draft":
                services.submit_priority(p)
            if status == "shortlisted":
                services.shortlist_priority(p)
            elif status == "declined":
                services.decline_priority(p, "تُغطّى هذه الحاجة ضمن مشروع قائم تنفذه البلدية هذا العام.")
        if slug == "hebron":
            duplicate = made[21]
            if duplicate.status == "submitted":
                services.merge_priority(duplicate, made[1])
            for index, author, body in COMMENTS:
                if not PriorityComment.query.filter_by(priority_id=made[index].id, body=body).first():
                    services.add_comment(made[index], users[author], body)
                    ctx.count("priority_comment")
            hebron_made = made
            _evidence(ctx, made, users)
    db.session.flush()

    hebron = councils["hebron"]
    if RankingRound.query.filter_by(council_id=hebron.id, title=ROUND_TITLE).first() is None:
        rnd = services.open_round(hebron, title=ROUND_TITLE, fiscal_year=year, method="points", points_budget=10,
                                  top_n=3, closes_at=utcnow() + timedelta(days=7),
                                  results_visible_before_close=False, user=users["coordinator"])
        shortlist = [p for p in hebron_made if p.status == "shortlisted"]
        for voter, points in BALLOTS:
            services.cast_ballot(rnd, users[voter], {shortlist[i].id: n for i, n in points.items()})
        rnd.opened_at = utcnow() - timedelta(days=9)
        services.close_round(rnd)
        rnd.closed_early_at = utcnow() - timedelta(days=2)
        ctx.count("ranking_round")
    db.session.flush()
