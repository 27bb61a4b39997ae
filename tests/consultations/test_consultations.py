"""Beneficiaries' consultations: codes (format, hash only, check character), creating and
closing, answering once (forged, unknown, voided, expired, closed, second use), paper answers
tagged with a forum, the failure limit per address, the sheet shown only while it is printed."""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from consult_testlib import form_of, make_consultation, points_ballot  # noqa: E402


# Codes ---------------------------------------------------------------------------------
def test_codes_are_60_random_bits_with_a_check_character_and_grouped(app):
    from priorities.consultations import codes

    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    for code in list(made)[:200]:
        assert len(code) == 13 and codes.is_well_formed(code)
        assert set(code) <= set(codes.ALPHABET)
        grouped = codes.grouped(code)
        assert len(grouped) == 16 and grouped.count("-") == 3 and grouped[4] == grouped[9] == grouped[14] == "-"
        assert codes.normalize(grouped.lower().replace("-", " ")) == code
    assert len(codes.ALPHABET) ** codes.RANDOM_CHARS >= 2 ** 60


def test_every_single_typo_is_caught_by_the_check_character(app):
    from priorities.consultations import codes

    code = codes.new_code()
    for i in range(13):
        for c in codes.ALPHABET:
            if c != code[i]:
                assert not codes.is_well_formed(code[:i] + c + code[i + 1:])


def test_typing_is_forgiving_o_for_zero_i_l_for_one_and_arabic_digits(app):
    from priorities.consultations import codes

    body = "0011ABCDEFGH"
    code = body + codes.check_char(body)
    assert codes.normalize("oOiL-ABCD-EFGH-" + code[-1]) == code
    assert codes.normalize("٠٠١١ abcd efgh " + code[-1].lower()) == code
    assert codes.normalize("x" * 41) is None and codes.normalize("ABCU-0000-0000-0") is None


def test_only_keyed_hashes_are_stored(app, world):
    from budget_app.extensions import db
    from priorities.consultations import codes
    from priorities.consultations.models import AccessCode

    consultation, plain = make_consultation(world, codes=20)
    hashes = {h for (h,) in db.session.query(AccessCode.code_hash)}
    assert hashes == {codes.code_hash(c) for c in plain}
    dump = "\n".join(str(row) for row in db.session.execute(db.text("SELECT * FROM consultation_code")))
    assert not any(c in dump for c in plain)
    batch = consultation.batches[0]
    assert batch.sheet is None or not any(c.encode() in batch.sheet for c in plain)  # encrypted


# Creating ------------------------------------------------------------------------------
def test_create_refuses_bad_times_and_too_few_priorities(app, world):
    from budget_app.utils import utcnow
    from priorities.consultations import services

    now = utcnow()
    common = dict(question_ar="سؤال", fiscal_year=now.year, method="points", codes_count=3)
    with pytest.raises(services.ConsultationError):
        services.create_consultation(world.hebron, world.users["coordinator"], opens_at=now,
                                     closes_at=now + timedelta(days=1), **common)  # no shortlist
    make_consultation(world)
    with pytest.raises(services.ConsultationError):
        services.create_consultation(world.hebron, world.users["coordinator"], opens_at=now,
                                     closes_at=now - timedelta(hours=1), **common)
    with pytest.raises(services.ConsultationError):
        services.create_consultation(world.hebron, world.users["coordinator"], opens_at=now + timedelta(days=2),
                                     closes_at=now + timedelta(days=1), **common)



# Answering -----------------------------------------------------------------------------
def test_a_code_answers_once_with_a_receipt(app, world, client):
    from priorities.consultations.models import AccessCode, ConsultationAnswer

    consultation, plain = make_consultation(world)
    code = plain[0]
    page = client.get(f"/C/{code}")
    assert page.status_code == 200 and "consult-ballot" in page.text
    values = points_ballot(consultation)
    sent = client.post_form("/consult/answer", {"code": code, **form_of(consultation, values)})
    assert sent.status_code == 302 and "/consult/receipt/" in sent.headers["Location"]
    receipt = client.get(sent.headers["Location"])
    assert receipt.status_code == 200 and 'id="receipt"' in receipt.text
    again = client.post_form("/consult/answer", {"code": code, **form_of(consultation, values)})
    assert again.status_code == 409 and "already been used" in again.text
    assert ConsultationAnswer.query.count() == 1
    assert AccessCode.query.filter(AccessCode.used_at.is_not(None)).count() == 1


def test_forged_unknown_voided_expired_and_closed_codes_are_refused(app, world, client):
    from budget_app.extensions import db
    from priorities.consultations import codes, services
    from priorities.consultations.models import ConsultationAnswer

    consultation, plain = make_consultation(world, codes=4)
    values = points_ballot(consultation)
    forged = plain[0][:-1] + ("0" if plain[0][-1] != "0" else "1")  # wrong check character
    assert client.post_form("/consult/answer", {"code": forged, **form_of(consultation, values)}).status_code == 400
    body = "ZZZZZZZZZZZZ"
    unknown = body + codes.check_char(body)
    refused = client.post_form("/consult/answer", {"code": unknown, **form_of(consultation, values)})
    assert refused.status_code == 400 and "not known" in refused.text
    services.void_unused(consultation, world.users["coordinator"], consultation.batches[0].id)
    db.session.commit()
    voided = client.post_form("/consult/answer", {"code": plain[1], **form_of(consultation, values)})
    assert voided.status_code == 409 and "cancelled" in voided.text
    assert ConsultationAnswer.query.count() == 0

    other, other_codes = make_consultation(world, n_priorities=0, codes=2)
    other.closes_at = other.opens_at + timedelta(minutes=1)  # its closing time has passed
    db.session.commit()
    expired = client.post_form("/consult/answer", {"code": other_codes[0], **form_of(other, points_ballot(other))})
    assert expired.status_code == 409 and "closed" in expired.text
    services.close_consultation(consultation, world.users["coordinator"])
    db.session.commit()


def test_closed_consultation_and_not_yet_open(app, world, client):
    from budget_app.extensions import db
    from priorities.consultations import services

    consultation, plain = make_consultation(world)
    services.close_consultation(consultation, world.users["coordinator"])
    db.session.commit()
    page = client.get(f"/consult/?code={plain[0]}")
    assert page.status_code == 409 and "closed" in page.text
    later, later_codes = make_consultation(world, n_priorities=0, opens_in=24)
    page = client.get(f"/consult/?code={later_codes[0]}")
    assert page.status_code == 409 and "not opened yet" in page.text


def test_ballot_rules_are_the_ranking_rounds(app, world, client):
    from priorities.consultations.models import AccessCode

    consultation, plain = make_consultation(world)
    over = points_ballot(consultation, 8, 8)
    refused = client.post_form("/consult/answer", {"code": plain[0], **form_of(consultation, over)})
    assert refused.status_code == 400 and "at most 10" in refused.text
    assert AccessCode.query.filter(AccessCode.used_at.is_not(None)).count() == 0  # the code is still good
    ranked, rcodes = make_consultation(world, method="ranking", n_priorities=0)
    ids = [p.id for p in ranked.priorities]
    gap = client.post_form("/consult/answer", {"code": rcodes[0], f"p-{ids[0]}": "2"})
    assert gap.status_code == 400
    ok = client.post_form("/consult/answer", {"code": rcodes[0], f"p-{ids[0]}": "1", f"p-{ids[1]}": "2"})
    assert ok.status_code == 302


def test_wrong_codes_are_limited_per_address_and_logged(app, world, client, caplog):
    from priorities.consultations import codes

    app.config["CONSULTATION_CODE_FAILURE_LIMIT"] = "3 per 15 minutes"
    consultation, plain = make_consultation(world)
    for i in range(3):
        body = f"ZZZZZZZZZZZ{i}"
        assert client.get(f"/consult/?code={body}{codes.check_char(body)}").status_code == 400
    blocked = client.get(f"/consult/?code={plain[0]}")  # even a right code, for a while
    assert blocked.status_code == 429
    assert sum("consultation code refused" in r.getMessage() for r in caplog.records) == 3
    other = app.test_client()
    assert other.get(f"/consult/?code={plain[0]}", environ_base={"REMOTE_ADDR": "192.0.2.77"}).status_code == 200


def test_paper_answer_tagged_with_the_forum_uses_the_card(app, world, client):
    from budget_app.utils import utcnow
    from councils.models import Meeting
    from budget_app.extensions import db
    from priorities.consultations.models import ConsultationAnswer

    consultation, plain = make_consultation(world)
    forum = Meeting(council_id=world.hebron.id, kind="forum", title="ملتقى المستفيدين", held_at=utcnow())
    db.session.add(forum)
    db.session.commit()
    client.login("coordinator@sharaka.test")
    url = f"/councils/hebron/consultations/{consultation.id}/paper"
    assert client.get(url).status_code == 200
    values = points_ballot(consultation, 5, 5)
    sent = client.post_form(url, {"code": plain[0], "meeting_id": str(forum.id), **form_of(consultation, values)})
    assert sent.status_code == 302
    row = ConsultationAnswer.query.one()
    assert row.channel == "paper" and row.meeting_id == forum.id
    # The same card cannot answer again, online or on paper.
    assert client.post_form(url, {"code": plain[0], **form_of(consultation, values)}).status_code == 409
    assert client.post_form("/consult/answer", {"code": plain[0], **form_of(consultation, values)}).status_code == 409
    assert ConsultationAnswer.query.count() == 1


def test_sheet_prints_in_the_generating_session_only_and_is_erased(app, world, client):
    from priorities.consultations.models import CodeBatch

    make_consultation(world, n_priorities=3, codes=1)  # the shortlist
    client.login("coordinator@sharaka.test")
    from budget_app.utils import utcnow
    now = utcnow()
    created = client.post_form("/councils/hebron/consultations/", {
        "question_ar": "ما الأهم؟", "round_id": "", "fiscal_year": str(now.year), "method": "points",
        "points_budget": "10", "top_n": "3", "opens_at": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"), "codes_count": "12", "locality_id": ""})
    assert created.status_code == 302 and "/cards" in created.headers["Location"]
    sheet = client.get(created.headers["Location"])
    assert sheet.status_code == 200 and sheet.text.count('class="code-card"') == 12 and "<svg" in sheet.text
    pdf = client.get(created.headers["Location"] + ".pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.headers["Cache-Control"] == "no-store"
    other = app.test_client()
    other.login("coordinator@sharaka.test")
    assert other.get(created.headers["Location"]).status_code == 410  # another session has no key
    batch = CodeBatch.query.order_by(CodeBatch.id.desc()).first()
    erase = created.headers["Location"].replace("/cards", "/erase")
    assert client.post_form(erase, {}).status_code == 302
    assert client.get(created.headers["Location"]).status_code == 410
    from budget_app.extensions import db
    assert db.session.get(CodeBatch, batch.id).sheet is None


def test_expired_sheets_are_wiped(app, world):
    from budget_app.extensions import db
    from budget_app.utils import utcnow
    from priorities.consultations import services
    from priorities.consultations.models import CodeBatch

    consultation, _plain = make_consultation(world)
    batch = consultation.batches[0]
    batch.sheet, batch.sheet_expires_at = b"ciphertext", utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert services.purge_expired_sheets() == 1
    db.session.commit()
    assert db.session.get(CodeBatch, batch.id).sheet is None


def test_every_change_is_audited(app, world):
    from budget_app.audit import AuditLog
    from budget_app.extensions import db
    from priorities.consultations import services

    consultation, plain = make_consultation(world)
    services.answer(plain[0], points_ballot(consultation))
    services.generate_batch(consultation, world.users["coordinator"], 3)
    services.void_unused(consultation, world.users["coordinator"])
    services.close_consultation(consultation, world.users["coordinator"])
    db.session.commit()
    actions = {a for (a,) in db.session.query(AuditLog.action).filter(AuditLog.action.like("consultation.%"))}
    assert actions == {"consultation.create", "consultation.codes", "consultation.answer", "consultation.void",
                       "consultation.close"}


def test_results_sit_beside_the_councils_ranking(app, world, client):
    """The round's results, the priority's page and the consultation's page say where the
    beneficiaries put each priority and where the council did."""
    import sys as _sys
    _sys.path.insert(0, str(Path(__file__).parent.parent / "priorities"))
    from priority_factories import make_round
    from budget_app.extensions import db
    from priorities import services as priority_services
    from priorities.consultations import comparison, services

    rnd = make_round(world.hebron, world.users["coordinator"], n_priorities=3)
    ids = [p.id for p in rnd.priorities]
    priority_services.cast_ballot(rnd, world.users["member1"], {ids[0]: 10})  # the council: ids[0] first
    priority_services.close_round(rnd)
    db.session.commit()
    consultation, plain = make_consultation(world, round_id=rnd.id, codes=3)
    for code in plain:
        services.answer(code, {ids[2]: 7, ids[0]: 3})  # the beneficiaries: ids[2] first
    db.session.commit()
    rows, compared = comparison.rows(consultation)
    assert compared.id == rnd.id
    by_id = {r.priority.id: r for r in rows}
    assert (by_id[ids[2]].beneficiaries, by_id[ids[2]].council) == (1, 3)
    assert (by_id[ids[0]].beneficiaries, by_id[ids[0]].council) == (2, 1)
    client.login("member1@sharaka.test")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/councils/hebron/priorities/rounds/{rnd.id}/?lang=en")
    assert "forums put it in position 1; the council put it in position 3" in page.text
    detail = client.get(f"/councils/hebron/priorities/{ids[2]}/?lang=en")
    assert "Position 1 of 3 in the consultation" in detail.text
    client = app.test_client()
    client.login("coordinator@sharaka.test")
    manage = client.get(f"/councils/hebron/consultations/{consultation.id}/?lang=en")
    assert manage.status_code == 200 and "consultation-chart" in manage.text
    csv = client.get(f"/councils/hebron/consultations/{consultation.id}/answers.csv")
    assert csv.status_code == 200 and csv.text.count("\n") == 4


def test_closed_consultation_goes_into_the_citizen_budget_snapshot(app, world):
    from budget_app.extensions import db
    from citizen_budget import figures
    from priorities.consultations import comparison, services

    consultation, plain = make_consultation(world, codes=2)
    services.answer(plain[0], points_ballot(consultation, 2, 8))
    db.session.commit()
    assert comparison.for_citizen_budget(world.hebron.id, consultation.fiscal_year) == []  # still open
    services.close_consultation(consultation, world.users["coordinator"])
    db.session.commit()
    data = comparison.for_citizen_budget(world.hebron.id, consultation.fiscal_year)
    assert len(data) == 1 and data[0]["answers"] == 1 and data[0]["rows"][0]["score"] == 8
    assert figures.Figures.__dataclass_fields__["consultations"].default_factory() == []


def test_pdf_sheet_has_every_card_text(app, world):
    import io

    from pypdf import PdfReader
    from priorities.consultations import codes, printing

    consultation, plain = make_consultation(world, codes=13)
    with app.test_request_context("/", base_url="https://sharaka.example.ps"):
        data = printing.pdf_bytes(consultation, consultation.batches[0], plain)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert all(codes.grouped(c) in text for c in plain)
    assert text.count("https://sharaka.example.ps/consult/") == 13
    assert text.count("Scan the square, or type the code at") == 13


def test_a_large_batch_prints_in_parts(app, world, client, monkeypatch):
    """A part of the sheet a page (1,000 cards; 200 here) and a part of the PDF a file, so that
    each request stays within the deadline."""
    from priorities.consultations import printing
    from priorities.consultations.models import CodeBatch

    monkeypatch.setattr(printing, "HTML_PART", 200)
    monkeypatch.setattr(printing, "PDF_PART", 200)

    consultation, _plain = make_consultation(world, codes=1)
    client.login("coordinator@sharaka.test")
    made = client.post_form(f"/councils/hebron/consultations/{consultation.id}/codes", {"size": "450", "label": ""})
    assert made.status_code == 302
    sheet = made.headers["Location"]
    first = client.get(sheet)
    assert first.text.count('class="code-card"') == 200 and "part=3" in first.text
    last = client.get(sheet + "?part=3")
    assert last.text.count('class="code-card"') == 50 and f"#{CodeBatch.query.order_by(CodeBatch.id.desc()).first().id} · 450" in last.text
    assert client.get(sheet + "?part=99").text.count('class="code-card"') == 50  # past the end: the last part
    assert "part=3" in first.text.split('id="cards"')[0]  # the PDF in three files too
    pdf = client.get(sheet + ".pdf?part=3")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and "-3.pdf" in pdf.headers["Content-Disposition"]
