"""Seams of council work that lost data or misled (issue 10, section 6): adding an existing member,
meeting forms by kind and women/men totals, partner memoranda and the partner directory."""
from __future__ import annotations

import html
import sys
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from council_work_factories import make_meeting, membership_of  # noqa: E402
from helpers import page_text  # noqa: E402

COORD = "coordinator@sharaka.test"


def _text(response) -> str:
    return html.unescape(page_text(response))


def test_adding_an_existing_member_says_so_and_links_to_their_edit_form(client, world):
    from budget_app.tenancy import Membership
    before = membership_of(world.hebron, "member1@sharaka.test")
    organization, role = before.organization_name, before.role
    client.login(COORD)
    r = client.post_form("/councils/hebron/members/?lang=en", {
        "email": "member1@sharaka.test", "role": "coordinator", "organization_name": "Another organization",
        "organization_type": "private"})
    assert r.status_code == 400
    text = _text(r)
    assert "is already a member of this council" in text and "Nothing was changed" in text
    assert f"/councils/hebron/members/{before.id}/edit" in r.get_data(as_text=True)
    after = Membership.query.get(before.id)
    assert (after.organization_name, after.role) == (organization, role)
    # In Arabic too.
    r = client.post_form("/councils/hebron/members/?lang=ar", {
        "email": "member1@sharaka.test", "role": "member", "organization_name": "x", "organization_type": "ngo"})
    assert r.status_code == 400 and "عضو في هذا المجلس" in _text(r)


def test_member_gender_recorded_and_meeting_shows_women_and_men_with_members(client, world, make_user):
    from budget_app.tenancy import Membership
    newcomer = make_user("newcomer@sharaka.test")
    client.login(COORD)
    r = client.post_form("/councils/hebron/members/", {"email": "newcomer@sharaka.test", "role": "member",
                                                       "organization_name": "جمعية", "organization_type": "ngo",
                                                       "gender": "female"})
    assert r.status_code == 302
    assert Membership.query.filter_by(user_id=newcomer.id).one().gender == "female"
    m1 = membership_of(world.hebron, "member1@sharaka.test")
    r = client.post_form(f"/councils/hebron/members/{m1.id}/edit", {
        "role": m1.role, "organization_name": m1.organization_name, "organization_type": m1.organization_type,
        "gender": "male"})
    assert r.status_code == 302 and Membership.query.get(m1.id).gender == "male"
    r = client.post_form(f"/councils/hebron/members/{m1.id}/edit", {
        "role": "member", "organization_name": "x", "organization_type": "ngo", "gender": "other"})
    assert r.status_code == 400  # not a choice

    meeting = make_meeting(world.hebron, attendees=[newcomer, world.users["member1"], world.users["member2"]],
                           counts={("social_workers", "female"): 4, ("beneficiaries", "male"): 3})
    from councils import services
    members = {m.user_id: m for m in Membership.query.filter_by(council_id=world.hebron.id)}
    totals = services.meeting_gender_totals(meeting, members)
    assert (totals["female"], totals["male"], totals["unrecorded"], totals["total"]) == (5, 4, 1, 10)
    text = _text(client.get(f"/councils/hebron/meetings/{meeting.id}/?lang=en"))
    assert "Everyone present, members included" in text
    assert "Total 5 4 1 10" in text


def test_meeting_form_marks_kind_specific_fields_and_saves_only_the_chosen_kinds(client, world):
    from councils.models import Meeting
    client.login(COORD)
    html_form = client.get("/councils/hebron/meetings/new?lang=en").get_data(as_text=True)
    # Without JavaScript every part is there, each saying which kind it is for; the script hides the rest.
    assert 'data-meeting-kind="workshop"' in html_form and 'data-meeting-kind="forum"' in html_form
    assert "only for a workshop" in html_form and "councils.js" in html_form
    r = client.post_form("/councils/hebron/meetings/new", {
        "kind": "council_meeting", "title": "اجتماع المجلس", "held_at": "2026-03-10T10:00",
        "topic": "should not stay", "trainer": "nobody", "group_outputs": "nothing"})
    assert r.status_code == 302
    m = Meeting.query.one()
    assert (m.topic, m.trainer, m.group_outputs) == ("", "", "")


def test_mou_in_preparation_cannot_carry_a_signing_date(client, world):
    from councils.models import PartnerOrganization
    client.login(COORD)
    data = {"name": "جمعية الأمل", "organization_type": "ngo", "services": "إرشاد", "mou_status": "in_preparation",
            "mou_signed_on": "2025-02-01"}
    r = client.post_form("/councils/hebron/partners/new?lang=en", data)
    assert r.status_code == 400 and "not signed yet has no signing date" in _text(r)
    assert client.post_form("/councils/hebron/partners/new?lang=en", {**data, "mou_status": "none"}).status_code == 400
    assert PartnerOrganization.query.count() == 0
    assert client.post_form("/councils/hebron/partners/new", {**data, "mou_signed_on": ""}).status_code == 302
    assert PartnerOrganization.query.one().mou_signed_on is None


def _partners(council, n):
    from budget_app.extensions import db
    from councils.models import PartnerOrganization
    types = ["ngo", "charity", "private", "governmental"]
    statuses = ["none", "in_preparation", "signed", "expired"]
    for i in range(n):
        status = statuses[i % 4]
        db.session.add(PartnerOrganization(
            council_id=council.id, name=f"Partner {i:03d}" if i != 7 else "جمعية النور 50%_خاص",
            organization_type=types[i % 4], services="Home care" if i % 5 == 0 else "Counselling",
            mou_status=status, mou_signed_on=date(2025, 1, 1) if status in ("signed", "expired") else None,
            created_at=datetime(2026, 1, 1)))
    db.session.commit()


def test_partner_directory_search_filters_and_pages(client, world):
    _partners(world.hebron, 60)
    client.login("member4@sharaka.test")
    first = client.get("/councils/hebron/partners/?lang=en")
    text = _text(first)
    assert "60 organizations in the directory." in text and "Partner 000" in text and "Partner 030" not in text
    assert 'rel="next"' in first.get_data(as_text=True)
    third = _text(client.get("/councils/hebron/partners/?lang=en&page=3"))
    assert "Partner 059" in third and "Partner 000" not in third
    assert client.get("/councils/hebron/partners/?page=99999999999999999999").status_code == 200

    # Search by service, then filter by type and memorandum status; the pager keeps the filters.
    found = _text(client.get("/councils/hebron/partners/?lang=en&q=home+care"))
    assert "12 organizations found." in found
    by_type = _text(client.get("/councils/hebron/partners/?lang=en&type=charity"))
    assert "15 organizations found." in by_type and "Partner 001" in by_type and "Partner 000" not in by_type
    both = _text(client.get("/councils/hebron/partners/?lang=en&type=private&mou=signed"))
    assert "15 organizations found." in both
    none = _text(client.get("/councils/hebron/partners/?lang=en&type=private&mou=none"))
    assert "No organization matches this search." in none
    page = client.get("/councils/hebron/partners/?lang=en&mou=signed").get_data(as_text=True)
    assert "15 organizations found." in _text(client.get("/councils/hebron/partners/?lang=en&mou=signed"))
    assert "page=2" not in page  # 15 fit on one page
    # LIKE wildcards in the search are literal characters.
    assert "1 organization found." in _text(client.get("/councils/hebron/partners/?lang=en&q=50%25_"))
    assert "0 organizations found." in _text(client.get("/councils/hebron/partners/?lang=en&q=%25%25x"))
    # Unknown filter values are ignored rather than an error.
    assert client.get("/councils/hebron/partners/?type=spaceship&mou=%00").status_code == 200
