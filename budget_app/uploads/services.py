"""Attaching photos and documents to an object, and removing them.

A view loads the object, checks ``AttachmentOwner.can_attach`` and calls :func:`attach` or
:func:`remove`. Everything is checked before anything is written; a refused file leaves nothing
behind (no file on disk, no row), and a later rollback of the request removes the files too
(``budget_app.uploads.storage``).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from budget_app import audit
from budget_app.extensions import db
from budget_app.uploads import checks, storage
from budget_app.uploads.checks import UploadRefused
from budget_app.uploads.models import Attachment

ALT_TEXT_MAX = 300
NAME_MAX = 120

audit.words({
    "attachment.add": (_l("File attached"), _l("%(who)s attached “%(file)s” to %(what)s")),
    "attachment.delete": (_l("File removed"), _l("%(who)s removed “%(file)s” from %(what)s")),
}, details={
    "attachment": (_l("File"), "code"),
    "file": (_l("File name"), None),
    "kind": (_l("Kind"), {"photo": _l("Photo"), "document": _l("Document")}),
    "sha256": (_l("SHA-256"), "code"),
    "size": (_l("Size in bytes"), None),
})


def limits() -> checks.Limits:
    config = current_app.config
    return checks.Limits(max_bytes=config["UPLOAD_MAX_FILE_BYTES"], max_pixels=config["UPLOAD_MAX_PIXELS"],
                         max_side=config["UPLOAD_MAX_SIDE"], max_pdf_pages=config["UPLOAD_MAX_PDF_PAGES"])


# Characters that could hide or reorder an extension or a path: separators, controls, and the
# bidirectional controls that make "photo‮gpj.exe" read as "photoexe.jpg".
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def sanitize_name(name: str | None) -> str:
    """The uploader's file name, safe to show and to offer as a download name."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".")
    name = re.sub(r"\s+", " ", name)
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:NAME_MAX - len(ext) - 1] + dot + ext) if dot and len(ext) <= 5 else name[:NAME_MAX]
    return name or "file"


def attach(owner, obj, *, data: bytes, filename: str | None, user, alt_text_ar: str = "",
           alt_text_en: str = "") -> Attachment:
    """Check ``data`` and store it as an attachment of ``obj`` (an object of ``owner``'s type).

    Refuses (``UploadRefused``, nothing stored) a file that is not a clean JPEG, PNG, WebP or
    PDF within the limits, a photo without alt text, and a file beyond the number allowed per
    object."""
    alt_ar, alt_en = (alt_text_ar or "").strip(), (alt_text_en or "").strip()
    if len(alt_ar) > ALT_TEXT_MAX or len(alt_en) > ALT_TEXT_MAX:
        raise UploadRefused(_l("Keep the description under %(n)s characters.", n=ALT_TEXT_MAX))
    most = current_app.config["UPLOAD_MAX_PER_OBJECT"]
    count = db.session.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.object_type == owner.object_type, Attachment.object_id == obj.id))
    if count >= most:
        raise UploadRefused(lazy_ngettext("This already has %(num)s file, the most allowed. Remove one first.",
                                          "This already has %(num)s files, the most allowed. Remove one first.",
                                          most))
    sniffed = checks.sniff(data or b"")
    if sniffed in checks.IMAGE_FORMATS and not (alt_ar or alt_en):
        raise DescribeRefused()
    checked = checks.check(data or b"", limits())
    if checked.kind not in owner.kinds:
        raise UploadRefused(_l("Only photos (JPEG, PNG or WebP) can be attached here.")
                            if checked.kind == checks.DOCUMENT else _l("Only PDF documents can be attached here."))
    row = Attachment(council_id=obj.council_id, object_type=owner.object_type, object_id=obj.id, kind=checked.kind,
                     original_name=sanitize_name(filename), mime=checked.mime, storage_key=storage.new_key(),
                     extension=checked.extension, size=len(checked.main),
                     sha256=hashlib.sha256(checked.main).hexdigest(), upload_size=len(data),
                     width=checked.width, height=checked.height, pages=checked.pages,
                     alt_text_ar=alt_ar, alt_text_en=alt_en, uploaded_by_id=getattr(user, "id", None))
    session = db.session()
    if checked.kind == checks.PHOTO:
        storage.write(session, row.filename("web"), checked.main)
        storage.write(session, row.filename("thumb"), checked.thumb)
    else:
        storage.write(session, row.filename("file"), checked.main)
    db.session.add(row)
    db.session.flush()
    audit.record("attachment.add", obj, council_id=obj.council_id, actor=user, attachment=row.id,
                 file=row.original_name, kind=row.kind, sha256=row.sha256, size=row.size)
    return row


class DescribeRefused(UploadRefused):
    """A photo without alt text (its message goes on the Arabic description field)."""

    def __init__(self):
        super().__init__(_l("Describe the photo in a few words, in Arabic or English, for people who cannot see it "
                            "(alt text)."))
        self.field = "alt_text_ar"


def remove(owner, obj, attachment: Attachment, user) -> None:
    """Delete an attachment of ``obj``; its files go once the deletion is committed."""
    if attachment.object_type != owner.object_type or attachment.object_id != obj.id:
        raise ValueError("the attachment belongs to another object")
    storage.delete_on_commit(db.session(), attachment.filenames())
    audit.record("attachment.delete", obj, council_id=obj.council_id, actor=user, attachment=attachment.id,
                 file=attachment.original_name, kind=attachment.kind, sha256=attachment.sha256)
    db.session.delete(attachment)
    db.session.flush()


def attachments_of(object_type: str, ids) -> dict[int, list[Attachment]]:
    """The attachments of each object (photos first, then documents, oldest first), in one query."""
    ids = list(ids)
    out: dict[int, list[Attachment]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = Attachment.query.filter(Attachment.object_type == object_type, Attachment.object_id.in_(ids)).order_by(
        Attachment.kind.desc(), Attachment.created_at, Attachment.id)
    for row in rows:
        out[row.object_id].append(row)
    return out


def snapshot_entry(attachment: Attachment) -> dict:
    """An attachment as plain data, for a published snapshot (which then makes it public)."""
    return {"attachment_id": attachment.id, "kind": attachment.kind, "name": attachment.original_name,
            "alt_ar": attachment.alt_text_ar, "alt_en": attachment.alt_text_en, "width": attachment.width,
            "height": attachment.height, "pages": attachment.pages, "size": attachment.size,
            "sha256": attachment.sha256}


def remove_all(object_type: str, object_id: int) -> None:
    """Delete every attachment of an object that is being deleted (files go on commit)."""
    rows = Attachment.query.filter_by(object_type=object_type, object_id=object_id).all()
    for row in rows:
        storage.delete_on_commit(db.session(), row.filenames())
        db.session.delete(row)
