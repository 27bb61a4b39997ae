"""Forms of the citizen budget: execution, texts, publishing, feedback, moderation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from budget_app.cycles.forms import MoneyField
from citizen_budget.models import FEEDBACK_MAX_LENGTH, MILESTONE_STATUS_LABELS, TEXT_SECTIONS


class SpendingForm(FlaskForm):
    amount = MoneyField(_l("Amount"), validators=[InputRequired()])
    spent_on = DateField(_l("Date"), validators=[InputRequired()])
    quarter = SelectField(_l("Quarter"), choices=[("", _l("From the date")), ("1", "1"), ("2", "2"), ("3", "3"),
                                                  ("4", "4")], default="")
    funding_source_id = SelectField(_l("Funding source"), choices=[], default="")
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])
    justification = TextAreaField(_l("Justification (if the spending goes beyond the allocation)"),
                                  validators=[Optional(), Length(max=2000)])


class ProgressForm(FlaskForm):
    progress_pct = IntegerField(_l("Progress (percent)"), validators=[InputRequired(), NumberRange(0, 100)])


class MilestoneForm(FlaskForm):
    title_ar = StringField(_l("Title (Arabic)"), validators=[InputRequired(), Length(max=250)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=250)])
    status = SelectField(_l("Status"), choices=list(MILESTONE_STATUS_LABELS.items()), default="planned")
    due_on = DateField(_l("Due date"), validators=[Optional()])
    done_on = DateField(_l("Date done"), validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet file"), validators=[FileRequired(_l("Choose a file."))])


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
