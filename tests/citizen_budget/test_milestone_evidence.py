"""Photos and documents of milestones: the director attaches them, the citizen budget shows them
once a version is published, and only then may the public open them."""
from __future__ import annotations

import io
import sys
from pathlib import Path

from helpers import page_text
from upload_files import HTML, pdf, photo

sys.path.insert(0, str(Path(__file__).parent))
from cb_testlib import approved_cycle, funded  # noqa: E402


def _milestone(world):
    from budget_app.cycles.execution import services
    from budget_app.extensions import db

    cycle = approved_cycle(world, year=2026)
    proposal = funded(cycle, "P01")
    m = services.save_milestone(cycle, proposal, None, title_ar="افتتاح المركز", title_en="Centre opens",
                                status="done")
    db.session.commit()
    return cycle, proposal, m


def _url(cycle, proposal, m, *rest):
    return f"/councils/hebron/cycles/{cycle.id}/execution/{proposal.id}/milestones/{m.id}/evidence" + "".join(
        f"/{r}" for r in rest)


def _send(client, url, data, name, **fields):
    prefix = url.split("/milestones/")[1].split("/")[0]
    form = {f"m{prefix}-file": (io.BytesIO(data), name), "csrf_token": client.csrf_token()}
    form.update({f"m{prefix}-{k}": v for k, v in fields.items()})
    return client.post(url, data=form, content_type="multipart/form-data")


def test_director_attaches_photos_and_documents_to_a_milestone(app, world, client):
    from budget_app.audit import AuditLog
    from budget_app.uploads.models import Attachment

    cycle, proposal, m = _milestone(world)
    client.login("director@sharaka.test")
    url = _url(cycle, proposal, m)
    response = _send(client, url, photo("WEBP"), "opening.webp", alt_text_ar="قص شريط الافتتاح")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#milestone-{m.id}")
    assert _send(client, url, pdf(4), "minutes.pdf").status_code == 302
    page = client.get(f"/councils/hebron/cycles/{cycle.id}/execution/{proposal.id}?lang=ar")
    assert 'alt="قص شريط الافتتاح"' in page.get_data(as_text=True) and "minutes.pdf" in page_text(page)
    assert {a.kind for a in Attachment.query.filter_by(object_type="execution_milestone", object_id=m.id)} == {
        "photo", "document"}
    assert AuditLog.query.filter_by(action="attachment.add", object_type="execution_milestone").count() == 2

    refused = _send(client, url, HTML, "photo.jpg", alt_text_ar="وصف")
    assert refused.status_code == 400 and "شيفرة صفحة ويب" in page_text(refused)
    assert Attachment.query.count() == 2

    client.logout()
    client.login("member4@sharaka.test")  # a member reads the council's files but may not attach
    assert _send(client, url, pdf(1), "x.pdf").status_code == 403
    photo_row = Attachment.query.filter_by(kind="photo").one()
    assert client.get(f"/files/{photo_row.id}/web").status_code == 200


def test_deleting_a_milestone_removes_its_files(app, world, client):
    from budget_app.uploads.models import Attachment

    cycle, proposal, m = _milestone(world)
    client.login("director@sharaka.test")
    _send(client, _url(cycle, proposal, m), pdf(1), "x.pdf")
    root = Path(app.config["UPLOAD_DIR"])
    assert len([p for p in root.rglob("*") if p.is_file()]) == 1
    response = client.post_form(f"/councils/hebron/cycles/{cycle.id}/execution/{proposal.id}/milestones/{m.id}/delete")
    assert response.status_code == 302
    assert Attachment.query.count() == 0 and [p for p in root.rglob("*") if p.is_file()] == []


def test_a_milestone_photo_is_public_once_a_published_version_shows_it(app, world, client):
    from budget_app.extensions import db
    from budget_app.uploads.models import Attachment
    from citizen_budget import services

    cycle, proposal, m = _milestone(world)
    client.login("director@sharaka.test")
    _send(client, _url(cycle, proposal, m), photo("JPEG", gps=True), "opening.jpg", alt_text_ar="قص شريط الافتتاح",
          alt_text_en="Cutting the ribbon")
    client.logout()
    row = Attachment.query.one()
    web, thumb = f"/files/{row.id}/web", f"/files/{row.id}/thumb"
    assert client.get(web).status_code == 302  # not published yet: anonymous visitors must log in

    services.publish_version(world.hebron, 2026)
    db.session.commit()
    for url in (web, thumb):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert b"Exif" not in response.data
    page = client.get("/citizen-budget/hebron/2026/?lang=en")
    html = page.get_data(as_text=True)
    assert f'src="{thumb}"' in html and 'alt="Cutting the ribbon"' in html and f'href="{web}"' in html

    record = client.get(f"/citizen-budget/hebron/2026/allocations/{proposal.code}/?lang=en")
    assert record.status_code == 200
    assert f'src="{thumb}"' in record.get_data(as_text=True) and "Milestone: Centre opens" in page_text(record)

    # A photo added after publication stays with the council until the next version.
    client.login("director@sharaka.test")
    _send(client, _url(cycle, proposal, m), photo("PNG"), "later.png", alt_text_ar="لاحقًا")
    client.logout()
    later = Attachment.query.filter_by(original_name="later.png").one()
    assert client.get(f"/files/{later.id}/web").status_code == 302
    client.login("outsider@sharaka.test")  # another council's member: neither published nor theirs
    assert client.get(f"/files/{later.id}/web").status_code == 404
    assert client.get(web).status_code == 200


def test_published_ids_are_read_from_the_snapshot(app):
    from citizen_budget.evidence import named_in

    snapshot = {"allocations": [{"milestones": [{"attachments": [{"attachment_id": 3}, {"attachment_id": 7}]}]},
                                {"evidence": [{"attachment_id": 9, "kind": "photo"}], "attachment_id": "x"}]}
    assert named_in(snapshot) == {3, 7, 9}
