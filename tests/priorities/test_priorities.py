"""Priority needs through HTTP: recording with evidence, visibility, search, triage, merging, discussion."""
from __future__ import annotations

import io
import sys
from datetime import timedelta
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "councils"))
from council_work_factories import make_meeting  # noqa: E402
from helpers import page_text  # noqa: E402
from priority_factories import make_comment, make_priority, make_round  # noqa: E402

COORD = "coordinator@sharaka.test"
MEMBER = "member4@sharaka.test"
OUTSIDER = "outsider@sharaka.test"


def priority_form(world, **over):
    from budget_app.reference.models import Locality, Sector, TargetGroup
    data = {"fiscal_year": "2026", "title_ar": "حضانة دامجة للأطفال ذوي الإعاقة", "title_en": "Inclusive nursery",
            "description_ar": "لا توجد حضانة دامجة في يطا", "description_en": "",
            "sector_id": str(Sector.query.filter_by(code="disability").one().id),
            "target_groups": [t.id for t in TargetGroup.query.filter(TargetGroup.code.in_(["children",
                                                                                           "disabilities"]))],
            "locality_id": str(Locality.query.filter_by(code="yatta").one().id),
            "estimated_beneficiaries": "85", "evidence_type": "social_registry",
            "evidence_details": "85 طفلاً مسجلاً في السجل الوطني", "evidence_meeting_id": "",
            "proposing_organization": "ممثلة الأسر المستفيدة", "submit_now": "1"}
    data.update(over)
    return data


def test_member_records_priority_with_evidence(client, world):
    from priorities.models import Priority
    client.login(MEMBER)
    assert client.get("/councils/hebron/priorities/new").status_code == 200
    r = client.post_form("/councils/hebron/priorities/new", priority_form(world))
    assert r.status_code == 302, page_text(r)
    p = Priority.query.one()
    assert p.status == "submitted" and p.author_id == world.users["member4"].id
    assert {t.code for t in p.target_groups} == {"children", "disabilities"}
    assert p.locality.code == "yatta" and p.estimated_beneficiaries == 85
    assert "حضانه دامجه" in p.search_text  # normalized
    text = page_text(client.get(r.headers["Location"]))
    assert "بيانات السجل الوطني" in text or "السجل" in text


def test_priority_from_a_meeting_recommendation(client, world):
    from priorities.models import Priority
    meeting = make_meeting(world.hebron)
    nablus_meeting = make_meeting(world.nablus)
    client.login(MEMBER)
    r = client.post_form("/councils/hebron/priorities/new?lang=en", priority_form(
        world, evidence_type="meeting_recommendation"))
    assert r.status_code == 400 and "Choose the meeting whose recommendation this is." in page_text(r)
    r = client.post_form("/councils/hebron/priorities/new", priority_form(
        world, evidence_type="meeting_recommendation", evidence_meeting_id=str(nablus_meeting.id)))
    assert r.status_code == 400  # another council's meeting is not a choice
    r = client.post_form("/councils/hebron/priorities/new", priority_form(
        world, evidence_type="meeting_recommendation", evidence_meeting_id=str(meeting.id)))
    assert r.status_code == 302
    assert Priority.query.one().evidence_meeting_id == meeting.id


def test_bad_priority_input_saves_nothing(client, world):
    from priorities.models import Priority
    client.login(MEMBER)
    for bad in ({"title_ar": ""}, {"target_groups": []}, {"sector_id": ""}, {"fiscal_year": "1850"},
                {"estimated_beneficiaries": "-4"}, {"estimated_beneficiaries": "lots"}, {"evidence_details": ""},
                {"evidence_type": "rumour"}, {"sector_id": "999999"}):
        r = client.post_form("/councils/hebron/priorities/new", priority_form(world, **bad))
        assert r.status_code == 400, bad
    assert Priority.query.count() == 0
    r = client.post_form("/councils/hebron/priorities/new?lang=en", priority_form(world, target_groups=[]))
    assert "Choose at least one target group." in page_text(r)


def test_drafts_are_private_and_other_councils_are_404(client, world):
    draft = make_priority(world.hebron, world.users["member4"], status="draft", title="مسودة خاصة")
    nablus = make_priority(world.nablus, world.users["member1"], title="أولوية نابلس")
    client.login("member1@sharaka.test")
    assert client.get(f"/councils/hebron/priorities/{draft.id}/").status_code == 404
    assert "مسودة خاصة" not in page_text(client.get("/councils/hebron/priorities/"))
    assert client.get(f"/councils/hebron/priorities/{nablus.id}/").status_code == 404  # wrong council in URL
    assert client.get(f"/councils/nablus/priorities/{nablus.id}/").status_code == 200
    client.logout()
    client.login(MEMBER)
    assert client.get(f"/councils/hebron/priorities/{draft.id}/").status_code == 200
    assert client.post_form(f"/councils/hebron/priorities/{draft.id}/submit").status_code == 302
    client.logout()
    client.login(OUTSIDER)
    for url in ("/councils/hebron/priorities/", f"/councils/hebron/priorities/{draft.id}/",
                "/councils/hebron/priorities/export.csv", "/councils/hebron/priorities/rounds/"):
        assert client.get(url).status_code == 404, url
    assert client.post_form(f"/councils/hebron/priorities/{draft.id}/comments", {"body": "x"}).status_code == 404


def test_arabic_search_and_filters(client, world):
    author = world.users["member4"]
    make_priority(world.hebron, author, title="مُبادَرة لدعم الأسرة الفقيرة", sector="poverty",
                  groups=("poor-families",), beneficiaries=300)
    make_priority(world.hebron, author, title="إنشاء نادٍ للمسنين", sector="elderly", groups=("elderly",),
                  locality="dura", beneficiaries=40)
    make_priority(world.hebron, author, title="Youth centre", title_en="Youth Centre", sector="youth",
                  groups=("youth",), beneficiaries=None)
    client.login(MEMBER)

    def titles(query):
        return page_text(client.get("/councils/hebron/priorities/?lang=ar&" + query))

    t = titles("q=مبادره اسره")
    assert "مُبادَرة" in t and "نادٍ" not in t
    assert "نادٍ للمسنين" in titles("q=انشاء")      # إ → ا
    assert "Youth centre" in titles("q=YOUTH")
    assert "priorities found" in page_text(client.get("/councils/hebron/priorities/?q=zzz&lang=en"))
    assert "لم يُعثر على أولويات." in titles("q=zzz")
    assert "100%" not in titles("q=%25")  # LIKE wildcards are escaped
    from budget_app.reference.models import Locality, Sector, TargetGroup
    elderly = TargetGroup.query.filter_by(code="elderly").one().id
    t = titles(f"target_group={elderly}")
    assert "نادٍ" in t and "مُبادَرة" not in t
    t = titles(f"sector={Sector.query.filter_by(code='poverty').one().id}")
    assert "مُبادَرة" in t and "Youth centre" not in t
    t = titles(f"locality={Locality.query.filter_by(code='dura').one().id}")
    assert "نادٍ" in t and "مُبادَرة" not in t
    t = titles("sort=beneficiaries")
    assert t.index("مُبادَرة") < t.index("نادٍ") < t.index("Youth centre")
    assert "لم يُعثر على أولويات." in titles("status=shortlisted")
    assert client.get("/councils/hebron/priorities/?sort=evil&status=bogus&sector=abc").status_code == 200


def test_listing_has_no_n_plus_one(client, world, app):
    from sqlalchemy import event
    from budget_app.extensions import db
    for i in range(3):
        make_priority(world.hebron, world.users["member4"], title=f"أولوية {i}")
    client.login(MEMBER)

    def count_queries():
        statements = []
        listener = lambda *a, **k: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            client.get("/councils/hebron/priorities/")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    few = count_queries()
    for i in range(6):
        make_priority(world.hebron, world.users["member4"], title=f"أولوية أخرى {i}", groups=("women", "youth"))
    assert count_queries() == few


def test_triage_shortlist_decline_with_reason(client, world):
    from priorities.models import Priority
    p = make_priority(world.hebron, world.users["member4"])
    client.login(MEMBER)
    assert client.post_form(f"/councils/hebron/priorities/{p.id}/shortlist").status_code == 403
    client.logout()
    client.login(COORD)
    r = client.post_form(f"/councils/hebron/priorities/{p.id}/decline?lang=en", {"decline-reason": ""})
    assert r.status_code == 302 and Priority.query.get(p.id).status == "submitted"
    assert "Give the reason" in page_text(client.get(r.headers["Location"]))
    client.post_form(f"/councils/hebron/priorities/{p.id}/decline", {"decline-reason": "تغطيها وزارة الصحة"})
    assert Priority.query.get(p.id).status == "declined"
    client.logout()
    client.login(MEMBER)
    assert "تغطيها وزارة الصحة" in page_text(client.get(f"/councils/hebron/priorities/{p.id}/?lang=ar"))
    client.logout()
    client.login("member1@sharaka.test")
    assert "تغطيها وزارة الصحة" not in page_text(client.get(f"/councils/hebron/priorities/{p.id}/"))
    client.logout()
    client.login(COORD)
    client.post_form(f"/councils/hebron/priorities/{p.id}/shortlist")
    assert Priority.query.get(p.id).status == "shortlisted"
    client.post_form(f"/councils/hebron/priorities/{p.id}/unshortlist")
    assert Priority.query.get(p.id).status == "submitted"


def test_merge_moves_comments_and_votes(client, world):
    from priorities import services
    from priorities.models import Priority, PriorityComment, RoundBallotItem
    coord = world.users["coordinator"]
    rnd = make_round(world.hebron, coord, n_priorities=3)
    a, b, c = rnd.priorities
    make_comment(a, world.users["member1"], "تعليق على المكرر")
    services.cast_ballot(rnd, world.users["member1"], {a.id: 4, b.id: 3})
    services.cast_ballot(rnd, world.users["member2"], {a.id: 5})
    from budget_app.extensions import db
    db.session.commit()
    client.login(COORD)
    r = client.post_form(f"/councils/hebron/priorities/{a.id}/merge", {"merge-target_id": str(b.id)})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/priorities/{b.id}/")
    a, b = Priority.query.get(a.id), Priority.query.get(b.id)
    assert a.status == "merged" and a.merged_into_id == b.id
    assert PriorityComment.query.filter_by(priority_id=b.id).count() == 1
    items = {(i.ballot.user_id, i.priority_id): i.points for i in RoundBallotItem.query}
    assert items == {(world.users["member1"].id, b.id): 7, (world.users["member2"].id, b.id): 5}
    from priorities.models import RankingRound
    assert [p.id for p in RankingRound.query.get(rnd.id).priorities] == [b.id, c.id]
    # Merging into itself or into a merged priority is refused with a message.
    r = client.post_form(f"/councils/hebron/priorities/{b.id}/merge?lang=en", {"merge-target_id": str(a.id)})
    assert "Only submitted or shortlisted priorities can be merged." in page_text(client.get(r.headers["Location"]))
    nablus = make_priority(world.nablus, world.users["member1"])
    assert client.post_form(f"/councils/hebron/priorities/{b.id}/merge",
                            {"merge-target_id": str(nablus.id)}).status_code in (302, 404)
    assert Priority.query.get(nablus.id).status == "submitted"


def test_discussion_edit_window_and_moderation(client, world):
    from budget_app.extensions import db
    from priorities.models import PriorityComment
    p = make_priority(world.hebron, world.users["member1"])
    client.login(MEMBER)
    r = client.post_form(f"/councils/hebron/priorities/{p.id}/comments",
                         {"body": "أؤيد **بشدة** <script>alert(1)</script> [x](javascript:alert(1))"})
    assert r.status_code == 302
    html = client.get(f"/councils/hebron/priorities/{p.id}/").get_data(as_text=True)
    assert "<strong>بشدة</strong>" in html and "<script>alert" not in html and 'href="javascript' not in html
    c = PriorityComment.query.one()
    assert client.post_form(f"/councils/hebron/priorities/{p.id}/comments", {"body": "  "}).status_code == 302
    assert PriorityComment.query.count() == 1
    r = client.post_form(f"/councils/hebron/priorities/{p.id}/comments/{c.id}/edit", {"body": "أؤيد مع تعديل"})
    assert r.status_code == 302 and PriorityComment.query.one().body == "أؤيد مع تعديل"
    c = PriorityComment.query.one()
    c.created_at -= timedelta(minutes=16)
    db.session.commit()
    r = client.post_form(f"/councils/hebron/priorities/{p.id}/comments/{c.id}/edit", {"body": "متأخر"})
    assert r.status_code == 302 and PriorityComment.query.one().body == "أؤيد مع تعديل"
    client.logout()
    client.login("member2@sharaka.test")
    assert client.get(f"/councils/hebron/priorities/{p.id}/comments/{c.id}/edit").status_code == 403
    assert client.post_form(f"/councils/hebron/priorities/{p.id}/comments/{c.id}/moderate").status_code == 403
    client.logout()
    client.login(COORD)
    client.post_form(f"/councils/hebron/priorities/{p.id}/comments/{c.id}/moderate", {"action": "hide"})
    assert PriorityComment.query.one().hidden
    client.logout()
    client.login("member2@sharaka.test")
    text = page_text(client.get(f"/councils/hebron/priorities/{p.id}/?lang=en"))
    assert "أؤيد مع تعديل" not in text and "A comment was hidden by the coordinator." in text


def test_priority_exports(client, world):
    make_priority(world.hebron, world.users["member4"], title="=1+1 حضانة")
    client.login(MEMBER)
    r = client.get("/councils/hebron/priorities/export.csv")
    assert r.status_code == 200 and "'=1+1 حضانة" in r.get_data().decode("utf-8-sig")
    r = client.get("/councils/hebron/priorities/export.xlsx?q=حضانه")
    ws = openpyxl.load_workbook(io.BytesIO(r.get_data())).active
    assert ws.max_row == 2
