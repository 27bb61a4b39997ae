"""Forms of the budget simulator: the director's new simulation and the citizen's allocation.

Both have fields made per line (sector) when the form is built, so the form matches the
simulation exactly: a tampered form with other lines has missing fields and is refused.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from budget_app.bounds import IntegerField
from budget_app.cycles.forms import MoneyField
from budget_app.reference.models import Governorate, Locality
from simulator.models import (AGE_BAND_LABELS, AGE_BANDS, GENDER_LABELS, GENDERS, LINE_SOURCE_LABELS, LINE_SOURCES,
                              LINES_PRIORITIES, LINES_SECTORS, USES_SERVICES, USES_SERVICES_LABELS)

NOT_SAID = ("", _l("I prefer not to say"))


def simulation_form(sectors, priorities=(), formdata=None):
    """The director's form: year, titles, envelope, closing date, what the lines are (sectors or
    shortlisted priorities), and per sector an optional minimum and maximum (``min_<sector id>``,
    ``max_<sector id>``), per shortlisted priority its estimated cost and an optional minimum and
    maximum (``pcost_<priority id>``, ``pmin_…``, ``pmax_…``)."""

    class NewSimulationForm(FlaskForm):
        fiscal_year = IntegerField(_l("Fiscal year"), default=date.today().year + 1,
                                   validators=[InputRequired(), NumberRange(2000, 2100)])
        title_ar = StringField(_l("Title (Arabic)"), validators=[InputRequired(), Length(max=250)])
        title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=250)])
        envelope = MoneyField(_l("Envelope"), validators=[InputRequired(_l("Give the envelope."))])
        closes_on = DateField(_l("Closing date (submissions accepted until the end of this day)"),
                              validators=[InputRequired()])
        line_source = RadioField(_l("What citizens divide the envelope between"), default=LINES_SECTORS,
                                 choices=[(k, LINE_SOURCE_LABELS[k]) for k in LINE_SOURCES],
                                 validators=[Optional()])  # a form without it (older page): the sectors

    for sector in sectors:
        setattr(NewSimulationForm, f"min_{sector.id}",
                MoneyField(_l("Minimum for %(line)s", line=sector.name), validators=[Optional()]))
        setattr(NewSimulationForm, f"max_{sector.id}",
                MoneyField(_l("Maximum for %(line)s", line=sector.name), validators=[Optional()]))
    for p in priorities:
        setattr(NewSimulationForm, f"pcost_{p.id}",
                MoneyField(_l("Estimated cost of %(line)s", line=p.title), validators=[Optional()]))
        setattr(NewSimulationForm, f"pmin_{p.id}",
                MoneyField(_l("Minimum for %(line)s", line=p.title), validators=[Optional()]))
        setattr(NewSimulationForm, f"pmax_{p.id}",
                MoneyField(_l("Maximum for %(line)s", line=p.title), validators=[Optional()]))
    return NewSimulationForm(formdata=formdata) if formdata is not None else NewSimulationForm()


def limits_of(form, sectors, priorities=()) -> dict[int, tuple[int | None, int | None]]:
    """{sector id: (min, max)}, or {priority id: (min, max)} for a simulation of priorities."""
    if form.line_source.data == LINES_PRIORITIES:
        return {p.id: (form[f"pmin_{p.id}"].data, form[f"pmax_{p.id}"].data) for p in priorities}
    return {s.id: (form[f"min_{s.id}"].data, form[f"max_{s.id}"].data) for s in sectors}


def costs_of(form, priorities) -> dict[int, int | None]:
    return {p.id: form[f"pcost_{p.id}"].data for p in priorities}


def _reference_choices(model):
    return [NOT_SAID] + [(str(item.id), item.name) for item in model.choices()]


def submission_form(simulation):
    """The citizen's form: an amount per line (``line_<id>``, whole or decimal amounts as people
    type them) and the optional context. Starts at last year's amounts."""

    class SubmissionForm(FlaskForm):
        governorate = SelectField(_l("Governorate"), default="")
        locality = SelectField(_l("Locality"), default="")
        age_band = SelectField(_l("Age"), default="", choices=[NOT_SAID] + [(a, AGE_BAND_LABELS[a]) for a in AGE_BANDS])
        gender = SelectField(_l("Gender"), default="", choices=[NOT_SAID] + [(g, GENDER_LABELS[g]) for g in GENDERS])
        uses_services = SelectField(_l("Do you or your family use the ministry's services?"), default="",
                                    choices=[NOT_SAID] + [(u, USES_SERVICES_LABELS[u]) for u in USES_SERVICES])

    for line in simulation.lines:
        setattr(SubmissionForm, f"line_{line.id}",
                MoneyField(line.label, default=line.baseline_minor,
                           validators=[InputRequired(_l("Give an amount, zero if nothing."))]))
    form = SubmissionForm()
    form.governorate.choices = _reference_choices(Governorate)
    form.locality.choices = _reference_choices(Locality)
    return form


def amounts_of(form, simulation) -> dict[int, int]:
    return {line.id: form[f"line_{line.id}"].data for line in simulation.lines}


def line_field(form, line):
    return form[f"line_{line.id}"]
