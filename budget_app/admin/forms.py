from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from budget_app import audit
from budget_app.auth.forms import LANGUAGE_CHOICES, ValidEmail
from budget_app.auth.services import find_user
from budget_app.bounds import IntegerField
from budget_app.tenancy import ORGANIZATION_TYPE_LABELS, ROLE_LABELS, Council


class UserCreateForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter an email address.")),
                                                ValidEmail(_l("Enter a valid email address.")), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="ar")
    is_admin = BooleanField(_l("Administrator (ministry-wide)"))

    def validate_email(self, field):
        if find_user(field.data):
            raise ValidationError(_l("A user with this email already exists."))


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    is_admin = BooleanField(_l("Administrator (ministry-wide)"))
    active = BooleanField(_l("Active"))


class MembershipForm(FlaskForm):
    council_id = SelectField(_l("Council"), coerce=int)
    role = SelectField(_l("Role"), choices=list(ROLE_LABELS.items()))
    organization_name = StringField(_l("Organization represented"),
                                    validators=[DataRequired(_l("Enter the organization.")), Length(max=200)])
    organization_type = SelectField(_l("Type of organization"), choices=list(ORGANIZATION_TYPE_LABELS.items()))


class CouncilForm(FlaskForm):
    slug = StringField(_l("Short name in addresses"), validators=[
        DataRequired(_l("Enter a short name.")), Length(max=60),
        Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Use lowercase Latin letters, digits and hyphens."))])
    name_ar = StringField(_l("Name (Arabic)"), validators=[DataRequired(_l("Enter the Arabic name.")), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(_l("Enter the English name.")), Length(max=200)])
    governorate_id = SelectField(_l("Governorate"), coerce=int, validators=[Optional()])
    description_ar = TextAreaField(_l("Description (Arabic)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), ValidEmail(_l("Enter a valid email address.")),
                                                                Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, council=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._council = council

    def validate_slug(self, field):
        other = Council.query.filter_by(slug=field.data).first()
        if other is not None and other is not self._council:
            raise ValidationError(_l("Another council already uses this short name."))


class ReferenceForm(FlaskForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Enter a code.")), Length(max=60),
        Regexp(r"^[a-z0-9][a-z0-9_-]*$", message=_l("Use lowercase Latin letters, digits, hyphens and underscores."))])
    name_ar = StringField(_l("Name (Arabic)"), validators=[DataRequired(_l("Enter the Arabic name.")), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(_l("Enter the English name.")), Length(max=200)])
    sort_order = IntegerField(_l("Order"), default=0, validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)
    governorate_id = SelectField(_l("Governorate"), coerce=int, validators=[Optional()])

    def __init__(self, *args, model=None, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._model = model
        self._item = item

    def validate_code(self, field):
        other = self._model.query.filter_by(code=field.data).first()
        if other is not None and other is not self._item:
            raise ValidationError(_l("This code is already used."))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter, changes nothing

    actor = StringField(_l("Account (email)"), validators=[Optional(), Length(max=254)])
    # Choices of the actions and kinds of object the features describe (budget_app.audit.words).
    action = SelectField(_l("Action"), choices=[], default="")
    object_type = SelectField(_l("Object type"), choices=[], default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [("", _l("Any action"))] + audit.action_choices()
        self.object_type.choices = [("", _l("Any kind of object"))] + audit.kind_choices()
    date_from = DateField(_l("From date"), validators=[Optional()])
    date_to = DateField(_l("To date"), validators=[Optional()])


class MinistrySettingsForm(FlaskForm):
    approval_quorum_min_pct = IntegerField(
        _l("Lowest quorum a council's approval vote may have, % of the members frozen when voting opens"),
        validators=[DataRequired(_l("Give the minimum quorum.")), NumberRange(1, 100)])
