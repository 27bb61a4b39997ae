"""The tally engine's reason codes as sentences in the page language, and the results table."""
from __future__ import annotations

from babel.lists import format_list
from flask_babel import gettext as _
from flask_babel import ngettext

from budget_app.cache import LRU
from budget_app.cycles.tallying import units_to_minor
from budget_app.i18n import current_language, format_money, format_number
from budget_app.tally.explanations import (CompletionFunded, ExceedsBudget, ExcludedByGroup, Explanation,
                                           GreedyFunded, InsufficientBudget, MesFunded, NoSupporters, NotAffordable,
                                           PhragmenFunded, Reason, RuleStopped, ZeroCostFunded, from_dict)


def _money(value, currency) -> str:
    if value is None:
        return ""
    return format_money(units_to_minor(value), currency, whole=True)


def _money_exact(value, currency) -> str:
    minor = units_to_minor(value)
    return format_money(minor, currency, whole=minor % 100 == 0)


def _record(e) -> Explanation:
    return e if isinstance(e, Explanation) else from_dict(e)


def payments_phrase(payments, currency: str, supporters: int | None = None) -> str:
    """What the supporters of an MES-funded project paid, e.g. "2 supporters paid ₪10 each and
    1 supporter paid ₪7" (``payments``: ``[[amount, voters], ...]`` in currency units, largest
    first). More than three different amounts are summed up as a range."""
    parts = []
    shown = payments if len(payments) <= 3 else payments[:1]
    for amount, count in shown:
        parts.append(ngettext("%(n)s supporter paid %(amount)s", "%(n)s supporters paid %(amount)s each",
                              count, n=format_number(count), amount=_money_exact(amount, currency)))
    if len(payments) > 3:
        rest = sum(count for _, count in payments[1:])
        parts.append(ngettext("%(n)s other supporter paid between %(low)s and %(high)s",
                              "%(n)s other supporters paid between %(low)s and %(high)s", rest,
                              n=format_number(rest), low=_money_exact(payments[-1][0], currency),
                              high=_money_exact(payments[1][0], currency)))
    nothing = (supporters or 0) - sum(count for _, count in payments)
    if nothing > 0:
        parts.append(ngettext("%(n)s supporter had nothing left to pay", "%(n)s supporters had nothing left "
                              "to pay", nothing, n=format_number(nothing)))
    return format_list(parts, locale=current_language())


def explain(e, currency: str, titles: dict[str, str] | None = None) -> str:
    """One sentence for one proposal's explanation: an engine record (``TallyResult.explanations[id]``)
    or its stored JSON form, including the shapes stored before the typed contract."""
    titles = titles or {}
    e = _record(e)
    cost = _money(e.cost, currency)
    if isinstance(e, MesFunded):
        if e.payments:
            return _("Funded by equal shares: %(payments)s; %(cost)s in total.",
                     payments=payments_phrase(e.payments, currency, e.supporters), cost=cost)
        return ngettext("Funded by equal shares: its %(n)s supporter paid its cost of %(cost)s from the equal "
                        "share of the budget.",
                        "Funded by equal shares: its %(n)s supporters paid its cost of %(cost)s from their equal "
                        "shares of the budget.", e.supporters or e.votes, n=format_number(e.supporters or e.votes),
                        cost=cost)
    if isinstance(e, PhragmenFunded):
        return ngettext("Funded: its %(num)s supporter carried the lowest load when it was chosen (round %(round)s).",
                        "Funded: its %(num)s supporters carried the lowest load when it was chosen (round %(round)s).",
                        int(e.votes), round=format_number(e.round))
    if isinstance(e, GreedyFunded):
        return _("Funded: ranked %(rank)s by votes; it costs %(cost)s and %(remaining)s were still available.",
                 rank=format_number(e.rank), cost=cost, remaining=_money(e.remaining_before, currency))
    if isinstance(e, ZeroCostFunded):
        return _("Funded: it costs nothing and has supporters.")
    if isinstance(e, CompletionFunded):
        return _("Funded in the completion step: %(cost)s fitted in the %(remaining)s left after equal shares.",
                 cost=cost, remaining=_money(e.remaining_before, currency))
    if not e.funded and e.votes == 0 and not isinstance(e, ExcludedByGroup):
        return _("Not funded: nobody voted for it.")
    if isinstance(e, InsufficientBudget):
        return _("Not funded: %(remaining)s left, it costs %(cost)s.",
                 remaining=_money(e.remaining, currency), cost=cost)
    if isinstance(e, NotAffordable):
        text = ngettext("Not funded: its %(n)s supporter had only %(money)s left of the equal share; it costs "
                        "%(cost)s.",
                        "Not funded: its %(n)s supporters had only %(money)s left of their equal shares; it costs "
                        "%(cost)s.", e.supporters, n=format_number(e.supporters),
                        money=_money_exact(e.supporters_budget or 0, currency), cost=cost)
        if e.completion_reason == Reason.INSUFFICIENT_BUDGET.value:
            text += " " + _("In the completion step only %(remaining)s were left.",
                            remaining=_money(e.remaining, currency))
        return text
    if isinstance(e, ExcludedByGroup):
        return _("Not funded: it excludes %(other)s, which was funded (same site or purpose).",
                 other=titles.get(e.conflicts_with, e.conflicts_with))
    if isinstance(e, NoSupporters):
        return _("Not funded: nobody voted for it.")
    if isinstance(e, ExceedsBudget):
        return _("Not funded: it costs %(cost)s, more than the whole envelope.", cost=cost)
    if isinstance(e, RuleStopped):
        other = e.stopped_by or ""
        return _("Not funded: the rule stopped when %(other)s no longer fitted in the %(remaining)s left.",
                 other=titles.get(other, other), remaining=_money(e.remaining, currency))
    return _("Funded.") if e.funded else _("Not funded.")


# What a results page computes from a closed cycle's tally, kept per worker: the sentences and
# the charts of a city-wide cycle take longer than the rest of the page. The key holds all they
# depend on (the tally and the override: BudgetCycle.decision_key; the language); proposals cannot
# change after voting.
_RESULTS_CACHE = LRU(64)


def cached_for_results(cycle, name: str, build):
    """``build()`` once per tally, override and language (see _RESULTS_CACHE)."""
    key = (cycle.decision_key(), name, current_language(), cycle.currency)
    value = _RESULTS_CACHE.get(key)
    if value is None:
        value = build()
        _RESULTS_CACHE.set(key, value)
    return value


def results_rows(cycle, proposals) -> list[dict]:
    """One row per proposal: computed and final funding, votes, score, cost and the explanation,
    sorted funded first then by score."""
    snapshot = cycle.tally
    if not snapshot:
        return []
    main = snapshot["main"]
    titles = {p.code: f"{p.code} {p.title}" for p in proposals}
    final = set(cycle.final_selected_codes())
    computed = set(main["selected"])
    override = cycle.override or {}
    rows = []
    explained = {p.code: from_dict(main["explanations"].get(p.code)) for p in proposals}
    sentences = cached_for_results(cycle, "sentences", lambda: {
        code: explain(e, cycle.currency, titles) for code, e in explained.items()})
    for p in proposals:
        e = explained[p.code]
        sentence = base = sentences[p.code] if p.code in sentences else explain(e, cycle.currency, titles)
        if p.code in override.get("added", []):
            sentence += " " + _("Added to the allocation by the budget director (see the reason above).")
        if p.code in override.get("removed", []):
            sentence += " " + _("Removed from the allocation by the budget director (see the reason above).")
        rows.append({"proposal": p, "code": p.code, "computed": p.code in computed, "funded": p.code in final,
                     "votes": e.votes, "score": e.score, "cost_minor": p.cost_minor,
                     "explanation": sentence, "reason": e.reason.value, "computed_explanation": base,
                     "override": "added" if p.code in override.get("added", []) else
                     "removed" if p.code in override.get("removed", []) else None})
    rows.sort(key=lambda r: (not r["funded"], -r["score"], r["code"]))
    return rows
