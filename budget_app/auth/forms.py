from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from budget_app.auth.passwords import MAX_LENGTH, password_problem

LANGUAGE_CHOICES = [("ar", "العربية"), ("en", "English")]


class ValidEmail:
    """Email syntax check without DNS look-ups (the servers may be offline). ``.test`` addresses
    (the demo's) are accepted; other reserved domains are not."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        # heavy library: imported on first use, not at start-up
        from email_validator import EmailNotValidError, validate_email

        try:
            validate_email(field.data or "", check_deliverability=False, test_environment=True)
        except EmailNotValidError:
            raise ValidationError(self.message or _l("Enter a valid email address."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                         Length(max=MAX_LENGTH)])


class NewPasswordMixin:
    def validate_new_password(self, field):
        problem = password_problem(field.data or "", getattr(self, "_email", ""))
        if problem:
            raise ValidationError(problem)


class SetPasswordForm(NewPasswordMixin, FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a password."))])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(_l("Repeat the password.")), EqualTo("new_password", _l("The two passwords differ."))])


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
