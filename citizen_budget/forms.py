"""Forms of the citizen budget: texts, publishing, feedback, moderation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from citizen_budget.models import FEEDBACK_MAX_LENGTH, TEXT_SECTIONS


def texts_form_class():
    """A form with an Arabic and an English Markdown field for every section of TEXT_SECTIONS."""

    class TextsForm(FlaskForm):
        pass

    for key, label in TEXT_SECTIONS:
        setattr(TextsForm, f"{key}_ar", TextAreaField(_l("%(section)s — Arabic", section=label),
                                                      validators=[Optional(), Length(max=20000)]))
        setattr(TextsForm, f"{key}_en", TextAreaField(_l("%(section)s — English", section=label),
                                                      validators=[Optional(), Length(max=20000)]))
    return TextsForm


class PublishForm(FlaskForm):
    note = StringField(_l("What is new in this version (optional)"), validators=[Optional(), Length(max=250)])


class FeedbackForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[InputRequired(), Length(min=5, max=FEEDBACK_MAX_LENGTH)])
    contact = StringField(_l("Phone or email, if you want an answer (never published)"),
                          validators=[Optional(), Length(max=200)])
    # Left empty by people; filled by form-filling robots.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), Length(max=0)])


class ModerateForm(FlaskForm):
    action = HiddenField(validators=[InputRequired()])
