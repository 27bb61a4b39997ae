"""Photos and documents as evidence of a priority, through the pages: attaching, refusals,
serving with safe headers, and who may see and change them."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from helpers import page_text
from upload_files import HTML, SVG, pdf, photo, png_bomb

sys.path.insert(0, str(Path(__file__).parent))
from priority_factories import make_priority  # noqa: E402


def _url(p, *rest):
    return "/councils/hebron/priorities/%s/" % p.id + "/".join(str(r) for r in rest)


def _send(client, priority, data, name="photo.jpg", **fields):
    form = {"evidence-file": (io.BytesIO(data), name), "evidence-alt_text_ar": "", "evidence-alt_text_en": "",
            "csrf_token": client.csrf_token()}
    form.update({f"evidence-{k}": v for k, v in fields.items()})
    return client.post(_url(priority, "evidence"), data=form, content_type="multipart/form-data")


def _stored(app):
    from budget_app.uploads.models import Attachment
    root = Path(app.config["UPLOAD_DIR"])
    return Attachment.query.count(), sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_author_attaches_a_photo_shown_with_its_alt_text(app, world, client):
    priority = make_priority(world.hebron, world.users["member4"])
    client.login("member4@sharaka.test")
    response = _send(client, priority, photo(gps=True), alt_text_ar="مدخل المركز المقترح", alt_text_en="The entrance")
    assert response.status_code == 302 and response.headers["Location"].endswith("#evidence")
    page = client.get(_url(priority) + "?lang=ar")
    html = page.get_data(as_text=True)
    assert 'alt="مدخل المركز المقترح"' in html and "/thumb" in html and "/web" in html
    assert 'alt="The entrance"' in client.get(_url(priority) + "?lang=en").get_data(as_text=True)


def test_served_photos_and_pdfs_carry_safe_headers(app, world, client):
    from budget_app.uploads.models import Attachment

    priority = make_priority(world.hebron, world.users["member4"])
    client.login("member4@sharaka.test")
    _send(client, priority, photo("PNG"), name="الموقع.png", alt_text_ar="الموقع")
    _send(client, priority, pdf(2), name="تقرير الزيارة.pdf")
    image, document = Attachment.query.order_by(Attachment.kind.desc()).all()
    for url, kind, disposition in ((f"/files/{image.id}/thumb", "image/png", "inline"),
                                   (f"/files/{image.id}/web", "image/png", "inline"),
                                   (f"/files/{document.id}/file", "application/pdf", "attachment")):
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == kind
        assert response.headers["Content-Disposition"].startswith(disposition)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert "no-cache" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    assert "filename*=UTF-8''" in client.get(f"/files/{document.id}/file").headers["Content-Disposition"]
    assert client.get(f"/files/{image.id}/file").status_code == 404  # a photo has no original
    assert client.get(f"/files/{document.id}/thumb").status_code == 404
    etag = client.get(f"/files/{image.id}/web").headers["ETag"]
    assert client.get(f"/files/{image.id}/web", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("data,name,fields,words", [
    (HTML, "photo.jpg", {"alt_text_ar": "وصف"}, "web-page code"),
    (SVG, "drawing.svg", {"alt_text_ar": "وصف"}, "web-page code"),
    (png_bomb(), "bomb.png", {"alt_text_ar": "وصف"}, "too large"),
    (pdf(31), "long.pdf", {}, "31 pages"),
    (photo() + pdf(), "both.jpg", {"alt_text_ar": "وصف"}, "two kinds of file at once"),
    (photo(), "photo.jpg", {}, "Describe the photo"),
])
def test_a_hostile_or_incomplete_upload_is_refused_with_a_message_and_nothing_stored(
        app, world, client, data, name, fields, words):
    priority = make_priority(world.hebron, world.users["member4"])
    client.login("member4@sharaka.test")
    response = client.get(_url(priority) + "?lang=en")
    response = _send(client, priority, data, name=name, **fields)
    assert response.status_code == 400
    assert words in page_text(response)
    assert _stored(app) == (0, [])


def test_the_refusal_reads_in_arabic(app, world, client):
    priority = make_priority(world.hebron, world.users["member4"])
    client.login("member4@sharaka.test")
    client.get("/?lang=ar")
    response = _send(client, priority, photo())
    assert response.status_code == 400 and "صف الصورة" in page_text(response)


def test_upload_needs_the_csrf_token(app, world, client):
    priority = make_priority(world.hebron, world.users["member4"])
    client.login("member4@sharaka.test")
    response = client.post(_url(priority, "evidence"), data={"evidence-file": (io.BytesIO(pdf()), "r.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert _stored(app) == (0, [])


def test_who_sees_and_who_changes_the_evidence(app, world, client):
    from budget_app.uploads.models import Attachment

    priority = make_priority(world.hebron, world.users["member4"])
    client.login("member4@sharaka.test")
    _send(client, priority, pdf(), name="r.pdf")
    attachment = Attachment.query.one()
    url = f"/files/{attachment.id}/file"
    client.logout()

    assert client.get(url).status_code == 302  # anonymous: log in first
    for email, status in (("member1@sharaka.test", 200), ("director@sharaka.test", 200),
                          ("outsider@sharaka.test", 404)):
        client.login(email)
        assert client.get(url).status_code == status, email
        client.logout()
    client.login("member1@sharaka.test")  # another member sees it but may not change it
    assert _send(client, priority, pdf(), name="r.pdf").status_code == 403
    delete = _url(priority, "evidence", attachment.id, "delete")
    assert client.post_form(delete).status_code == 403
    client.logout()
    client.login("coordinator@sharaka.test")
    assert client.post_form(delete).status_code == 302
    assert _stored(app) == (0, [])


def test_a_drafts_evidence_is_its_authors_alone(app, world, client):
    from budget_app.uploads.models import Attachment

    priority = make_priority(world.hebron, world.users["member4"], status="draft")
    client.login("member4@sharaka.test")
    assert _send(client, priority, pdf(), name="r.pdf").status_code == 302
    url = f"/files/{Attachment.query.one().id}/file"
    assert client.get(url).status_code == 200
    client.logout()
    client.login("member1@sharaka.test")
    assert client.get(url).status_code == 404


def test_an_attachment_of_another_priority_cannot_be_deleted_through_this_one(app, world, client):
    from budget_app.uploads.models import Attachment

    mine = make_priority(world.hebron, world.users["member4"])
    other = make_priority(world.hebron, world.users["member4"], title="أخرى")
    client.login("member4@sharaka.test")
    _send(client, other, pdf(), name="r.pdf")
    response = client.post_form(_url(mine, "evidence", Attachment.query.one().id, "delete"))
    assert response.status_code == 404 and Attachment.query.count() == 1
