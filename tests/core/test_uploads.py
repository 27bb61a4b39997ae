"""The upload service: files judged by their content, hostile ones refused with nothing stored,
photos re-encoded without their EXIF, the files kept in step with the transaction, and backed up."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from flask_babel import force_locale

from upload_files import GPS_IFD, HTML, SVG, pdf, photo, png_bomb, zip_bytes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "priorities"))
from priority_factories import make_priority  # noqa: E402


def refusal(data: bytes, **limits) -> str:
    from budget_app.uploads import checks

    with pytest.raises(checks.UploadRefused) as caught, force_locale("en"):
        checks.check(data, checks.Limits(**limits))
    with force_locale("en"):
        return str(caught.value)


# What a file is ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt,mime", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_photos_are_reencoded_in_their_format_with_a_thumbnail(app, fmt, mime):
    from PIL import Image

    from budget_app.uploads import checks

    checked = checks.check(photo(fmt, (2400, 1800)))
    assert (checked.kind, checked.mime) == ("photo", mime)
    web, thumb = Image.open(io.BytesIO(checked.main)), Image.open(io.BytesIO(checked.thumb))
    assert web.format == thumb.format == fmt
    assert web.size == (1600, 1200) == (checked.width, checked.height)
    assert thumb.size == (320, 240)


def test_gps_and_camera_exif_are_stripped(app):
    from PIL import Image

    from budget_app.uploads import checks

    original = photo("JPEG", gps=True, comment=b"taken at home")
    exif = Image.open(io.BytesIO(original)).getexif()
    assert exif.get_ifd(GPS_IFD) and b"SecretPhoneMaker" in original  # the test file does hold them
    checked = checks.check(original)
    for stored in (checked.main, checked.thumb):
        image = Image.open(io.BytesIO(stored))
        assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
        assert b"Exif" not in stored and b"SecretPhoneMaker" not in stored and b"taken at home" not in stored
        assert "exif" not in image.info and "comment" not in image.info


def test_a_decompression_bomb_is_refused_from_its_header(app):
    bomb = png_bomb(100_000, 100_000)
    assert len(bomb) < 1000
    assert "100000 × 100000 pixels" in refusal(bomb)
    assert "too large" in refusal(png_bomb(20_000, 10))  # one side too long
    assert "too large" in refusal(photo("PNG", (1000, 1000)), max_pixels=500_000)


def test_pillow_refuses_a_bomb_past_our_own_check_too(app):
    from PIL import Image

    assert Image.MAX_IMAGE_PIXELS == 40_000_000  # the second net is set to the same limit


@pytest.mark.parametrize("name,data", [
    ("svg", SVG),
    ("html renamed .jpg", HTML),
    ("html behind whitespace", b"\n\n  " + HTML),
    ("jpeg magic then html", b"\xff\xd8\xff\xe0" + HTML),
    ("png then a script", photo("PNG") + b"<script>alert(1)</script>"),
])
def test_web_page_code_is_refused(app, name, data):
    assert "web-page code" in refusal(data)


@pytest.mark.parametrize("name,data", [
    ("jpeg + zip (a GIFAR/JAR)", lambda: photo("JPEG") + zip_bytes()),
    ("jpeg + pdf", lambda: photo("JPEG") + pdf()),
    ("pdf header in a jpeg comment", lambda: photo("JPEG", comment=b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF")),
    ("png + bytes after IEND", lambda: photo("PNG") + b"\x01hidden payload"),
    ("webp + bytes after its RIFF length", lambda: photo("WEBP") + b"hidden payload"),
    ("pdf + zip", lambda: pdf() + zip_bytes()),
    ("pdf + jpeg after %%EOF", lambda: pdf() + photo("JPEG")),
])
def test_polyglots_are_refused(app, name, data):
    assert "two kinds of file at once" in refusal(data())


@pytest.mark.parametrize("data,words", [
    (b"", "empty"),
    (b"MZ\x90\x00 a program", "not accepted"),
    (b"GIF89a\x01\x00\x01\x00", "not accepted"),
    (lambda: photo("JPEG")[:2000], "damaged"),
    (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged"),
    (lambda: photo("JPEG", (300, 300)) * 1, None),
])
def test_other_files_are_refused_and_a_clean_one_passes(app, data, words):
    from budget_app.uploads import checks

    data = data() if callable(data) else data
    if words is None:
        assert checks.check(data).kind == "photo"
    else:
        assert words in refusal(data)


def test_size_limit(app):
    assert "larger than 0.1 MB" in refusal(b"\xff\xd8\xff" + b"\x00" * 110_000, max_bytes=104_858)
    assert "larger than 4 MB" in refusal(b"%PDF-" + b"\x00" * (4 * 1024 * 1024))


def test_pdfs_page_cap_password_and_scripts(app):
    from budget_app.uploads import checks

    assert checks.check(pdf(30)).pages == 30
    assert "31 pages; at most 30" in refusal(pdf(31))
    assert "3 pages; at most 2" in refusal(pdf(3), max_pdf_pages=2)
    assert "Password-protected" in refusal(pdf(1, password="secret"))
    assert "scripts, embedded files" in refusal(pdf(1, javascript=True))
    assert "damaged" in refusal(b"%PDF-1.4\nnot really a pdf\n%%EOF")


def test_file_names_are_sanitized(app):
    from budget_app.uploads.services import sanitize_name

    assert sanitize_name("../../etc/passwd") == "passwd"
    assert sanitize_name("C:\\Users\\x\\صورة الموقع.jpg") == "صورة الموقع.jpg"
    assert sanitize_name("photo\u202egpj.exe") == "photogpj.exe"  # no right-to-left override
    assert sanitize_name('<img src=x onerror="a">.png') == "img src=x onerror=a.png"
    assert sanitize_name("...") == "file" and sanitize_name(None) == "file"
    assert len(sanitize_name("a" * 500 + ".jpeg")) == 120 and sanitize_name("a" * 500 + ".jpeg").endswith(".jpeg")


# The service: rows, files and the transaction ----------------------------------------------

def _files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _owner():
    from priorities.evidence import OWNER
    return OWNER


def test_attach_stores_two_files_and_a_row_with_an_audit_entry(app, world):
    import hashlib

    from budget_app.audit import AuditLog
    from budget_app.extensions import db
    from budget_app.uploads import services
    from budget_app.uploads.models import Attachment

    priority = make_priority(world.hebron, world.users["member4"])
    row = services.attach(_owner(), priority, data=photo("JPEG", gps=True), filename="../site visit.JPG",
                          user=world.users["member4"], alt_text_ar="  مدخل المركز  ")
    db.session.commit()
    row = db.session.get(Attachment, row.id)
    assert (row.kind, row.mime, row.original_name, row.alt_text_ar) == ("photo", "image/jpeg", "site visit.JPG",
                                                                        "مدخل المركز")
    assert row.council_id == world.hebron.id and row.uploaded_by_id == world.users["member4"].id
    files = _files(app)
    assert [p.name for p in files] == sorted(Path(n).name for n in row.filenames())
    assert str(app.config["UPLOAD_DIR"]).startswith(app.instance_path)  # outside the web root, under instance/
    web = Path(app.config["UPLOAD_DIR"]) / row.filename("web")
    assert hashlib.sha256(web.read_bytes()).hexdigest() == row.sha256 and web.stat().st_size == row.size
    assert "site visit" not in "".join(str(p) for p in files)  # stored under random names
    entry = AuditLog.query.filter_by(action="attachment.add").one()
    assert entry.object_type == "priority" and entry.details_dict["attachment"] == row.id


@pytest.mark.parametrize("data,alt", [(HTML, "وصف"), (SVG, "وصف"), (png_bomb(), "وصف"), (pdf(31), ""),
                                      (photo("JPEG") + zip_bytes(), "وصف"), (photo("JPEG"), "")])
def test_a_refused_file_leaves_nothing_behind(app, world, data, alt):
    from budget_app.extensions import db
    from budget_app.uploads import services
    from budget_app.uploads.checks import UploadRefused
    from budget_app.uploads.models import Attachment

    priority = make_priority(world.hebron, world.users["member4"])
    with pytest.raises(UploadRefused):
        services.attach(_owner(), priority, data=data, filename="photo.jpg", user=world.users["member4"],
                        alt_text_ar=alt)
    db.session.commit()
    assert Attachment.query.count() == 0 and _files(app) == []


def test_a_photo_needs_alt_text_in_one_language(app, world):
    from budget_app.uploads import services
    from budget_app.uploads.services import DescribeRefused

    priority = make_priority(world.hebron, world.users["member4"])
    with pytest.raises(DescribeRefused) as caught:
        services.attach(_owner(), priority, data=photo(), filename="a.jpg", user=None, alt_text_ar=" ")
    assert caught.value.field == "alt_text_ar"
    with force_locale("ar"):
        assert "صف الصورة" in str(caught.value)
    assert services.attach(_owner(), priority, data=photo(), filename="a.jpg", user=None, alt_text_en="The entrance")
    assert services.attach(_owner(), priority, data=pdf(), filename="report.pdf", user=None)  # documents need none


def test_a_rolled_back_attach_removes_its_files(app, world):
    from budget_app.extensions import db
    from budget_app.uploads import services

    priority = make_priority(world.hebron, world.users["member4"])
    services.attach(_owner(), priority, data=photo(), filename="a.jpg", user=None, alt_text_ar="وصف")
    assert len(_files(app)) == 2
    db.session.rollback()
    assert _files(app) == []


def test_remove_deletes_the_files_only_once_committed(app, world):
    from budget_app.audit import AuditLog
    from budget_app.extensions import db
    from budget_app.uploads import services
    from budget_app.uploads.models import Attachment

    priority = make_priority(world.hebron, world.users["member4"])
    row = services.attach(_owner(), priority, data=pdf(), filename="report.pdf", user=None)
    db.session.commit()
    services.remove(_owner(), priority, db.session.get(Attachment, row.id), None)
    db.session.rollback()
    assert len(_files(app)) == 1 and Attachment.query.count() == 1
    services.remove(_owner(), priority, db.session.get(Attachment, row.id), None)
    db.session.commit()
    assert _files(app) == [] and Attachment.query.count() == 0
    assert AuditLog.query.filter_by(action="attachment.delete").count() == 1


def test_number_of_files_per_object_is_limited(app, world):
    from budget_app.extensions import db
    from budget_app.uploads import services
    from budget_app.uploads.checks import UploadRefused

    app.config["UPLOAD_MAX_PER_OBJECT"] = 2
    priority = make_priority(world.hebron, world.users["member4"])
    for _ in range(2):
        services.attach(_owner(), priority, data=pdf(), filename="r.pdf", user=None)
    db.session.commit()
    with pytest.raises(UploadRefused) as caught, force_locale("en"):
        services.attach(_owner(), priority, data=pdf(), filename="r.pdf", user=None)
    with force_locale("en"):
        assert "already has 2 files" in str(caught.value)


def test_storage_folder_comes_from_the_environment(tmp_path, monkeypatch):
    from budget_app.config import build_config

    assert build_config(str(tmp_path))["UPLOAD_DIR"] == str(tmp_path / "uploads")
    monkeypatch.setenv("UPLOAD_DIR", "/srv/sharaka-files")
    assert build_config(str(tmp_path))["UPLOAD_DIR"] == "/srv/sharaka-files"


# Backup and restore ------------------------------------------------------------------------

def test_backup_and_restore_keep_the_files(app, world, runner, tmp_path):
    import shutil

    from budget_app.backup import files_archive, integrity_report
    from budget_app.extensions import db
    from budget_app.uploads import services
    from budget_app.uploads.models import Attachment

    priority = make_priority(world.hebron, world.users["member4"])
    services.attach(_owner(), priority, data=photo("PNG"), filename="a.png", user=None, alt_text_ar="وصف")
    services.attach(_owner(), priority, data=pdf(3), filename="report.pdf", user=None)
    db.session.commit()
    before_files = {p.relative_to(app.config["UPLOAD_DIR"]): p.read_bytes() for p in _files(app)}
    before = integrity_report()
    assert before["files"] == [] and before["tables"]["attachment"] == 2

    path = tmp_path / "sharaka.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert files_archive(path).exists() and "Uploaded files: 3" in result.output

    # Destroy: the folder and the rows.
    shutil.rmtree(app.config["UPLOAD_DIR"])
    Attachment.query.delete()
    db.session.commit()
    assert integrity_report()["tables"]["attachment"] == 0

    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Uploaded files restored: 3" in result.output
    assert {p.relative_to(app.config["UPLOAD_DIR"]): p.read_bytes() for p in _files(app)} == before_files
    assert integrity_report() == before


def test_restore_reports_a_missing_file_and_refuses_a_hostile_archive(app, world, runner, tmp_path):
    import tarfile

    from budget_app.backup import files_archive
    from budget_app.extensions import db
    from budget_app.uploads import services

    priority = make_priority(world.hebron, world.users["member4"])
    services.attach(_owner(), priority, data=pdf(), filename="report.pdf", user=None)
    db.session.commit()
    path = tmp_path / "sharaka.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0

    with tarfile.open(files_archive(path), "w") as tar:  # an archive that would write outside the folder
        info = tarfile.TarInfo("../../escape.pdf")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0 and "unexpected entry" in result.output
    assert not (Path(app.config["UPLOAD_DIR"]).parent.parent / "escape.pdf").exists()

    with tarfile.open(files_archive(path), "w"):
        pass  # an archive without the file the database names
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0 and "missing" in result.output
