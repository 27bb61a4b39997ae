"""Plain-language labels and sentences of the citizen budget, keyed by the codes in a snapshot.

Sentences are built from translated templates with Babel number formatting, so the same
snapshot reads naturally in Arabic and in English.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_babel import ngettext

from budget_app.cycles.explain import payments_phrase
from budget_app.cycles.models import REVIEW_OUTCOME_LABELS
from budget_app.cycles.methods import METHODS
from budget_app.i18n import format_money, format_number
from budget_app.tally.explanations import Explanation, MesFunded, from_dict
from budget_app.tally.rules import TALLY_RULES
from priorities.labels import EVIDENCE_LABELS as PRIORITY_EVIDENCE_LABELS

# The rules' plain names and explanations for the public, from the one table of rules.
RULE_LABELS = {key: lazy_pgettext(rule.public_context, rule.public_label) if rule.public_context
               else _l(rule.public_label) for key, rule in TALLY_RULES.items()}
RULE_EXPLANATIONS = {key: _l(rule.explanation) for key, rule in TALLY_RULES.items()}
METHOD_LABELS = {key: method.public_label for key, method in METHODS.items()}
MEETING_KIND_LABELS = {
    "council_meeting": _l("Council meetings"),
    "workshop": _l("Training workshops"),
    "forum": _l("Consultative forums"),
}
ORGANIZATION_TYPE_LABELS = {
    "ministry": _l("Ministry directorate"),
    "ngo": _l("NGOs and charities"),
    "private": _l("Private sector"),
    "local_government": _l("Local government"),
    "beneficiaries": _l("Beneficiaries' representatives"),
    "donor": _l("Donors"),
    "other": _l("Other"),
}
MILESTONE_STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "delayed": _l("Delayed"),
    "cancelled": _l("Cancelled"),
}
QUARTER_LABELS = {1: _l("Quarter 1"), 2: _l("Quarter 2"), 3: _l("Quarter 3"), 4: _l("Quarter 4")}
# The allocation record (citizen_budget.records): its status, where a need's evidence comes from
# (the priorities' own words) and the kind of meeting where it was raised.
RECORD_STATUS_LABELS = {
    "not_funded": _l("Not funded"),
    "approved": _l("Approved; work not started yet"),
    "in_progress": _l("Under way"),
    "completed": _l("Completed"),
}
EVIDENCE_LABELS = dict(PRIORITY_EVIDENCE_LABELS)
REVIEW_LABELS = dict(REVIEW_OUTCOME_LABELS)
MEETING_KIND_ONE_LABELS = {
    "council_meeting": _l("Council meeting"),
    "workshop": _l("Training workshop"),
    "forum": _l("Consultative forum"),
}

GLOSSARY = [
    (_l("Budget"), _l("A plan of how much money will be spent, on what, during one year.")),
    (lazy_pgettext("citizen budget", "Envelope"), _l("The total amount of money available for the council's allocations this year.")),
    (_l("Allocation"), _l("An amount of money set aside for one activity or service, with its budget line.")),
    (_l("Budget line"), _l("The code under which an allocation is recorded in the ministry's accounts.")),
    (_l("Funding source"), _l("Where money comes from: the ministry's treasury, donors, the community or the "
                              "private sector.")),
    (_l("Sector"), _l("The area of social services that an allocation belongs to, such as disability or "
                      "childhood.")),
    (_l("Target group"), _l("The people an allocation is meant to reach, such as women, children or elderly "
                            "people.")),
    (_l("Beneficiary"), _l("A person who receives a service paid for by the budget.")),
    (_l("Execution"), _l("The money actually spent so far on an approved allocation.")),
    (_l("Execution rate"), _l("The money spent divided by the money allocated, in percent.")),
    (_l("Fiscal year"), _l("The twelve months the budget covers; here the calendar year.")),
    (_l("Participatory budgeting"), _l("A process in which the people concerned help decide how public money "
                                       "is spent.")),
]


def label(mapping: dict, key) -> str:
    return str(mapping.get(key, key or ""))


# The codebook of ``decision_reason`` in the open data: one plain sentence per code.
REASON_CODEBOOK = {
    "selected": _l("Funded by the counting rule."),
    "zero_cost": _l("Funded: it costs nothing and has supporters."),
    "completion": _l("Funded with the money left after the first round."),
    "insufficient_budget": _l("Not funded: the money left when its turn came was less than its cost."),
    "not_affordable_by_supporters": _l("Not funded: its supporters' equal shares were not enough to pay for it."),
    "excluded_by_group": _l("Not funded: it excludes another proposal (same site or purpose) that was funded."),
    "no_supporters": _l("Not funded: no one voted for it."),
    "exceeds_budget": _l("Not funded: it costs more than the whole budget."),
    "rule_stopped": _l("Not funded: the counting stopped before reaching it."),
    "override_added": _l("Added to the allocation by the budget director, with a recorded reason."),
    "override_removed": _l("Removed from the allocation by the budget director, with a recorded reason."),
}


def _money(minor, currency) -> str:
    return format_money(minor, currency) if minor is not None else ""


def explanation_record(e: dict | None) -> Explanation:
    """The tally's explanation record of a snapshot's ``explanation`` (money there is in minor units,
    ``*_minor``); snapshots published before the typed contract give records without payments."""
    units = {}
    for key, value in (e or {}).items():
        if key == "payments_minor":
            units["payments"] = [[_units(minor), count] for minor, count in value]
        elif key.endswith("_minor"):
            units[key[:-len("_minor")]] = _units(value)
        else:
            units[key] = value
    return from_dict(units)


def _units(minor):
    return minor // 100 if minor % 100 == 0 else minor / 100


def explanation_sentence(allocation: dict, currency: str, titles: dict[str, str]) -> str:
    """Why an allocation proposal was funded or not, in plain language."""
    e = allocation.get("explanation") or {}
    reason = e.get("reason")
    record = explanation_record(e)
    cost = _money(allocation["amount_minor"], currency)
    if allocation.get("override") == "added":
        return _("Added to the allocation by the budget director; the reason is given above.")
    if allocation.get("override") == "removed":
        return _("Removed from the allocation by the budget director; the reason is given above.")
    if isinstance(record, MesFunded) and record.payments:
        return _("Funded: its supporters paid for it from their equal shares of the budget: %(payments)s.",
                 payments=payments_phrase(record.payments, currency, record.supporters))
    if reason == "selected" and getattr(TALLY_RULES.get(e.get("phase") or ""), "equal_shares", False):
        return _("Funded: its supporters together could pay for it from their equal shares of the budget.")
    if reason == "selected" and e.get("phase") == "phragmen":
        return _("Funded: its supporters could share its cost more evenly than the other proposals.")
    if reason == "selected" and e.get("rank"):
        return _("Funded: it came number %(rank)s by votes, and %(left)s were still available when its turn came.",
                 rank=format_number(e["rank"]), left=_money(e.get("remaining_before_minor"), currency))
    if reason == "completion":
        return _("Funded with the money left after the first round, which was enough to pay for it.")
    if reason == "zero_cost":
        return _("Funded: it costs nothing and has supporters.")
    if reason == "insufficient_budget":
        return _("Not funded: when its turn came only %(left)s were left, and it costs %(cost)s.",
                 left=_money(e.get("remaining_minor"), currency), cost=cost)
    if reason == "not_affordable_by_supporters":
        return ngettext("Not funded: its %(num)s supporter did not have enough of an equal share left to pay "
                        "for it.",
                        "Not funded: its %(num)s supporters did not have enough of their equal shares left to "
                        "pay for it.", int(e.get("supporters") or 0))
    if reason == "excluded_by_group":
        other = e.get("conflicts_with", "")
        return _("Not funded: it competes with “%(other)s” for the same site or purpose, and that one was "
                 "funded.", other=titles.get(other, other))
    if reason == "no_supporters":
        return _("Not funded: no one voted for it.")
    if reason == "exceeds_budget":
        return _("Not funded: it costs more than the whole budget.")
    if reason == "rule_stopped":
        return _("Not funded: the counting stopped before reaching it, because the money left was not enough.")
    return _("Funded.") if allocation.get("funded") else _("Not funded.")


def per_hundred_sentence(currency: str, n: int, what: str) -> str:
    if currency == "ILS":
        return _("Out of every 100 shekels, %(n)s go to %(what)s.", n=format_number(n), what=what)
    return _("Out of every 100 units of the budget, %(n)s go to %(what)s.", n=format_number(n), what=what)


def per_hundred_source_sentence(currency: str, n: int, source: str) -> str:
    if currency == "ILS":
        return _("Out of every 100 shekels, %(n)s come from %(source)s.", n=format_number(n), source=source)
    return _("Out of every 100 units of the budget, %(n)s come from %(source)s.", n=format_number(n), source=source)
