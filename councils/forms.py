"""Forms of council work: meetings, recommendations, partner organizations, membership."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, EmailField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from budget_app.auth.services import find_user
from budget_app.bounds import IntegerField
from budget_app.tenancy import ORGANIZATION_TYPE_LABELS, ROLE_LABELS
from councils.labels import (GENDER_LABELS, MEETING_KIND_LABELS, MEMBER_GENDER_LABELS, MOU_STATUS_LABELS,
                             PARTICIPANT_CATEGORY_LABELS, PARTNER_TYPE_LABELS, RECOMMENDATION_KIND_LABELS,
                             RECOMMENDATION_STATUS_LABELS)
from councils.models import GENDERS, PARTICIPANT_CATEGORIES, PartnerOrganization

MAX_COUNT = 100_000


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(labels: dict) -> list:
    return [(k, v) for k, v in labels.items()]


class MeetingForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_choices(MEETING_KIND_LABELS))
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=250)])
    held_at = DateTimeLocalField(_l("Date and time"), format="%Y-%m-%dT%H:%M",
                                 validators=[InputRequired(_l("Enter the date and time."))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=250)])
    agenda = TextAreaField(_l("Agenda"), validators=[Optional(), Length(max=20000)])
    minutes = TextAreaField(_l("Minutes"), validators=[Optional(), Length(max=100000)])
    topic = StringField(_l("Workshop topic"), validators=[Optional(), Length(max=250)])
    trainer = StringField(_l("Trainer"), validators=[Optional(), Length(max=200)])
    group_outputs = TextAreaField(_l("Outputs of the small groups"), validators=[Optional(), Length(max=50000)])
    attendees = MultiCheckboxField(_l("Council members present"), coerce=int, validate_choice=True)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        # Optional() stops the field's own chain on empty input, so the cross-field rule lives here.
        if self.kind.data == "workshop" and not (self.topic.data or "").strip():
            self.topic.errors = list(self.topic.errors) + [_l("Enter the topic of the workshop.")]
            ok = False
        return ok

    def count_fields(self):
        """(category, [(gender, field), ...]) for the attendance table."""
        return [(c, [(g, getattr(self, f"count_{c}_{g}")) for g in GENDERS]) for c in PARTICIPANT_CATEGORIES]

    def counts(self) -> dict:
        return {(c, g): getattr(self, f"count_{c}_{g}").data or 0
                for c in PARTICIPANT_CATEGORIES for g in GENDERS}


for _category in PARTICIPANT_CATEGORIES:
    for _gender in GENDERS:
        setattr(MeetingForm, f"count_{_category}_{_gender}", IntegerField(
            # The label reads "Social workers – Women" for screen readers.
            _l("%(category)s – %(gender)s", category=PARTICIPANT_CATEGORY_LABELS[_category],
               gender=GENDER_LABELS[_gender]),
            validators=[Optional(), NumberRange(min=0, max=MAX_COUNT,
                                                message=_l("Enter a whole number from 0 to 100,000."))],
            render_kw={"min": 0, "max": MAX_COUNT, "inputmode": "numeric"}))


class RecommendationForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_choices(RECOMMENDATION_KIND_LABELS))
    text = TextAreaField(_l("Text"), validators=[DataRequired(_l("Enter the text of the recommendation.")),
                                                 Length(max=5000)])
    owner = StringField(_l("Responsible (person or organization)"),
                        validators=[DataRequired(_l("Enter who is responsible.")), Length(max=200)])
    due_date = DateField(lazy_pgettext("recommendation", "Due date"), validators=[Optional()])


class FollowUpForm(FlaskForm):
    status = SelectField(_l("Follow-up status"), choices=_choices(RECOMMENDATION_STATUS_LABELS))
    owner = StringField(_l("Responsible (person or organization)"),
                        validators=[DataRequired(_l("Enter who is responsible.")), Length(max=200)])
    due_date = DateField(lazy_pgettext("recommendation", "Due date"), validators=[Optional()])
    follow_up_note = TextAreaField(_l("Follow-up note"), validators=[Optional(), Length(max=5000)])


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the name of the organization.")),
                                               Length(max=200)])
    organization_type = SelectField(_l("Type"), choices=_choices(PARTNER_TYPE_LABELS))
    services = TextAreaField(_l("Services offered"), validators=[DataRequired(_l("Describe the services offered.")),
                                                                 Length(max=5000)])
    target_groups = MultiCheckboxField(_l("Target groups"), coerce=int)
    free_of_charge = BooleanField(_l("Services are free of charge"), default=True)
    mou_status = SelectField(_l("Memorandum of understanding"), choices=_choices(MOU_STATUS_LABELS))
    mou_signed_on = DateField(_l("Memorandum signed on"), validators=[Optional()])
    mou_expires_on = DateField(_l("Memorandum expires on"), validators=[Optional()])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), Email(_l("Enter a valid email address.")),
                                                                Length(max=254)])

    def __init__(self, *args, council=None, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._council, self._partner = council, partner

    def validate_name(self, field):
        if self._council is None:
            return
        other = PartnerOrganization.query.filter_by(council_id=self._council.id, name=field.data.strip()).first()
        if other is not None and other is not self._partner:
            raise ValidationError(_l("This council already lists an organization with this name."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.mou_status.data in ("signed", "expired") and not self.mou_signed_on.data \
                and not self.mou_signed_on.errors:
            self.mou_signed_on.errors = list(self.mou_signed_on.errors) + [
                _l("Enter the date the memorandum was signed.")]
            ok = False
        if self.mou_status.data in ("none", "in_preparation") and self.mou_signed_on.data:
            # A signing date on an unsigned memorandum would be published as if it were signed.
            self.mou_signed_on.errors = list(self.mou_signed_on.errors) + [
                _l("A memorandum that is not signed yet has no signing date: remove the date, or set the "
                   "status to signed if it was signed.")]
            ok = False
        return ok

    def validate_mou_expires_on(self, field):
        if field.data and self.mou_signed_on.data and field.data < self.mou_signed_on.data:
            raise ValidationError(_l("The end date must be after the signing date."))


COORDINATOR_ROLES = {k: v for k, v in ROLE_LABELS.items() if k != "director"}


class MemberAddForm(FlaskForm):
    email = EmailField(_l("Email of the person's account"),
                       # No format check: the address must match an existing account, which is stricter.
                       validators=[DataRequired(_l("Enter an email address.")), Length(max=254)])
    role = SelectField(_l("Role"), choices=_choices(COORDINATOR_ROLES))
    organization_name = StringField(_l("Organization represented"),
                                    validators=[DataRequired(_l("Enter the organization.")), Length(max=200)])
    organization_type = SelectField(_l("Type of organization"), choices=_choices(ORGANIZATION_TYPE_LABELS))
    partner_organization_id = SelectField(_l("The organization in the partner directory"), coerce=int, default=0)
    gender = SelectField(_l("Gender"), choices=_choices(MEMBER_GENDER_LABELS), default="")

    def validate_email(self, field):
        if find_user(field.data) is None:
            raise ValidationError(_l("No account uses this email. An administrator creates accounts."))


class MemberEditForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_choices(COORDINATOR_ROLES))
    organization_name = StringField(_l("Organization represented"),
                                    validators=[DataRequired(_l("Enter the organization.")), Length(max=200)])
    organization_type = SelectField(_l("Type of organization"), choices=_choices(ORGANIZATION_TYPE_LABELS))
    partner_organization_id = SelectField(_l("The organization in the partner directory"), coerce=int, default=0)
    gender = SelectField(_l("Gender"), choices=_choices(MEMBER_GENDER_LABELS), default="")
