"""Demo council work: a workshop on participatory and citizen budgets, a consultative forum,
council meetings with attendance and recommendations, and partner organizations. Idempotent."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from budget_app.auth.models import User
from budget_app.demo import DemoContext
from budget_app.extensions import db
from budget_app.reference.models import TargetGroup
from budget_app.tenancy import Council
from budget_app.utils import utcnow
from councils import services
from councils.models import Meeting, PartnerOrganization, Recommendation

# (council, kind, title, days from today, place, topic, trainer, attendees (emails), counts, minutes, outputs)
MEETINGS = [
    ("hebron", "workshop", "ورشة تدريبية حول الموازنة التشاركية وموازنة المواطن", -120,
     "قاعة مديرية التنمية الاجتماعية – الخليل", "الموازنة التشاركية وموازنة المواطن", "د. سمر أبو زيد",
     ["coordinator", "member1", "member2", "member3", "member4", "member5", "member6"],
     {("directorate_managers", "male"): 2, ("directorate_managers", "female"): 1, ("supervisors", "female"): 3,
      ("social_workers", "female"): 9, ("social_workers", "male"): 4, ("partner_organizations", "female"): 5,
      ("partner_organizations", "male"): 3},
     "عرّف المدرب مفهوم **الموازنة التشاركية** ومراحلها، ثم عرض نماذج من موازنة المواطن في فلسطين والأردن.\n\n"
     "- تمرين على قراءة بنود الموازنة\n- تمرين على ترتيب الأولويات بالنقاط", ""),
    ("hebron", "forum", "الملتقى التشاوري لتحديد أولويات الفئات المهمشة", -75, "قاعة بلدية الخليل", "", "",
     ["coordinator", "member1", "member2", "member4", "member5", "member7", "member8"],
     {("beneficiaries", "female"): 14, ("beneficiaries", "male"): 9, ("partner_organizations", "female"): 6,
      ("partner_organizations", "male"): 4, ("social_workers", "female"): 5},
     "ناقش الملتقى احتياجات الأشخاص ذوي الإعاقة وكبار السن والنساء المعيلات في المحافظة.",
     "**المجموعة الأولى (الإعاقة):** حضانات دامجة وتأهيل مجتمعي في يطا ودورا.\n\n"
     "**المجموعة الثانية (كبار السن):** نادٍ نهاري وخدمات منزلية.\n\n"
     "**المجموعة الثالثة (النساء):** مشاريع مدرة للدخل للنساء المعيلات."),
    ("hebron", "council_meeting", "الاجتماع الدوري للمجلس – اعتماد خطة العمل", -40,
     "مديرية التنمية الاجتماعية – الخليل", "", "",
     ["coordinator", "director", "member1", "member2", "member3", "member4", "member6", "member8"], {},
     "اعتمد المجلس خطة العمل السنوية وشكّل لجنة لمتابعة التوصيات.", ""),
    ("hebron", "council_meeting", "الاجتماع الدوري للمجلس – مراجعة القائمة المختصرة", -10,
     "مديرية التنمية الاجتماعية – الخليل", "", "",
     ["coordinator", "director", "member1", "member2", "member4", "member5", "member7"], {},
     "راجع المجلس الأولويات المقدمة وأعدّ القائمة المختصرة لجولة الترتيب.", ""),
    ("hebron", "council_meeting", "الاجتماع الدوري للمجلس – مناقشة مقترحات التخصيص", 14,
     "مديرية التنمية الاجتماعية – الخليل", "", "", [], {}, "", ""),
    ("nablus", "workshop", "ورشة حول موازنة المواطن", -60, "مديرية التنمية الاجتماعية – نابلس",
     "موازنة المواطن", "أ. رامي شاهين", ["member1", "member2", "member3"],
     {("social_workers", "female"): 6, ("social_workers", "male"): 2}, "", ""),
    ("nablus", "council_meeting", "اجتماع مجلس نابلس الدوري", -20, "بلدية نابلس", "", "",
     ["member1", "member2", "member3", "director"], {}, "", ""),
]

# (meeting title, kind, text, owner, due in days, status)
RECOMMENDATIONS = [
    ("ورشة تدريبية حول الموازنة التشاركية وموازنة المواطن", "recommendation",
     "تنظيم ورشة ثانية لأعضاء المجلس حول متابعة تنفيذ الموازنة", "منسق المجلس", -30, "in_progress"),
    ("ورشة تدريبية حول الموازنة التشاركية وموازنة المواطن", "recommendation",
     "نشر ملخص موازنة المواطن على صفحة المديرية", "مديرية التنمية الاجتماعية – الخليل", -60, "done"),
    ("الملتقى التشاوري لتحديد أولويات الفئات المهمشة", "recommendation",
     "إدراج الحضانات الدامجة ضمن أولويات العام", "لجنة الأولويات", -20, "done"),
    ("الملتقى التشاوري لتحديد أولويات الفئات المهمشة", "recommendation",
     "التنسيق مع وزارة الصحة بشأن خدمات التأهيل المجتمعي", "الاتحاد العام للأشخاص ذوي الإعاقة", -5, "open"),
    ("الاجتماع الدوري للمجلس – اعتماد خطة العمل", "decision",
     "اعتماد خطة العمل السنوية للمجلس", "المجلس", -35, "done"),
    ("الاجتماع الدوري للمجلس – اعتماد خطة العمل", "decision",
     "تشكيل لجنة لمتابعة التوصيات برئاسة المنسق", "منسق المجلس", 20, "open"),
    ("الاجتماع الدوري للمجلس – مراجعة القائمة المختصرة", "decision",
     "فتح جولة ترتيب بالنقاط على القائمة المختصرة", "منسق المجلس", 7, "done"),
    ("الاجتماع الدوري للمجلس – مراجعة القائمة المختصرة", "recommendation",
     "دعوة مؤسسات القطاع الخاص للمساهمة في تمويل الأولويات", "غرفة تجارة وصناعة محافظة الخليل", 45, "dropped"),
]

PARTNERS = [
    ("hebron", "جمعية الإحسان الخيرية", "charity", "كفالة أسر فقيرة، مساعدات عينية، إرشاد أسري",
     ["poor-families", "children"], True, "signed", date(2024, 3, 1), date(2027, 3, 1)),
    ("hebron", "الاتحاد العام للأشخاص ذوي الإعاقة – فرع الخليل", "ngo", "تأهيل مجتمعي، أدوات مساعدة، مناصرة",
     ["disabilities"], True, "signed", date(2025, 1, 15), date(2026, 12, 31)),
    ("hebron", "جمعية المرأة العاملة", "ngo", "تمكين اقتصادي للنساء، حماية من العنف",
     ["women"], True, "in_preparation", None, None),
    ("hebron", "مركز الخليل لرعاية المسنين", "private", "رعاية نهارية لكبار السن، علاج طبيعي",
     ["elderly"], False, "expired", date(2022, 1, 1), date(2024, 12, 31)),
    ("hebron", "مكتب يونيسف – الخليل", "international", "حماية الطفل، دعم نفسي اجتماعي",
     ["children", "youth"], True, "none", None, None),
    ("nablus", "جمعية الهلال الأحمر – نابلس", "ngo", "خدمات تأهيل وإسعاف", ["disabilities", "elderly"], True,
     "signed", date(2025, 5, 1), date(2027, 5, 1)),
]


def _local(days: int, hour: int = 8) -> datetime:
    today = utcnow().replace(hour=hour, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days)


def seed(ctx: DemoContext) -> None:

    councils = {c.slug: c for c in Council.query}
    users = {u.email.split("@")[0]: u for u in User.query}
    for slug, kind, title, days, place, topic, trainer, people, counts, minutes, outputs in MEETINGS:
        council = councils[slug]
        if Meeting.query.filter_by(council_id=council.id, title=title).first():
            continue
        services.save_meeting(council, None, data={
            "kind": kind, "title": title, "held_at": _local(days), "place": place,
            "agenda": "1. الافتتاح والترحيب\n2. عرض الموضوع\n3. نقاش\n4. التوصيات", "minutes": minutes,
            "topic": topic, "trainer": trainer, "group_outputs": outputs},
            attendee_ids=[users[p].id for p in people if p in users], counts=counts)
        ctx.count("meeting")
    for title, kind, text, owner, due, status in RECOMMENDATIONS:
        meeting = Meeting.query.filter_by(title=title).first()
        if meeting is None or Recommendation.query.filter_by(meeting_id=meeting.id, text=text).first():
            continue
        rec = services.add_recommendation(meeting, kind=kind, text=text, owner=owner,
                                          due_date=(utcnow() + timedelta(days=due)).date())
        rec.status = status
        ctx.count("recommendation")
    groups = {g.code: g for g in TargetGroup.query}
    for slug, name, org_type, svc, tgs, free, mou, signed, expires in PARTNERS:
        council = councils[slug]
        if PartnerOrganization.query.filter_by(council_id=council.id, name=name).first():
            continue
        services.save_partner(council, None, data={
            "name": name, "organization_type": org_type, "services": svc, "free_of_charge": free,
            "mou_status": mou, "mou_signed_on": signed, "mou_expires_on": expires, "contact_name": "",
            "contact_phone": "", "contact_email": ""}, target_groups=[groups[g] for g in tgs if g in groups])
        ctx.count("partner_organization")
    db.session.flush()
