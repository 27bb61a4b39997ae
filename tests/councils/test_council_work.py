"""Council work through HTTP: meetings with attendance, recommendations, partners, members, exports."""
from __future__ import annotations

import io
import sys
from datetime import date, timedelta
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent))
from council_work_factories import make_meeting, make_partner, make_recommendation, membership_of  # noqa: E402
from helpers import page_text  # noqa: E402

COORD = "coordinator@sharaka.test"
MEMBER = "member4@sharaka.test"
OUTSIDER = "outsider@sharaka.test"


def meeting_form(world, **over):
    data = {"kind": "workshop", "title": "ورشة الموازنة التشاركية وموازنة المواطن", "held_at": "2026-03-10T10:00",
            "place": "قاعة مديرية التنمية الاجتماعية", "agenda": "- تعريف\n- تمارين",
            "minutes": "ناقش المشاركون **الموازنة**", "topic": "الموازنة التشاركية", "trainer": "د. سمر",
            "attendees": [world.users["member1"].id, world.users["member4"].id],
            "count_social_workers_female": "7", "count_social_workers_male": "3",
            "count_beneficiaries_female": "5"}
    data.update(over)
    return data


def test_coordinator_records_workshop_with_attendance(client, world):
    from councils.models import Meeting
    client.login(COORD)
    r = client.post_form("/councils/hebron/meetings/new", meeting_form(world))
    assert r.status_code == 302, page_text(r)
    m = Meeting.query.one()
    assert m.kind == "workshop" and m.topic == "الموازنة التشاركية" and m.trainer == "د. سمر"
    assert {a.user_id for a in m.attendances} == {world.users["member1"].id, world.users["member4"].id}
    assert m.count_for("social_workers", "female") == 7 and m.outside_participants == 15
    # 10:00 in Hebron (UTC+2 in March) is stored as 08:00 UTC.
    assert m.held_at.hour == 8
    text = page_text(client.get(r.headers["Location"]))
    assert "ورشة الموازنة التشاركية" in text and "أحمد أبو سنينة" in text
    # Editing keeps one row per category/gender and drops zeros.
    r = client.post_form(f"/councils/hebron/meetings/{m.id}/edit", meeting_form(
        world, count_social_workers_female="2", count_beneficiaries_female="", attendees=[world.users["member1"].id]))
    assert r.status_code == 302
    m = Meeting.query.one()
    assert m.outside_participants == 5 and len(m.attendances) == 1


def test_meeting_bad_input_saves_nothing(client, world):
    from councils.models import Meeting
    client.login(COORD)
    for bad in ({"title": ""}, {"held_at": "yesterday"}, {"count_supervisors_male": "-3"},
                {"count_supervisors_male": "many"}, {"topic": ""}, {"kind": "party"},
                {"attendees": [world.users["outsider"].id]}):
        r = client.post_form("/councils/hebron/meetings/new", meeting_form(world, **bad))
        assert r.status_code == 400, bad
        assert "يرجى تصحيح" in page_text(r) or "Please correct" in page_text(r)
    assert Meeting.query.count() == 0
    r = client.post_form("/councils/hebron/meetings/new?lang=en", meeting_form(world, topic=""))
    assert "Enter the topic of the workshop." in page_text(r)


def test_forum_keeps_group_outputs_and_minutes_are_sanitized(client, world):
    client.login(COORD)
    r = client.post_form("/councils/hebron/meetings/new", meeting_form(
        world, kind="forum", topic="", group_outputs="المجموعة الأولى: **حضانات**",
        minutes='<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://mosd.gov.ps)'))
    assert r.status_code == 302
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in html and "href=\"javascript" not in html
    assert 'href="https://mosd.gov.ps"' in html and "<strong>حضانات</strong>" in html


def test_members_read_coordinators_manage_outsiders_see_nothing(client, world, make_council):
    meeting = make_meeting(world.hebron)
    nablus_meeting = make_meeting(world.nablus, title="اجتماع نابلس")
    client.login(MEMBER)
    assert client.get(f"/councils/hebron/meetings/{meeting.id}/").status_code == 200
    assert client.get("/councils/hebron/meetings/new").status_code == 403
    assert client.post_form(f"/councils/hebron/meetings/{meeting.id}/delete").status_code == 403
    # Another council's meeting through this council's address: 404.
    assert client.get(f"/councils/hebron/meetings/{nablus_meeting.id}/").status_code == 404
    client.logout()
    client.login(OUTSIDER)
    for url in (f"/councils/hebron/meetings/{meeting.id}/", "/councils/hebron/meetings/",
                "/councils/hebron/recommendations/", "/councils/hebron/partners/", "/councils/hebron/summary/",
                "/councils/hebron/meetings/export.csv"):
        assert client.get(url).status_code == 404, url


def test_recommendations_follow_up_and_overdue(client, world):
    from councils.models import Recommendation
    meeting = make_meeting(world.hebron)
    client.login(COORD)
    r = client.post_form(f"/councils/hebron/meetings/{meeting.id}/recommendations",
                         {"rec-kind": "decision", "rec-text": "اعتماد خطة الزيارات", "rec-owner": "المديرية",
                          "rec-due_date": (date.today() - timedelta(days=3)).isoformat()})
    assert r.status_code == 302
    r = client.post_form(f"/councils/hebron/meetings/{meeting.id}/recommendations",
                         {"rec-kind": "decision", "rec-text": "", "rec-owner": ""})
    assert r.status_code == 400 and Recommendation.query.count() == 1
    rec = Recommendation.query.one()
    html = client.get("/councils/hebron/recommendations/?lang=en").get_data(as_text=True)
    assert 'class="overdue"' in html and "Overdue" in html
    assert "اعتماد خطة الزيارات" in page_text(client.get("/councils/hebron/recommendations/?overdue=1"))
    r = client.post_form(f"/councils/hebron/recommendations/{rec.id}/edit",
                         {"status": "done", "owner": "المديرية", "due_date": rec.due_date.isoformat(),
                          "follow_up_note": "نُفّذت"})
    assert r.status_code == 302
    assert Recommendation.query.one().status == "done"
    assert 'class="overdue"' not in client.get("/councils/hebron/recommendations/").get_data(as_text=True)
    r = client.post_form(f"/councils/hebron/recommendations/{rec.id}/edit", {"status": "vanished", "owner": "x"})
    assert r.status_code == 400


def test_partners_directory(client, world):
    from councils.models import PartnerOrganization
    from budget_app.reference.models import TargetGroup
    client.login(COORD)
    groups = [t.id for t in TargetGroup.query.filter(TargetGroup.code.in_(["women", "children"]))]
    data = {"name": "جمعية الهلال الأحمر", "organization_type": "ngo", "services": "إسعاف وتأهيل",
            "target_groups": groups, "free_of_charge": "y", "mou_status": "signed", "mou_signed_on": "2025-02-01",
            "mou_expires_on": "2027-02-01"}
    assert client.post_form("/councils/hebron/partners/new", data).status_code == 302
    p = PartnerOrganization.query.one()
    assert p.free_of_charge and len(p.target_groups) == 2 and p.mou_signed_on == date(2025, 2, 1)
    r = client.post_form("/councils/hebron/partners/new?lang=en", data)  # same name
    assert r.status_code == 400 and "already lists an organization" in page_text(r)
    r = client.post_form("/councils/hebron/partners/new?lang=en", {**data, "name": "أخرى", "mou_signed_on": ""})
    assert r.status_code == 400 and "Enter the date the memorandum was signed." in page_text(r)
    r = client.post_form("/councils/hebron/partners/new?lang=en", {**data, "name": "أخرى",
                                                                   "mou_expires_on": "2020-01-01"})
    assert r.status_code == 400 and PartnerOrganization.query.count() == 1
    text = page_text(client.get("/councils/hebron/partners/?lang=ar"))
    assert "جمعية الهلال الأحمر" in text and "النساء" in text


def test_exports_neutralize_formulas(client, world):
    meeting = make_meeting(world.hebron, title="=HYPERLINK(\"http://evil\")", attendees=[world.users["member1"]])
    make_recommendation(meeting, text="+cmd|' /C calc'!A0", owner="@owner")
    client.login(MEMBER)
    r = client.get("/councils/hebron/meetings/export.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    body = r.get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
    r = client.get("/councils/hebron/recommendations/export.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(r.get_data()))
    values = [c.value for row in wb.active.iter_rows() for c in row]
    assert "'+cmd|' /C calc'!A0" in values and "'@owner" in values
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/councils/hebron/meetings/export.xlsx").get_data()))
    assert len(wb.sheetnames) == 2  # meetings and attendance
    assert client.get("/councils/hebron/meetings/export.pdf").status_code == 404


def test_summary_figures_and_chart(client, world):
    from councils import services
    m = make_meeting(world.hebron, counts={("beneficiaries", "female"): 6, ("supervisors", "male"): 2},
                     attendees=[world.users["member1"], world.users["member2"]])
    make_recommendation(m, status="done")
    make_recommendation(m)
    make_meeting(world.hebron, kind="council_meeting", title="اجتماع المجلس الدوري")
    s = services.summary(world.hebron, m.held_at.year)
    assert s["meetings"] == 2 and s["by_kind"]["workshop"] == 1
    assert s["participants_by_gender"] == {"female": 10, "male": 5}
    assert s["recommendations_done"] == 1 and s["recommendations_open"] == 1
    client.login(MEMBER)
    r = client.get(f"/councils/hebron/summary/?year={m.held_at.year}&lang=en")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'data-chart="participants-chart-data"' in html and "participants-table" in html
    assert "Meetings held" in html


def test_coordinator_manages_membership(client, world, make_user):
    from budget_app.tenancy import Membership
    newcomer = make_user("new@sharaka.test")
    client.login(COORD)
    r = client.post_form("/councils/hebron/members/", {"email": "new@sharaka.test", "role": "member",
                                                       "organization_name": "جمعية جديدة", "organization_type": "ngo"})
    assert r.status_code == 302
    assert Membership.query.filter_by(user_id=newcomer.id, council_id=world.hebron.id).one().role == "member"
    r = client.post_form("/councils/hebron/members/?lang=en", {"email": "nobody@x.test", "role": "member",
                                                               "organization_name": "x", "organization_type": "ngo"})
    assert r.status_code == 400 and "No account uses this email" in page_text(r)
    r = client.post_form("/councils/hebron/members/", {"email": "new@sharaka.test", "role": "director",
                                                       "organization_name": "x", "organization_type": "ngo"})
    assert r.status_code == 400  # coordinators do not appoint budget directors
    own = membership_of(world.hebron, COORD)
    client.post_form(f"/councils/hebron/members/{own.id}/remove")
    assert Membership.query.get(own.id) is not None
    director = membership_of(world.hebron, "director@sharaka.test")
    client.post_form(f"/councils/hebron/members/{director.id}/remove")
    assert Membership.query.get(director.id) is not None
    outsider_membership = membership_of(world.nablus, OUTSIDER)
    assert client.post_form(f"/councils/hebron/members/{outsider_membership.id}/remove").status_code == 404


def test_council_home_lists_meetings_rounds_and_activity(client, world):
    from budget_app.utils import utcnow
    make_meeting(world.hebron, title="اجتماع قادم", held_at=utcnow() + timedelta(days=5), kind="council_meeting")
    make_meeting(world.hebron, title="ورشة سابقة")
    make_partner(world.hebron)
    client.login(MEMBER)
    text = page_text(client.get("/councils/hebron/"))
    assert "اجتماع قادم" in text and "ورشة سابقة" in text and "تسجيل اجتماع" in text or "اجتماع" in text
    html = client.get("/councils/hebron/?lang=en").get_data(as_text=True)
    assert "Upcoming meetings" in html and "Meeting recorded" in html and 'aria-current="page"' in html
