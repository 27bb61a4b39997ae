"""Forms of priorities, comments and ranking rounds."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from budget_app.bounds import IntegerField
from priorities.labels import EVIDENCE_LABELS, METHOD_LABELS

MIN_YEAR, MAX_YEAR = 2000, 2100


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional_int(value):
    if value in (None, "", "0", "None"):
        return None
    return int(value)


class PriorityForm(FlaskForm):
    fiscal_year = IntegerField(_l("Fiscal year"), validators=[
        InputRequired(_l("Enter the fiscal year.")),
        NumberRange(MIN_YEAR, MAX_YEAR, message=_l("Enter a year between 2000 and 2100."))])
    title_ar = StringField(_l("Title (Arabic)"), validators=[DataRequired(_l("Enter the title in Arabic.")),
                                                            Length(max=250)])
    title_en = StringField(_l("Title (English, optional)"), validators=[Optional(), Length(max=250)])
    description_ar = TextAreaField(_l("Description of the need (Arabic)"), validators=[
        DataRequired(_l("Describe the need in Arabic.")), Length(max=10000)])
    description_en = TextAreaField(_l("Description (English, optional)"), validators=[Optional(), Length(max=10000)])
    sector_id = SelectField(_l("Sector"), coerce=_optional_int,
                            validators=[InputRequired(_l("Choose a sector."))])
    target_groups = MultiCheckboxField(_l("Target groups"), coerce=int)
    locality_id = SelectField(_l("Locality"), coerce=_optional_int, validators=[Optional()])
    estimated_beneficiaries = IntegerField(_l("Estimated number of beneficiaries"), validators=[
        Optional(), NumberRange(min=1, max=10_000_000, message=_l("Enter a whole number from 1 to 10,000,000."))],
        render_kw={"min": 1, "inputmode": "numeric"})
    evidence_type = SelectField(_l("Source of evidence"), choices=list(EVIDENCE_LABELS.items()))
    evidence_details = TextAreaField(_l("Evidence: what the source shows"), validators=[
        DataRequired(_l("Describe the evidence for this need.")), Length(max=5000)])
    evidence_meeting_id = SelectField(_l("Meeting (for a meeting recommendation)"), coerce=_optional_int,
                                      validators=[Optional()])
    proposing_organization = StringField(_l("Proposing organization"), validators=[
        DataRequired(_l("Enter the proposing organization.")), Length(max=200)])

    def validate_sector_id(self, field):
        if not field.data:
            raise ValidationError(_l("Choose a sector."))

    def validate_target_groups(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one target group."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        # Optional() ends the field's own chain on empty input, so the cross-field rule lives here.
        if self.evidence_type.data == "meeting_recommendation" and not self.evidence_meeting_id.data:
            self.evidence_meeting_id.errors = list(self.evidence_meeting_id.errors) + [
                _l("Choose the meeting whose recommendation this is.")]
            ok = False
        return ok


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(_l("Write a comment first.")), Length(max=5000)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to the author)"), validators=[
        DataRequired(_l("Give the reason for declining; the author will see it.")), Length(max=2000)])


class MergeForm(FlaskForm):
    target_id = SelectField(_l("Merge into"), coerce=_optional_int,
                            validators=[InputRequired(_l("Choose the priority to keep."))])

    def validate_target_id(self, field):
        if not field.data:
            raise ValidationError(_l("Choose the priority to keep."))


class RoundForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=250)])
    fiscal_year = IntegerField(_l("Fiscal year"), validators=[
        InputRequired(_l("Enter the fiscal year.")),
        NumberRange(MIN_YEAR, MAX_YEAR, message=_l("Enter a year between 2000 and 2100."))])
    method = SelectField(_l("Method"), choices=list(METHOD_LABELS.items()))
    points_budget = IntegerField(_l("Points per member (K)"), default=10, validators=[
        Optional(), NumberRange(1, 1000, message=_l("Enter a whole number from 1 to 1,000."))])
    top_n = IntegerField(_l("Number of ranked priorities (N)"), default=3, validators=[
        Optional(), NumberRange(1, 50, message=_l("Enter a whole number from 1 to 50."))])
    closes_at = DateTimeLocalField(_l("Closes at"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_l("Enter the closing date and time."))])
    results_visible_before_close = BooleanField(_l("Show results while the round is open"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.method.data == "points" and not self.points_budget.data and not self.points_budget.errors:
            self.points_budget.errors = list(self.points_budget.errors) + [
                _l("Enter the number of points each member distributes.")]
            ok = False
        if self.method.data == "ranking" and not self.top_n.data and not self.top_n.errors:
            self.top_n.errors = list(self.top_n.errors) + [_l("Enter how many priorities each member ranks.")]
            ok = False
        return ok
