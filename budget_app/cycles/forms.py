"""Forms of budget cycles: the cycle, proposals, imports, ballots, override and approval."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, Field, RadioField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from budget_app.bounds import MAX_AMOUNT_MINOR, IntegerField
from budget_app.cycles.codes import normalize_budget_line_code
from budget_app.cycles.methods import METHODS
from budget_app.cycles.models import APPROVAL_CHOICE_LABELS, REVIEW_OUTCOME_LABELS, RULE_LABELS
from budget_app.i18n import ARABIC_DIGITS

CURRENCIES = ("ILS", "USD", "JOD", "EUR")


def parse_amount(text) -> int | None:
    """'120,000', '120000.50', '١٢٠٬٠٠٠' or '120 000' → minor units; None if blank. Raises ValueError."""
    if text is None:
        return None
    s = str(text).strip().translate(ARABIC_DIGITS).replace("٬", ",").replace("٫", ".").replace("\u00a0", "")
    s = s.replace(" ", "").replace("₪", "")
    for code in CURRENCIES:
        s = s.replace(code, "")
    if not s:
        return None
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?", s):
        raise ValueError("not a number")
    if len(s.split(".")[0]) > 15:  # before Decimal: a 10,000-digit string is refused cheaply
        raise AmountTooLarge("too large")
    value = Decimal(s)
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("too many decimals")
    minor = int(value * 100)
    if minor > MAX_AMOUNT_MINOR:
        raise AmountTooLarge("too large")
    return minor


class AmountTooLarge(ValueError):
    """An amount beyond what the platform stores (see budget_app.bounds.MAX_AMOUNT_MINOR)."""


class MoneyField(Field):
    """An amount typed as people type it (thousands separators, Arabic-Indic digits); ``data`` in minor units."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        value = Decimal(self.data) / 100
        return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value)}"

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            try:
                self.data = parse_amount(valuelist[0])
            except AmountTooLarge:
                raise ValueError(_l("This amount is too large."))
            except (ValueError, InvalidOperation):
                self.data = None
                raise ValueError(_l("Enter an amount such as 120000 or 120000.50."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def positive(form, field):
    if field.data is not None and field.data <= 0:
        raise ValidationError(_l("The amount must be more than zero."))


def not_negative(form, field):
    if field.data is not None and field.data < 0:
        raise ValidationError(_l("The amount cannot be negative."))


class CycleForm(FlaskForm):
    fiscal_year = IntegerField(_l("Fiscal year"), validators=[DataRequired(_l("Give the fiscal year.")),
                                                              NumberRange(2000, 2100)])
    title_ar = StringField(_l("Title (Arabic)"), validators=[DataRequired(_l("Give a title in Arabic.")),
                                                             Length(max=250)])
    title_en = StringField(_l("Title (English, optional)"), validators=[Optional(), Length(max=250)])
    description_ar = TextAreaField(_l("Description (Arabic)"), validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=5000)])
    envelope = MoneyField(_l("Envelope"), validators=[InputRequired(_l("Give the envelope.")), positive])
    currency = SelectField(_l("Currency"), choices=[(c, c) for c in CURRENCIES], default="ILS")
    ballot_method = RadioField(_l("Voting method"), choices=[(m.key, m.label) for m in METHODS.values()],
                               default="approval")
    max_choices = IntegerField(_l("At most N choices (approval) / top N (ranked)"),
                               validators=[Optional(), NumberRange(1, 500)])
    points_total = IntegerField(_l("Points per voter (cumulative)"), validators=[Optional(), NumberRange(1, 10000)])
    min_spend_pct = IntegerField(_l("Minimum share of the envelope to spend, % (cost-limited)"),
                                 validators=[Optional(), NumberRange(0, 100)])
    tally_rule = SelectField(_l("Tally rule"), choices=[(r, label) for r, label in RULE_LABELS.items()],
                             default="greedy")
    mes_completion = BooleanField(_l("Complete the Method of Equal Shares with greedy (spends what is left)"),
                                  default=True)
    approval_quorum_pct = IntegerField(_l("Quorum for the council's approval, % of members"), default=50,
                                       validators=[DataRequired(), NumberRange(1, 100)])

    def validate(self, extra_validators=None):
        # Here rather than validate_<field>: Optional() stops the chain before inline validators run.
        ok = super().validate(extra_validators)
        method = METHODS.get(self.ballot_method.data or "")
        for name, message in (method.form_errors(self) if method else {}).items():
            field = getattr(self, name)
            field.errors = list(field.errors) + [message]
            ok = False
        return ok


def funding_fields(form, sources, prefix="funding_"):
    """The per-source amount fields of a form, as ``[(source, field)]``."""
    return [(s, getattr(form, f"{prefix}{s.id}")) for s in sources]


def with_funding(form_class, sources, prefix="funding_"):
    """A subclass of ``form_class`` with one amount field per funding source."""
    attrs = {f"{prefix}{s.id}": MoneyField(s.name, validators=[Optional(), not_negative]) for s in sources}
    return type(form_class.__name__, (form_class,), attrs)


def budget_line_code(form, field):
    """Refuse a code outside the documented character set (see ``budget_app.cycles.codes``)."""
    try:
        field.data = normalize_budget_line_code(field.data)
    except ValueError as exc:
        raise ValidationError(str(exc))


class ProposalForm(FlaskForm):
    code = StringField(_l("Budget-line code (programme/activity)"),
                       validators=[DataRequired(_l("Give the budget-line code.")), budget_line_code])
    title_ar = StringField(_l("Title (Arabic)"), validators=[DataRequired(_l("Give a title in Arabic.")),
                                                             Length(max=250)])
    title_en = StringField(_l("Title (English, optional)"), validators=[Optional(), Length(max=250)])
    description_ar = TextAreaField(_l("Description (Arabic)"), validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=5000)])
    sector_id = SelectField(_l("Sector"), coerce=int, default=0)
    locality_id = SelectField(_l("Locality"), coerce=int, default=0)
    target_group_ids = MultiCheckboxField(_l("Target groups"), coerce=int)
    cost = MoneyField(_l("Cost"), validators=[InputRequired(_l("Give the cost.")), positive])
    exclusive_group = StringField(_l("Mutually exclusive group (optional)"), validators=[Optional(), Length(max=60)])
    priority_ids = MultiCheckboxField(_l("Priorities it answers"), coerce=int)
    proposing_organization_id = SelectField(_l("Proposing organization"), coerce=int, default=0)
    implementing_organization_id = SelectField(_l("Implementing organization"), coerce=int, default=0)


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (Excel .xlsx or CSV)"), validators=[FileRequired(_l("Choose a file."))])


class CsrfOnlyForm(FlaskForm):
    """Forms whose fields are read from the request by hand (ballots): CSRF check only."""


class PaperMeetingForm(FlaskForm):
    meeting_id = SelectField(_l("Meeting"), coerce=int, default=0)
    meeting_label = StringField(_l("Or name the meeting"), validators=[Optional(), Length(max=250)])
    meeting_date = DateField(_l("Date of the meeting"), validators=[Optional()], default=date.today)
    # (A meeting chosen from the list gives its own date; this date is for a meeting named by hand.)


class PaperImportForm(PaperMeetingForm):
    file = FileField(_l("Paper ballots (CSV or Excel)"), validators=[FileRequired(_l("Choose a file."))])


class OverrideForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the change (shown publicly)"),
                           validators=[DataRequired(_l("Explain the reason for the change.")),
                                       Length(min=10, max=5000)])


class ApprovalVoteForm(FlaskForm):
    choice = RadioField(_l("Your vote on the final allocation"),
                        choices=[(k, v) for k, v in APPROVAL_CHOICE_LABELS.items()],
                        validators=[DataRequired(_l("Choose yes, no or abstain."))])


class ReviewForm(FlaskForm):
    """The feasibility review of one proposal (the reviewer's form)."""
    outcome = RadioField(_l("Outcome of the review"), choices=list(REVIEW_OUTCOME_LABELS.items()),
                         validators=[DataRequired(_l("Choose feasible, feasible with changes or not feasible."))])
    reason = TextAreaField(_l("Reason (shown publicly)"),
                           validators=[DataRequired(_l("Give the reason for the review; it is shown publicly.")),
                                       Length(max=5000)])
    changes = TextAreaField(_l("What has to change (feasible with changes)"), validators=[Optional(), Length(max=5000)])
    revised_cost = MoneyField(_l("Revised cost (feasible with changes)"), validators=[Optional(), positive])


class DeclarationForm(FlaskForm):
    """A member's declaration of interest before the council's approval vote."""
    interest = RadioField(_l("Your declaration"),
                          choices=[("none", _l("I have no interest in any of these proposals")),
                                   ("interest", _l("I have an interest in the proposals ticked below"))],
                          validators=[DataRequired(_l("Choose one of the two declarations."))])
    codes = MultiCheckboxField(_l("Proposals you have an interest in"))
    note = TextAreaField(_l("What the interest is (optional)"), validators=[Optional(), Length(max=2000)])
