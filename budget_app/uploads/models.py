"""One row per stored photo or document: what it is, whose, and where its bytes are.

The bytes are on disk (``budget_app.uploads.storage``) under a random name; the row holds the
name the uploader gave it (sanitized, for display and downloads only), what the content turned
out to be, and the object it belongs to (``object_type`` + ``object_id``: a priority, a
milestone, ... — the features say which, see ``budget_app.uploads.owners``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.extensions import db
from budget_app.i18n import localized
from budget_app.uploads.checks import THUMB_SIZE
from budget_app.utils import utcnow

VARIANTS = {"photo": ("web", "thumb"), "document": ("file",)}


class Attachment(db.Model):
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # "photo" or "document"
    original_name: Mapped[str] = mapped_column(String(120))
    mime: Mapped[str] = mapped_column(String(40))
    # The random name on disk, without the variant's suffix: "3f/3f9a…" -> "3f/3f9a…-web.jpg".
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    extension: Mapped[str] = mapped_column(String(5))
    size: Mapped[int] = mapped_column(Integer)  # bytes of the stored file (the web size of a photo)
    sha256: Mapped[str] = mapped_column(String(64))  # of the stored file, as it is served
    upload_size: Mapped[int] = mapped_column(Integer)  # bytes the uploader sent
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    alt_text_ar: Mapped[str] = mapped_column(String(300), default="")
    alt_text_en: Mapped[str] = mapped_column(String(300), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    uploaded_by = relationship("User")

    @property
    def alt_text(self) -> str:
        return localized(self, "alt_text")

    @property
    def thumb_size(self) -> tuple[int, int] | None:
        """The thumbnail's size as Pillow made it (longest side THUMB_SIZE at most), for the page's layout."""
        if not (self.width and self.height):
            return None
        scale = min(1.0, THUMB_SIZE / max(self.width, self.height))
        return max(1, round(self.width * scale)), max(1, round(self.height * scale))

    @property
    def is_photo(self) -> bool:
        return self.kind == "photo"

    def filename(self, variant: str) -> str:
        """The file on disk (relative to the upload folder) of one variant."""
        if variant not in VARIANTS.get(self.kind, ()):
            raise KeyError(variant)
        suffix = "" if variant == "file" else f"-{variant}"
        return f"{self.storage_key}{suffix}.{self.extension}"

    def filenames(self) -> list[str]:
        return [self.filename(v) for v in VARIANTS[self.kind]]

    def download_name(self) -> str:
        """The uploader's name with the extension of what the file really is."""
        stem = self.original_name.rsplit(".", 1)[0] if "." in self.original_name else self.original_name
        return f"{stem or 'file'}.{self.extension}"

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.kind} of {self.object_type} {self.object_id}>"
