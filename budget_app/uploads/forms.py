"""The form that attaches a photo or a document (the same on every page that offers it)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional


class AttachmentForm(FlaskForm):
    file = FileField(_l("Photo (JPEG, PNG, WebP) or PDF document"), validators=[FileRequired(_l("Choose a file."))],
                     # a convenience for the file picker only: the server judges the content
                     render_kw={"accept": "image/jpeg,image/png,image/webp,application/pdf"})
    alt_text_ar = StringField(_l("Description of the photo, in Arabic"), validators=[Optional(), Length(max=300)])
    alt_text_en = StringField(_l("Description of the photo, in English"), validators=[Optional(), Length(max=300)])
