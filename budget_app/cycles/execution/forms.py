"""Forms of the execution pages: spending, progress, milestones, the spending import."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from budget_app.bounds import IntegerField
from budget_app.cycles.execution.models import MILESTONE_STATUS_LABELS
from budget_app.cycles.forms import MoneyField


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
