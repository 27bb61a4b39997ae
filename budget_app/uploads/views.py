"""Serving a stored photo or document to whoever may see the object it belongs to."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, send_file
from flask_login import current_user

from budget_app.extensions import db
from budget_app.permissions import require_login
from budget_app.uploads import owners, storage
from budget_app.uploads.models import VARIANTS, Attachment

bp = Blueprint("files", __name__, url_prefix="/files")

# The file is never a page: no script, no style, no plugin, no form, not even same-origin
# (``sandbox``), should a browser still try to render it as HTML.
FILE_CSP = "default-src 'none'; sandbox"


def upload_limits() -> dict:
    """The limits as the upload form states them (a template global)."""
    config = current_app.config
    return {"mb": f"{config['UPLOAD_MAX_FILE_BYTES'] / (1024 * 1024):g}", "pages": config["UPLOAD_MAX_PDF_PAGES"],
            "per_object": config["UPLOAD_MAX_PER_OBJECT"]}


@bp.record_once
def _template_globals(state):
    state.app.jinja_env.globals["upload_limits"] = upload_limits


def may_view(attachment: Attachment, user) -> bool:
    """Whoever may see the object's attachments, or everyone once a feature published them."""
    owner = owners.owner(attachment.object_type)
    obj = owner.load(attachment.object_id)
    if obj is None or obj.council_id != attachment.council_id:
        return False
    if getattr(user, "is_authenticated", False) and owner.can_view(obj, user):
        return True
    return attachment.id in owners.published_ids([attachment])


@bp.route("/<int:attachment_id>/<variant>")
def attachment_file(attachment_id: int, variant: str):
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or variant not in VARIANTS.get(attachment.kind, ()):
        abort(404)
    if not may_view(attachment, current_user):
        require_login()  # anonymous: log in first; signed in and still not allowed: it does not exist
        abort(404)
    path = storage.path_of(attachment.filename(variant))
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.mime, as_attachment=not attachment.is_photo,
                         download_name=attachment.download_name(), conditional=True, etag=attachment.sha256
                         if variant in ("web", "file") else f"{attachment.sha256}-thumb", max_age=0)
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # Revalidated each time (the permission may change); unchanged files answer 304.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
