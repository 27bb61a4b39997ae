"""``seed-demo --scale large``: what a ministry holds after three years, added to the demo.

For each of the seven councils and each of the three fiscal years before the current one:
members, meetings with attendance and recommendations, about a hundred priorities with
comments, a ranking round, a budget cycle (every ballot method and every tally rule across
them) with its ballots, the council's approval, execution and a published citizen budget;
plus one cycle imported from a real Pabulib file (Łódź 2024, 66,045 ballots), partners,
citizens' feedback and the audit trail of all of it (more than 20,000 entries).

Rows are written with SQLAlchemy Core multi-row inserts; the phase transitions (freezing the
rules, tallying, approving, publishing) go through the services, so every cycle is exactly
what the application itself would have made. Deterministic (a fixed random seed) and
idempotent: nothing is added once the large data set is present.
"""
from __future__ import annotations

import gzip
import json
import random
import time
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

from sqlalchemy import func, insert, select

from budget_app.audit import AuditLog
from budget_app.auth.models import User
from budget_app.cycles.approval import approve_allocation
from budget_app.cycles.ballots import bulk_insert_ballots, new_receipt_code
from budget_app.cycles.execution.models import AllocationProgress, Milestone, SpendingEntry
from budget_app.cycles.lifecycle import close_cycle, close_voting, create_cycle, open_voting, start_execution
from budget_app.cycles.review import review_all_feasible
from budget_app.cycles.models import AllocationProposal, ApprovalVote, Ballot, BallotItem, BudgetCycle, ProposalFunding
from budget_app.cycles.proposals import save_proposal
from budget_app.demo import DemoContext, proportional_split
from budget_app.extensions import db
from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup
from budget_app.tally.pabulib import parse_pb
from budget_app.tenancy import Council, Membership
from citizen_budget import services
from citizen_budget import services as cb
from citizen_budget.demo import TEXTS
from citizen_budget.models import Feedback
from councils.models import (Meeting, MeetingAttendance, MeetingParticipantCount, PartnerOrganization, Recommendation,
                             partner_target_group)
from priorities import search
from priorities.models import (Priority, PriorityComment, RankingRound, RoundBallot, RoundBallotItem,
                               priority_target_group, ranking_round_priority)

LARGE_SOURCE = "demo-large"
PABULIB_FILE = Path(__file__).parent / "demo_data" / "Poland_Lodz_2024.pb.gz"
MEMBERS_PER_COUNCIL = 20
MEETINGS_PER_YEAR = 14
PRIORITIES_PER_YEAR = 95
PARTNERS_PER_COUNCIL = 12
FEEDBACK_PER_BUDGET = 24
AUDIT_MINIMUM = 20_000
CHUNK = 2000

FIRST_NAMES = ["أحمد", "محمد", "خالد", "يوسف", "سامي", "رامي", "علي", "عمر", "فاطمة", "مريم", "هالة", "ريم",
               "نسرين", "منى", "سناء", "لينا", "دعاء", "إياد", "باسل", "وفاء", "سلمى", "نادر", "هبة", "طارق"]
LAST_NAMES = ["التميمي", "الجعبري", "القواسمي", "النتشة", "الشريف", "الرجبي", "العملة", "الزعتري", "الحرباوي",
              "أبو سنينة", "الخطيب", "دويك", "عمرو", "شاهين", "المصري", "حمدان", "عودة", "البرغوثي"]
ORGANIZATIONS = [("جمعية خيرية محلية", "ngo"), ("البلدية", "local_government"), ("الغرفة التجارية", "private"),
                 ("ممثلو الأسر المستفيدة", "beneficiaries"), ("مديرية التنمية الاجتماعية", "ministry"),
                 ("مؤسسة دولية مانحة", "donor"), ("جمعية نسوية", "ngo"), ("اتحاد الأشخاص ذوي الإعاقة", "beneficiaries")]
# sector: (target groups, [(need in Arabic, need in English)])
NEEDS = {
    "disability": (["disabilities", "children"], [("تأهيل مجتمعي للأشخاص ذوي الإعاقة", "Community rehabilitation"),
                                                   ("أدوات مساعدة للأشخاص ذوي الإعاقة", "Assistive devices"),
                                                   ("حضانة دامجة", "Inclusive nursery")]),
    "elderly": (["elderly"], [("نادٍ نهاري لكبار السن", "Day club for older people"),
                              ("رعاية منزلية لكبار السن", "Home care for older people")]),
    "childhood": (["children"], [("مساحة آمنة للأطفال", "Safe space for children"),
                                 ("دعم نفسي اجتماعي للأطفال", "Psychosocial support for children")]),
    "women-protection": (["women"], [("وحدة حماية وإرشاد للنساء", "Protection and counselling for women"),
                                     ("مشاريع مدرة للدخل للنساء المعيلات", "Income projects for women heads of household")]),
    "youth": (["youth"], [("تدريب مهني للشباب", "Vocational training for youth"),
                          ("مبادرات شبابية تطوعية", "Youth volunteering initiatives")]),
    "poverty": (["poor-families", "children"], [("مساعدات نقدية للأسر الفقيرة", "Cash assistance for poor families"),
                                                ("ترميم مساكن الأسر الفقيرة", "Repairing homes of poor families")]),
    "juveniles": (["juveniles", "youth"], [("إعادة دمج الأحداث", "Reintegration of juveniles")]),
    "case-management": (["poor-families", "women"], [("تعزيز إدارة الحالة والتحويل",
                                                      "Stronger case management and referral")]),
}
COMMENTS = ["أؤيد هذه الأولوية؛ الحاجة واضحة في المنطقة.", "نقترح الشراكة مع البلدية في التنفيذ.",
            "هل تتوفر بيانات حديثة من سجل الحالات؟", "يمكن لمؤسستنا المساهمة بمتطوعين.",
            "الأولوية مكررة جزئياً مع مقترح آخر؛ يُستحسن الدمج.", "التكلفة المقدّرة تحتاج إلى مراجعة."]
MEETING_KINDS = ["council_meeting"] * 8 + ["workshop"] * 3 + ["forum"] * 3
METHOD_RULES = {"approval": ["greedy", "mes", "mes-add1", "phragmen"], "cost_limited": ["greedy", "mes", "mes-add1"],
                "cumulative": ["greedy", "mes", "mes-add1"], "ranked": ["greedy", "mes", "mes-add1"]}
METHOD_ORDER = ["approval", "cost_limited", "cumulative", "ranked"]
IMPORT_COUNCIL, IMPORT_YEAR_OFFSET = "ramallah", 1


def is_present() -> bool:
    return db.session.execute(select(BudgetCycle.id).where(BudgetCycle.source == LARGE_SOURCE).limit(1)).first() \
        is not None


def seed_large(ctx: DemoContext) -> None:
    """Add the large data set (after the ordinary demo); skipped when already present."""
    if is_present():
        ctx.echo("Large demo data already present; nothing changed.")
        return
    Large(ctx).run()


class Large:
    # How many shortlisted priorities a cycle answers with proposals (drawn in this range).
    PROPOSALS = (10, 14)

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = random.Random(2026)
        self.audit: list[dict] = []
        self.this_year = date.today().year
        self.years = [self.this_year - 3, self.this_year - 2, self.this_year - 1]

    # Helpers --------------------------------------------------------------
    def insert(self, model_or_table, rows: list[dict], returning: bool = False) -> list[int]:
        table = getattr(model_or_table, "__table__", model_or_table)
        ids: list[int] = []
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            if not chunk:
                continue
            if returning:
                ids.extend(db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                              chunk).scalars().all())
            else:
                db.session.execute(insert(table), chunk)
        self.ctx.count(table.name, len(rows))
        return ids

    def when(self, year: int, start_day: int = 0, end_day: int = 364) -> datetime:
        day = self.rng.randint(start_day, end_day)
        return datetime(year, 1, 1, self.rng.randint(7, 17), self.rng.choice((0, 15, 30, 45))) + timedelta(days=day)

    def log(self, action: str, object_type: str, object_id, at: datetime, council_id=None, user=None, **details):
        self.audit.append({"created_at": at, "user_id": user[0] if user else None, "actor": user[1] if user else "",
                           "action": action, "object_type": object_type, "object_id": str(object_id),
                           "council_id": council_id, "ip_address": "10.0.%d.%d" % (self.rng.randint(0, 9),
                                                                                   self.rng.randint(1, 250)),
                           "user_agent": "Mozilla/5.0", "details": json.dumps(details, ensure_ascii=False,
                                                                              sort_keys=True)})

    # The whole ------------------------------------------------------------
    def run(self) -> None:

        started = time.perf_counter()
        self.councils = list(Council.query.order_by(Council.id))
        self.sectors = {s.code: s.id for s in Sector.query}
        self.groups = {g.code: g.id for g in TargetGroup.query}
        self.sources = {s.code: s.id for s in FundingSource.query}
        localities = list(Locality.query)
        self.localities = {c.id: [loc for loc in localities if loc.governorate_id == c.governorate_id]
                           for c in self.councils}
        self.members = self.seed_people()
        for index, council in enumerate(self.councils):
            self.seed_partners(council)
            for y, year in enumerate(self.years):
                meetings = self.seed_meetings(council, year)
                priorities = self.seed_priorities(council, year, meetings)
                self.seed_round(council, year, priorities)
                if council.slug == IMPORT_COUNCIL and year == self.this_year - IMPORT_YEAR_OFFSET:
                    self.import_pabulib(council, year)
                    continue
                self.seed_cycle(council, year, index * 3 + y, priorities, meetings)
        self.seed_audit_trail()
        db.session.flush()
        self.ctx.echo(f"Large demo data seeded in {time.perf_counter() - started:.1f} s.")

    # People ---------------------------------------------------------------
    def seed_people(self) -> dict[int, list[tuple[int, str]]]:

        probe = User(email="x@x")
        probe.set_password(self.ctx.password)  # one hash for every large-demo account: seeding stays fast
        now = datetime(self.years[0], 1, 5, 9)
        rows, plan = [], []
        for council in self.councils:
            roles = {m.role for m in council.memberships}
            extra = [("director", "director")] if "director" not in roles else []
            extra += [("coordinator", "coordinator")] if "coordinator" not in roles else []
            people = [(f"{council.slug}.member{n:02d}@large.sharaka.test", "member")
                      for n in range(1, MEMBERS_PER_COUNCIL + 1)]
            people += [(f"{council.slug}.{role}@large.sharaka.test", role) for role, _r in extra]
            for email, role in people:
                name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
                rows.append({"email": email, "name": name, "password_hash": probe.password_hash, "is_admin": False,
                             "active": True, "session_version": 1, "created_at": now})
                plan.append((council, role))
        ids = self.insert(User, rows, returning=True)
        memberships = []
        for uid, row, (council, role) in zip(ids, rows, plan):
            org, org_type = self.rng.choice(ORGANIZATIONS)
            if role != "member":
                org, org_type = "مديرية التنمية الاجتماعية", "ministry"
            memberships.append({"council_id": council.id, "user_id": uid, "role": role, "organization_name": org,
                                "organization_type": org_type, "created_at": now})
            self.log("membership.create", "membership", uid, now, council.id, None, email=row["email"], role=role)
        self.insert(Membership, memberships)
        out: dict[int, list[tuple[int, str]]] = {}
        for m in db.session.execute(select(Membership.council_id, Membership.user_id, Membership.role,
                                           User.email).join(User, User.id == Membership.user_id)):
            out.setdefault(m.council_id, []).append((m.user_id, m.email, m.role))
        return out

    def who(self, council, role=None):
        people = self.members[council.id]
        if role:
            people = [p for p in people if p[2] == role] or people
        uid, email, _role = self.rng.choice(people)
        return uid, email

    # Partners -------------------------------------------------------------
    def seed_partners(self, council) -> None:

        rows = []
        for n in range(1, PARTNERS_PER_COUNCIL + 1):
            signed = date(self.years[0], self.rng.randint(1, 12), 1)
            status = self.rng.choice(["none", "in_preparation", "signed", "signed", "expired"])
            rows.append({"council_id": council.id, "name": f"مؤسسة شريكة {n} – {council.name_ar[-12:]}",
                         "organization_type": self.rng.choice(["ngo", "charity", "private", "international",
                                                                "community", "governmental"]),
                         "services": "خدمات اجتماعية وتأهيل وإرشاد", "free_of_charge": n % 3 != 0,
                         "mou_status": status, "mou_signed_on": signed if status in ("signed", "expired") else None,
                         "mou_expires_on": signed + timedelta(days=730) if status in ("signed", "expired") else None,
                         "contact_name": "", "contact_phone": "", "contact_email": "",
                         "created_at": datetime(self.years[0], 1, 10)})
        ids = self.insert(PartnerOrganization, rows, returning=True)
        groups = list(self.groups.values())
        self.insert(partner_target_group, [{"partner_id": pid, "target_group_id": g} for pid in ids
                                           for g in self.rng.sample(groups, 2)])
        for pid, row in zip(ids, rows):
            self.log("partner.create", "partner_organization", pid, row["created_at"], council.id,
                     self.who(council, "coordinator"), name=row["name"])

    # Meetings -------------------------------------------------------------
    def seed_meetings(self, council, year) -> list[tuple[int, datetime, str]]:

        rows = []
        for n in range(MEETINGS_PER_YEAR):
            kind = MEETING_KINDS[n % len(MEETING_KINDS)]
            held = datetime(year, 1, 15, 10) + timedelta(days=n * 24 + self.rng.randint(0, 5))
            title = {"council_meeting": f"الاجتماع الدوري رقم {n + 1} لعام {year}",
                     "workshop": f"ورشة تدريبية حول الموازنة التشاركية {year} – {n + 1}",
                     "forum": f"ملتقى تشاوري حول أولويات الفئات المهمشة {year} – {n + 1}"}[kind]
            rows.append({"council_id": council.id, "kind": kind, "title": title, "held_at": held,
                         "place": "مديرية التنمية الاجتماعية", "agenda": "1. الافتتاح\n2. النقاش\n3. التوصيات",
                         "minutes": "ناقش المجلس البنود المدرجة على جدول الأعمال واتخذ التوصيات المرفقة.",
                         "topic": "الموازنة التشاركية" if kind == "workshop" else "",
                         "trainer": "د. سمر أبو زيد" if kind == "workshop" else "",
                         "group_outputs": "مخرجات مجموعات العمل" if kind == "forum" else "",
                         "created_at": held - timedelta(days=10), "updated_at": held})
        ids = self.insert(Meeting, rows, returning=True)
        attendance, counts, recs = [], [], []
        people = [p[0] for p in self.members[council.id]]
        for mid, row in zip(ids, rows):
            for uid in self.rng.sample(people, min(len(people), self.rng.randint(6, 14))):
                attendance.append({"meeting_id": mid, "user_id": uid})
            if row["kind"] != "council_meeting":
                for category in ("beneficiaries", "social_workers", "partner_organizations"):
                    for gender in ("female", "male"):
                        counts.append({"meeting_id": mid, "category": category, "gender": gender,
                                       "count": self.rng.randint(1, 15)})
            for k in range(self.rng.randint(1, 2)):
                due = (row["held_at"] + timedelta(days=self.rng.randint(20, 90))).date()
                recs.append({"council_id": council.id, "meeting_id": mid,
                             "kind": "decision" if k else "recommendation",
                             "text": "متابعة تنفيذ ما اتُّفق عليه مع الجهات الشريكة", "owner": "منسق المجلس",
                             "due_date": due, "status": self.rng.choice(["done", "done", "dropped", "in_progress",
                                                                         "open"]),
                             "follow_up_note": "", "created_at": row["held_at"], "updated_at": row["held_at"]})
            self.log("meeting.create", "meeting", mid, row["created_at"], council.id, self.who(council, "coordinator"),
                     title=row["title"])
        self.insert(MeetingAttendance, attendance)
        self.insert(MeetingParticipantCount, counts)
        self.insert(Recommendation, recs)
        return [(mid, row["held_at"], row["title"]) for mid, row in zip(ids, rows)]

    # Priorities -----------------------------------------------------------
    def seed_priorities(self, council, year, meetings) -> list[dict]:

        rows, meta = [], []
        sectors = list(NEEDS)
        for n in range(PRIORITIES_PER_YEAR):
            sector = sectors[n % len(sectors)]
            groups, needs = NEEDS[sector]
            need_ar, need_en = needs[(n // len(sectors)) % len(needs)]
            loc = self.localities[council.id][n % len(self.localities[council.id])] \
                if self.localities[council.id] and n % 5 else None
            place_ar, place_en = (loc.name_ar, loc.name_en) if loc else (council.name_ar.split("– ")[-1],
                                                                          council.name_en.split("– ")[-1])
            title_ar, title_en = f"{need_ar} في {place_ar} ({n + 1})", f"{need_en} in {place_en} ({n + 1})"
            status = self.rng.choices(["submitted", "shortlisted", "declined", "draft", "merged"],
                                      [45, 30, 10, 10, 5])[0]
            created = self.when(year, 0, 120)
            author = self.who(council)
            description_ar = "تُظهر بيانات السجل الاجتماعي والزيارات الميدانية حاجة واضحة لهذه الخدمة."
            description_en = "Social registry data and field visits show a clear need for this service."
            org = self.rng.choice(ORGANIZATIONS)[0]
            evidence = self.rng.choice(["social_registry", "survey", "field_visit", "partner_report",
                                        "meeting_recommendation"])
            rows.append({"council_id": council.id, "fiscal_year": year, "title_ar": title_ar, "title_en": title_en,
                         "description_ar": description_ar, "description_en": description_en,
                         "status": "submitted" if status == "merged" else status,
                         "sector_id": self.sectors.get(sector), "locality_id": loc.id if loc else None,
                         "estimated_beneficiaries": self.rng.randint(30, 1500), "evidence_type": evidence,
                         "evidence_details": "بيانات موثقة لدى المؤسسة المقترِحة.",
                         "evidence_meeting_id": self.rng.choice(meetings)[0] if evidence == "meeting_recommendation"
                         else None, "proposing_organization": org, "author_id": author[0], "merged_into_id": None,
                         "decline_reason": "تُغطّى الحاجة ضمن برنامج قائم." if status == "declined" else "",
                         "search_text": search.normalize(" ".join((title_ar, title_en, description_ar,
                                                                   description_en, org))),
                         "created_at": created, "updated_at": created,
                         "submitted_at": None if status == "draft" else created + timedelta(days=2)})
            meta.append({"status": status, "sector": sector, "locality": loc.code if loc else None,
                         "locality_id": loc.id if loc else None, "target_groups": groups, "title_ar": title_ar,
                         "title_en": title_en, "beneficiaries": rows[-1]["estimated_beneficiaries"],
                         "author": author})
        ids = self.insert(Priority, rows, returning=True)
        tg, comments = [], []
        for pid, row, m in zip(ids, rows, meta):
            m["id"] = pid
            tg.extend({"priority_id": pid, "target_group_id": self.groups[g]} for g in m["target_groups"]
                      if g in self.groups)
            self.log("priority.create", "priority", pid, row["created_at"], council.id, m["author"],
                     title=row["title_ar"], fiscal_year=year)
            if row["submitted_at"]:
                self.log("priority.submit", "priority", pid, row["submitted_at"], council.id, m["author"])
            if row["status"] == "draft":
                continue
            for k in range(self.rng.choice((0, 1, 2, 3, 4, 5, 6))):
                at = row["created_at"] + timedelta(days=3 + k, hours=k)
                author = self.who(council)
                comments.append({"priority_id": pid, "author_id": author[0], "body": self.rng.choice(COMMENTS),
                                 "created_at": at, "edited_at": None, "hidden": k == 5, "hidden_by_id": None})
                self.log("priority.comment", "priority", pid, at, council.id, author)
        self.insert(priority_target_group, tg)
        self.insert(PriorityComment, comments)
        # Merged duplicates point to an earlier priority of the same sector.
        for m in meta:
            if m["status"] == "merged":
                survivor = next((o for o in meta if o["sector"] == m["sector"] and o["id"] < m["id"]
                                 and o["status"] in ("submitted", "shortlisted")), None)
                if survivor is not None:
                    db.session.execute(Priority.__table__.update().where(Priority.id == m["id"])
                                       .values(status="merged", merged_into_id=survivor["id"]))
                    self.log("priority.merge", "priority", m["id"], datetime(year, 5, 2), council.id,
                             self.who(council, "coordinator"), into=survivor["id"])
                else:
                    m["status"] = "submitted"
        return meta

    # Ranking rounds ----------------------------------------------------------
    def seed_round(self, council, year, priorities) -> None:

        shortlist = [p for p in priorities if p["status"] == "shortlisted"][:12]
        if len(shortlist) < 2:
            return
        method = "points" if year % 2 else "ranking"
        opened = datetime(year, 6, 1, 9)
        coordinator = self.who(council, "coordinator")
        [rid] = self.insert(RankingRound, [{
            "council_id": council.id, "fiscal_year": year, "title": f"جولة ترتيب أولويات {year}", "method": method,
            "points_budget": 10, "top_n": 3, "results_visible_before_close": False, "opened_at": opened,
            "closes_at": opened + timedelta(days=14), "closed_early_at": None, "created_by_id": coordinator[0]}],
            returning=True)
        self.insert(ranking_round_priority, [{"round_id": rid, "priority_id": p["id"]} for p in shortlist])
        voters = [p for p in self.members[council.id] if self.rng.random() < 0.8]
        ballots = [{"round_id": rid, "user_id": uid, "created_at": opened + timedelta(days=2),
                    "updated_at": opened + timedelta(days=2)} for uid, _e, _r in voters]
        ids = self.insert(RoundBallot, ballots, returning=True)
        items = []
        for bid in ids:
            if method == "points":
                left = 10
                for p in self.rng.sample(shortlist, 3):
                    n = self.rng.randint(1, left - 1) if left > 1 else left
                    left -= n
                    items.append({"ballot_id": bid, "priority_id": p["id"], "points": n, "rank": None})
                    if left <= 0:
                        break
            else:
                for rank, p in enumerate(self.rng.sample(shortlist, 3), 1):
                    items.append({"ballot_id": bid, "priority_id": p["id"], "points": None, "rank": rank})
        self.insert(RoundBallotItem, items)
        self.log("round.open", "ranking_round", rid, opened, council.id, coordinator, method=method)
        for (uid, email, _r), bid in zip(voters, ids):
            self.log("round.ballot", "ranking_round", rid, opened + timedelta(days=2), council.id, (uid, email))
        self.log("round.close", "ranking_round", rid, opened + timedelta(days=14), council.id, coordinator)

    # Budget cycles ------------------------------------------------------------
    def seed_cycle(self, council, year, index, priorities, meetings) -> None:

        method = METHOD_ORDER[index % len(METHOD_ORDER)]
        rules = METHOD_RULES[method]
        rule = rules[(index // len(METHOD_ORDER)) % len(rules)]
        answered = [p for p in priorities if p["status"] == "shortlisted"][:self.rng.randint(*self.PROPOSALS)]
        costs = [self.rng.randint(8, 40) * 10_000_00 for _ in answered]
        envelope = (int(sum(costs) * 0.55) // 100_000_00) * 100_000_00
        others = self.rng.sample([c for c in self.sources if c != "treasury"], 3)
        shares = [("treasury", 55), (others[0], 20), (others[1], 15), (others[2], 10)]
        funding = [(self.sources[c], envelope * pct // 100) for c, pct in shares]
        funding[0] = (funding[0][0], envelope - sum(a for _s, a in funding[1:]))
        director_id, _email = self.who(council, "director")
        director = db.session.get(User, director_id)
        name_ar, name_en = council.name_ar.split("– ")[-1], council.name_en.split("– ")[-1]
        cycle = create_cycle(
            council, director, fiscal_year=year, title_ar=f"موازنة الخدمات الاجتماعية – {name_ar} {year}",
            title_en=f"Social services budget – {name_en} {year}", envelope_minor=envelope,
            description_ar="توزيع مخصصات الخدمات الاجتماعية على المقترحات التي صوّت عليها أعضاء المجلس.",
            description_en="Allocating the social services envelope to the proposals voted by the council.",
            ballot_method=method, tally_rule=rule, mes_completion=rule != "mes",
            max_choices={"approval": 5, "ranked": 5}.get(method), points_total=10 if method == "cumulative" else None,
            funding=funding)
        cycle.source = LARGE_SOURCE
        for n, (p, cost) in enumerate(zip(answered, costs), 1):
            title_ar = "برنامج: " + p["title_ar"]
            title_en = "Programme: " + p["title_en"]
            save_proposal(cycle, code=f"P{n:02d}-A01", title_ar=title_ar[:250], title_en=title_en[:250],
                          sector_id=self.sectors.get(p["sector"]), locality_id=p["locality_id"],
                          cost_minor=cost, exclusive_group="",
                          target_group_ids=[self.groups[g] for g in p["target_groups"] if g in self.groups],
                          priority_ids=[p["id"]], funding=proportional_split(cost, funding))
        db.session.flush()
        db.session.refresh(cycle)
        review_all_feasible(cycle, director, "وجدت المديرية المقترح ممكن التنفيذ بالكلفة والمدة المقترحتين.")
        open_voting(cycle, director)
        opened = datetime(year, 9, 1, 9)
        cycle.voting_opened_at = opened
        proposals = sorted(cycle.proposals, key=lambda p: p.code)
        ballots, choices = [], []
        voters = [m for m in self.members[council.id] if self.rng.random() < 0.85]
        for uid, _email, _role in voters:
            ballots.append({"cycle_id": cycle.id, "user_id": uid, "source": "online",
                            "receipt_code": new_receipt_code(), "meeting_label": "",
                            "created_at": opened + timedelta(days=3), "updated_at": opened + timedelta(days=3)})
            choices.append(self.choices(cycle, proposals))
        forum = meetings[-1]
        # Paper ballots from the consultative forums. MES with add-one completion raises every
        # voter's budget one currency unit at a time: with few voters and costs in the hundreds of
        # thousands it would loop for long, so those cycles have a forum-sized electorate.
        for _ in range(1200 if rule == "mes-add1" else self.rng.randint(25, 45)):
            ballots.append({"cycle_id": cycle.id, "user_id": None, "source": "paper",
                            "receipt_code": new_receipt_code(), "meeting_id": forum[0],
                            "meeting_label": forum[2], "meeting_date": forum[1].date(),
                            "entered_by_id": self.who(council, "coordinator")[0],
                            "created_at": opened + timedelta(days=5), "updated_at": opened + timedelta(days=5)})
            choices.append(self.choices(cycle, proposals))
        ids = self.insert(Ballot, ballots, returning=True)
        items = []
        for bid, chosen in zip(ids, choices):
            for rank, (proposal, points) in enumerate(chosen, 1):
                items.append({"ballot_id": bid, "proposal_id": proposal.id, "points": points,
                              "rank": rank if method == "ranked" else None})
        self.insert(BallotItem, items)
        for (uid, email, _r), b in zip(voters, ballots):
            self.log("ballot.cast", "ballot", cycle.id, b["created_at"], council.id, (uid, email), cycle_id=cycle.id)
        close_voting(cycle, director)
        cycle.voting_closed_at = opened + timedelta(days=21)
        cycle.tallied_at = cycle.voting_closed_at
        votes = [{"cycle_id": cycle.id, "user_id": uid, "choice": self.rng.choices(["yes", "no", "abstain"],
                                                                                   [80, 10, 10])[0],
                  "created_at": opened + timedelta(days=25), "updated_at": opened + timedelta(days=25)}
                 for uid, _e, _r in self.members[council.id] if self.rng.random() < 0.9]
        self.insert(ApprovalVote, votes)
        approve_allocation(cycle, director)
        start_execution(cycle, director)
        self.execution(cycle, quarters=4 if year < self.this_year - 1 else 3)
        self.publish(council, year, cycle, director)
        if year < self.this_year - 1:
            close_cycle(cycle, director)

    def choices(self, cycle, proposals) -> list[tuple]:
        method = cycle.ballot_method
        if method == "cumulative":
            chosen = self.rng.sample(proposals, 3)
            first = self.rng.randint(1, 8)
            second = self.rng.randint(1, 9 - first)
            return [(chosen[0], first), (chosen[1], second), (chosen[2], 10 - first - second)]
        if method == "cost_limited":
            left, out = cycle.envelope_minor, []
            for p in self.rng.sample(proposals, len(proposals)):
                if p.cost_minor <= left and len(out) < 5:
                    out.append((p, 1))
                    left -= p.cost_minor
            return out or [(min(proposals, key=lambda p: p.cost_minor), 1)]
        return [(p, 1) for p in self.rng.sample(proposals, self.rng.randint(1, min(5, len(proposals))))]

    def execution(self, cycle, quarters: int) -> None:

        funded = set(cycle.final_selected_codes())
        spending, progress, milestones = [], [], []
        main_source = {pid: sid for pid, sid in db.session.execute(
            select(ProposalFunding.proposal_id, func.min(ProposalFunding.funding_source_id))
            .group_by(ProposalFunding.proposal_id))}
        for p in cycle.proposals:
            if p.code not in funded:
                continue
            rate = self.rng.uniform(0.55, 1.0) if quarters == 4 else self.rng.uniform(0.3, 0.75)
            for q in range(1, quarters + 1):
                amount = int(p.cost_minor * rate / quarters)
                if amount > 0:
                    spending.append({"council_id": cycle.council_id, "cycle_id": cycle.id, "proposal_id": p.id,
                                     "quarter": q, "amount_minor": amount,
                                     "spent_on": date(cycle.fiscal_year, 3 * q, 10),
                                     "funding_source_id": main_source.get(p.id), "note": "دفعة للجهة المنفذة",
                                     "justification": "", "over_allocation": False, "created_by_id": None,
                                     "created_at": datetime(cycle.fiscal_year, 3 * q, 12)})
            progress.append({"proposal_id": p.id, "council_id": cycle.council_id,
                             "progress_pct": min(100, int(rate * 100) + (10 if quarters == 4 else 0)),
                             "updated_at": datetime(cycle.fiscal_year, 3 * quarters, 20)})
            milestones.append({"council_id": cycle.council_id, "proposal_id": p.id,
                               "title_ar": "توقيع الاتفاقية مع الجهة المنفذة",
                               "title_en": "Agreement signed with the implementing partner", "status": "done",
                               "due_on": date(cycle.fiscal_year, 2, 1), "done_on": date(cycle.fiscal_year, 1, 28),
                               "created_at": datetime(cycle.fiscal_year, 1, 10)})
            milestones.append({"council_id": cycle.council_id, "proposal_id": p.id, "title_ar": "بدء تقديم الخدمة",
                               "title_en": "Service starts",
                               "status": self.rng.choice(["done", "in_progress", "delayed"]),
                               "due_on": date(cycle.fiscal_year, 6, 1), "done_on": None,
                               "created_at": datetime(cycle.fiscal_year, 1, 10)})
        ids = self.insert(SpendingEntry, spending, returning=True)
        for sid, row in zip(ids, spending):
            self.log("execution.spending", "spending_entry", sid, row["created_at"], cycle.council_id, None,
                     amount_minor=row["amount_minor"], quarter=row["quarter"])
        self.insert(AllocationProgress, progress)
        self.insert(Milestone, milestones)

    def publish(self, council, year, cycle, director) -> None:

        services.save_texts(council, year, TEXTS, director)
        services.publish_version(council, year, director, note="الموازنة المعتمدة مع التنفيذ")
        rows = []
        for n in range(FEEDBACK_PER_BUDGET):
            status = self.rng.choice(["pending", "published", "published", "rejected"])
            at = datetime(year, 10, 1) + timedelta(days=n)
            rows.append({"council_id": council.id, "fiscal_year": year, "status": status, "contact": "",
                         "body": "شكراً على نشر الموازنة بلغة واضحة. متى يبدأ تنفيذ المشاريع في منطقتنا؟",
                         "created_at": at, "moderated_at": at + timedelta(days=2) if status != "pending" else None,
                         "moderated_by_id": None})
        self.insert(Feedback, rows)

    # The Pabulib import ---------------------------------------------------------
    def import_pabulib(self, council, year) -> None:
        """A cycle of a real, city-wide election: the Łódź 2024 participatory budget (Pabulib)."""


        election = parse_pb(gzip.decompress(PABULIB_FILE.read_bytes()))
        meta = election.meta
        cycle = create_cycle(
            council, None, fiscal_year=year, title_ar="الموازنة التشاركية لمدينة لودز 2024 (بيانات مستوردة من Pabulib)",
            title_en="Łódź 2024 participatory budget (imported from Pabulib)",
            description_ar="انتخابات حقيقية من مكتبة Pabulib العامة، مستوردة لاختبار المنصة على حجم مدينة كاملة.",
            description_en="A real election from the public Pabulib library, imported to try the platform at "
                  "city scale.",
            envelope_minor=int(Fraction(election.budget) * 100), currency=(meta.get("currency") or "PLN")[:3],
            ballot_method="approval", max_choices=int(meta.get("max_length") or 5), tally_rule="greedy",
            mes_completion=False)
        cycle.source = PABULIB_FILE.name.removesuffix(".gz")
        self.insert(AllocationProposal, [
            {"cycle_id": cycle.id, "council_id": council.id, "code": p.id, "title_ar": (p.name or p.id)[:250],
             "title_en": (p.name or p.id)[:250], "description_ar": "", "description_en": "",
             "cost_minor": int(Fraction(p.cost) * 100), "exclusive_group": "",
             "created_at": datetime(year, 3, 1), "updated_at": datetime(year, 3, 1)} for p in election.projects])
        db.session.refresh(cycle)
        open_voting(cycle, imported=True)
        code_of = {p.code: p.id for p in cycle.proposals}
        n = bulk_insert_ballots(cycle, election.ballots(), code_of=code_of)
        self.ctx.count("imported ballot", n)
        close_voting(cycle)
        self.insert(ApprovalVote, [{"cycle_id": cycle.id, "user_id": uid, "choice": "yes",
                                    "created_at": datetime(year, 11, 1), "updated_at": datetime(year, 11, 1)}
                                   for uid, _e, _r in self.members[council.id]])
        approve_allocation(cycle)
        cb.publish_version(council, year, note="نتائج مستوردة")

    # Audit -------------------------------------------------------------------
    def seed_audit_trail(self) -> None:
        """The entries of what was seeded, topped up with sign-ins to reach a realistic volume."""

        people = [(uid, email, council_id) for council_id, rows in self.members.items() for uid, email, _r in rows]
        while len(self.audit) < AUDIT_MINIMUM:
            uid, email, council_id = self.rng.choice(people)
            self.log("auth.login", "user_account", uid, self.when(self.rng.choice(self.years)), None, (uid, email))
        self.audit.sort(key=lambda r: r["created_at"])
        self.insert(AuditLog, self.audit)

