"""Proposal import seams (issue 10.6): the template's example row is skipped, a re-import that
would change existing proposals is previewed and applied only once confirmed (with a token that
cannot be forged, reused elsewhere or kept for ever), and a locality of another governorate is
refused."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest

from cycles_testlib import make_cycle
from helpers import page_text


def _upload(client, cycle, data: bytes, name: str, lang="en"):
    return client.post_form(f"/councils/hebron/cycles/{cycle.id}/proposals/import?lang={lang}",
                            {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _confirm(client, cycle, token, lang="en"):
    return client.post_form(f"/councils/hebron/cycles/{cycle.id}/proposals/import/confirm?lang={lang}",
                            {"token": token})


def _token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def _csv(rows) -> bytes:
    return "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode("utf-8")


@pytest.fixture
def director(client, world):
    client.login("director@sharaka.test")
    return client


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_template_sent_back_with_its_example_row_overwrites_nothing(director, world, lang):
    """The incident: P01-A01 entered by hand, then the template imported with its example left in."""
    from budget_app.cycles.models import AllocationProposal
    from budget_app.cycles.proposals import save_proposal
    cycle = make_cycle(world)
    save_proposal(cycle, code="P01-A01", title_ar="مشروع أدخل يدويًا", cost_minor=5_000_00)
    from budget_app.extensions import db
    db.session.commit()
    template = director.get(f"/councils/hebron/cycles/{cycle.id}/proposals/template.xlsx?lang={lang}")
    wb = openpyxl.load_workbook(io.BytesIO(template.data))
    ws = wb.worksheets[0]
    ws.append(["P09", "مقترح جديد", "", "", "", "", "", "", "80000"])
    buf = io.BytesIO()
    wb.save(buf)
    response = _upload(director, cycle, buf.getvalue(), "template.xlsx", lang=lang)
    assert response.status_code == 302
    hand = AllocationProposal.query.filter_by(cycle_id=cycle.id, code="P01-A01").one()
    assert (hand.title_ar, hand.cost_minor) == ("مشروع أدخل يدويًا", 5_000_00)
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="P09").one().cost_minor == 80_000_00
    page = page_text(director.get(f"/councils/hebron/cycles/{cycle.id}/?lang={lang}"))
    assert {"en": "1 example row of the template was skipped.",
            "ar": "تُخطّي صف المثال الوحيد في النموذج."}[lang] in page


def test_example_row_of_an_older_template_without_the_sample_column_is_skipped(director, world):
    from budget_app.cycles.imports import proposal_columns
    from budget_app.cycles.models import AllocationProposal
    cycle = make_cycle(world)
    columns = proposal_columns(cycle)
    rows = [[str(c.label) for c in columns], [c.example for c in columns]]
    assert _upload(director, cycle, _csv(rows), "old-template.csv").status_code == 400  # only the example: no data
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="P01-A01").count() == 0


def test_reimport_that_changes_proposals_is_previewed_then_applied_on_confirmation(director, world):
    from budget_app.audit import AuditLog
    from budget_app.cycles.models import AllocationProposal
    cycle = make_cycle(world)
    rows = [["Budget-line code", "Title (Arabic)", "Cost", "Locality"],
            ["P01", "مركز نهاري لكبار السن", "450000", "yatta"], ["N01", "جديد", "1000", ""]]
    director.get(f"/councils/hebron/cycles/{cycle.id}/proposals/import?lang=en")  # stores the language first
    entries = AuditLog.query.count()
    preview = _upload(director, cycle, _csv(rows), "p.csv")
    assert preview.status_code == 200
    text = page_text(preview)
    assert "Check the changes before importing" in text and "create 1 new proposal" in text
    assert "change 1 existing proposal" in text
    assert "₪400,000" in text and "₪450,000" in text and "Yatta" in text
    assert "Day centre for the elderly" in text
    # nothing written yet
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="P01").one().cost_minor == 400_000_00
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="N01").count() == 0
    assert AuditLog.query.count() == entries
    assert _confirm(director, cycle, _token(preview)).status_code == 302
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="P01").one().cost_minor == 450_000_00
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="N01").count() == 1


def test_confirmation_cannot_be_forged_reused_by_another_user_or_cycle_or_kept(director, client, world, app,
                                                                              monkeypatch):
    from budget_app.cycles.models import AllocationProposal
    cycle = make_cycle(world)
    other = make_cycle(world, year=2031)
    rows = [["Budget-line code", "Title (Arabic)", "Cost"], ["P01", "عنوان جديد", "450000"]]
    token = _token(_upload(director, cycle, _csv(rows), "p.csv"))
    assert _confirm(director, cycle, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")).status_code == 400
    assert _confirm(director, other, token).status_code == 400  # bound to the cycle
    from budget_app.auth.models import User
    admin = User.query.filter_by(is_admin=True).first()
    client.logout()
    client.login(admin.email)
    assert _confirm(client, cycle, token).status_code == 400  # bound to the user
    client.logout()
    client.login("director@sharaka.test")
    import itsdangerous.timed
    real = itsdangerous.timed.TimestampSigner.get_timestamp
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: real(self) + 3600)
    response = _confirm(client, cycle, token)
    assert response.status_code == 302 and "/proposals/import" in response.headers["Location"]
    monkeypatch.undo()
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="P01").one().cost_minor == 400_000_00


def test_confirmation_after_someone_else_edited_shows_the_new_preview(director, world):
    from budget_app.cycles.models import AllocationProposal
    from budget_app.cycles.proposals import save_proposal
    from budget_app.extensions import db
    cycle = make_cycle(world)
    rows = [["Budget-line code", "Title (Arabic)", "Cost"], ["P01", "عنوان جديد", "450000"]]
    token = _token(_upload(director, cycle, _csv(rows), "p.csv"))
    p01 = AllocationProposal.query.filter_by(cycle_id=cycle.id, code="P01").one()
    save_proposal(cycle, p01, cost_minor=420_000_00)
    db.session.commit()
    response = _confirm(director, cycle, token)
    assert response.status_code == 409 and "changed since the preview" in page_text(response)
    assert "₪420,000" in page_text(response)
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="P01").one().cost_minor == 420_000_00
    assert _confirm(director, cycle, _token(response)).status_code == 302
    assert AllocationProposal.query.filter_by(cycle_id=cycle.id, code="P01").one().cost_minor == 450_000_00


@pytest.mark.parametrize("lang,message", [
    ("en", "The locality Nablus city is in the governorate of Nablus, not in this council's governorate (Hebron)."),
    ("ar", "التجمّع السكاني مدينة نابلس يقع في محافظة نابلس، لا في محافظة هذا المجلس (الخليل)."),
])
def test_locality_of_another_governorate_is_refused(director, world, lang, message):
    from budget_app.cycles.models import AllocationProposal
    cycle = make_cycle(world)
    rows = [["Budget-line code", "Title (Arabic)", "Cost", "Locality"], ["N01", "أ", "1000", "nablus-city"],
            ["N02", "ب", "1000", "dura"]]
    response = _upload(director, cycle, _csv(rows), "p.csv", lang=lang)
    assert response.status_code == 400
    import html
    assert message in html.unescape(page_text(response))
    assert AllocationProposal.query.filter(AllocationProposal.code.like("N%")).count() == 0
