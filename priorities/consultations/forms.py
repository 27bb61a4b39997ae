"""Forms of the consultations: the coordinator's new consultation and batch of codes, voiding,
a beneficiary's code, and a facilitator's paper answer. Ballot fields (``p-<priority id>``)
are read like a ranking round's."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from budget_app.bounds import IntegerField
from priorities.consultations.services import MAX_BATCH
from priorities.labels import METHOD_LABELS

MIN_YEAR, MAX_YEAR = 2000, 2100


class ConsultationForm(FlaskForm):
    question_ar = StringField(_l("Question (Arabic)"), validators=[DataRequired(_l("Enter the question.")),
                                                                  Length(max=300)])
    question_en = StringField(_l("Question (English)"), validators=[Optional(), Length(max=300)])
    round_id = SelectField(_l("Priorities asked about"), default="")
    fiscal_year = IntegerField(_l("Fiscal year of the shortlist"), validators=[
        InputRequired(_l("Enter the fiscal year.")),
        NumberRange(MIN_YEAR, MAX_YEAR, message=_l("Enter a year between 2000 and 2100."))])
    method = SelectField(_l("Method"), choices=list(METHOD_LABELS.items()))
    points_budget = IntegerField(_l("Points per beneficiary (K)"), default=10, validators=[
        Optional(), NumberRange(1, 1000, message=_l("Enter a whole number from 1 to 1,000."))])
    top_n = IntegerField(_l("Number of ranked priorities (N)"), default=3, validators=[
        Optional(), NumberRange(1, 50, message=_l("Enter a whole number from 1 to 50."))])
    opens_at = DateTimeLocalField(_l("Opens at"), format="%Y-%m-%dT%H:%M",
                                  validators=[InputRequired(_l("Enter the opening date and time."))])
    closes_at = DateTimeLocalField(_l("Closes at"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_l("Enter the closing date and time."))])
    codes_count = IntegerField(_l("Access codes to print"), default=50, validators=[
        InputRequired(_l("Enter how many codes to print.")),
        NumberRange(1, MAX_BATCH, message=_l("Enter a whole number from 1 to 10,000."))])
    locality_id = SelectField(_l("Limited to one locality (optional)"), default="")


class BatchForm(FlaskForm):
    size = IntegerField(_l("Access codes to print"), default=50, validators=[
        InputRequired(_l("Enter how many codes to print.")),
        NumberRange(1, MAX_BATCH, message=_l("Enter a whole number from 1 to 10,000."))])
    label = StringField(_l("Label (for example the forum's name)"), validators=[Optional(), Length(max=120)])


class VoidForm(FlaskForm):
    batch_id = SelectField(_l("Codes to cancel"), default="")


class CodeForm(FlaskForm):
    code = StringField(_l("Your access code"), validators=[DataRequired(_l("Enter the code on your card.")),
                                                             Length(max=40)])


class PaperForm(FlaskForm):
    code = StringField(_l("Access code on the card"), validators=[DataRequired(_l("Enter the code on the card.")),
                                                                  Length(max=40)])
    meeting_id = SelectField(_l("Forum meeting"), default="")


def choice_id(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else None


def ballot_values(priorities, formdata) -> tuple[dict, bool]:
    """({priority id: whole number or None}, whether something was not a whole number)."""
    values, bad = {}, False
    for p in priorities:
        raw = (formdata.get(f"p-{p.id}") or "").strip()[:12]
        if not raw:
            values[p.id] = None
        elif raw.isdigit():
            values[p.id] = int(raw)
        else:
            values[p.id], bad = raw, True
    return values, bad
