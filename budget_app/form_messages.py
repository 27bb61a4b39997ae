"""WTForms' built-in messages ("This field is required.", "Field cannot be longer than 250
characters.") from the application's own catalog.

WTForms ships an Arabic catalog, but it holds only two of Arabic's six plural forms (so "longer
than 250 characters" fell back to English on Arabic pages) and some wrong entries ("This field
cannot be edited." read "This field is required."). The messages are listed here so that
``translate update`` puts them in ``messages.po``, and Flask-WTF is told to look them up there.
"""
from __future__ import annotations

import flask_wtf.form
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

# Exactly WTForms' msgids (wtforms/locale/wtforms.pot); WTForms fills in %(min)d and the like.
MESSAGES = (
    _l("Invalid field name '%s'."),
    _l("Field must be equal to %(other_name)s."),
    lazy_ngettext("Field must be at least %(min)d character long.",
                  "Field must be at least %(min)d characters long.", 2),
    lazy_ngettext("Field cannot be longer than %(max)d character.",
                  "Field cannot be longer than %(max)d characters.", 2),
    lazy_ngettext("Field must be exactly %(max)d character long.",
                  "Field must be exactly %(max)d characters long.", 2),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
    _l("Invalid Choice: could not coerce."),
    _l("Choices cannot be None."),
    _l("Not a valid choice."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    lazy_ngettext("'%(value)s' is not a valid choice for this field.",
                  "'%(value)s' are not valid choices for this field.", 2),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
)


class FormTranslations:
    """What WTForms asks for (``gettext``/``ngettext`` without formatting), from the app's catalog."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


def init_app(app) -> None:
    """Point Flask-WTF's translations (WTF_I18N_ENABLED) at the application's catalog."""

    # FlaskForm.Meta.get_translations returns this module-level object when WTF_I18N_ENABLED.
    flask_wtf.form.translations = FormTranslations()
