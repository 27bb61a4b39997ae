"""The tally engine's reason codes as sentences in the page language, and the results table."""
from __future__ import annotations

from flask_babel import gettext as _

from budget_app.i18n import format_money, format_number


def _money(value, currency) -> str:
    from budget_app.cycles.services import units_to_minor
    if value is None:
        return ""
    return format_money(units_to_minor(value), currency, whole=True)


def _money_exact(value, currency) -> str:
    from budget_app.cycles.services import units_to_minor
    minor = units_to_minor(value)
    return format_money(minor, currency, whole=minor % 100 == 0)


def explain(e: dict, currency: str, titles: dict[str, str] | None = None) -> str:
    """One sentence for one proposal's explanation (``TallyResult.explanations[id]``)."""
    titles = titles or {}
    reason = e.get("reason")
    cost = _money(e.get("cost"), currency)
    if reason == "selected" and e.get("phase") == "mes":
        full, partial = e.get("full_payers", e.get("payers", 0)), e.get("partial_payers", 0)
        share = _money_exact(e.get("per_voter_payment", 0), currency)
        if partial:
            return _("Funded by equal shares: %(full)s supporters paid %(share)s each and %(partial)s paid all "
                     "they had left, %(cost)s in total.", full=format_number(full), share=share,
                     partial=format_number(partial), cost=cost)
        return _("Funded by equal shares: %(num)s supporters paid %(share)s each, %(cost)s in total.",
                 num=format_number(full), share=share, cost=cost)
    if reason == "selected" and e.get("phase") == "phragmen":
        return _("Funded: its %(votes)s supporters carried the lowest load when it was chosen (round %(round)s).",
                 votes=format_number(e.get("votes", 0)), round=format_number(e.get("round", 0)))
    if reason == "selected":
        return _("Funded: ranked %(rank)s by votes; it costs %(cost)s and %(remaining)s were still available.",
                 rank=format_number(e.get("rank", 0)), cost=cost,
                 remaining=_money(e.get("remaining_before"), currency))
    if reason == "zero_cost":
        return _("Funded: it costs nothing and has supporters.")
    if reason == "completion":
        return _("Funded in the completion step: %(cost)s fitted in the %(remaining)s left after equal shares.",
                 cost=cost, remaining=_money(e.get("remaining_before"), currency))
    if not e.get("funded") and e.get("votes", 1) == 0 and reason != "excluded_by_group":
        return _("Not funded: nobody voted for it.")
    if reason == "insufficient_budget":
        return _("Not funded: %(remaining)s left, it costs %(cost)s.",
                 remaining=_money(e.get("remaining"), currency), cost=cost)
    if reason == "not_affordable_by_supporters":
        text = _("Not funded: its %(num)s supporters had only %(money)s left of their equal shares; it costs "
                 "%(cost)s.", num=format_number(e.get("supporters", 0)),
                 money=_money(e.get("supporters_budget", 0), currency), cost=cost)
        if e.get("completion_reason") == "insufficient_budget":
            text += " " + _("In the completion step only %(remaining)s were left.",
                            remaining=_money(e.get("remaining"), currency))
        return text
    if reason == "excluded_by_group":
        other = e.get("conflicts_with", "")
        return _("Not funded: it excludes %(other)s, which was funded (same site or purpose).",
                 other=titles.get(other, other))
    if reason == "no_supporters":
        return _("Not funded: nobody voted for it.")
    if reason == "exceeds_budget":
        return _("Not funded: it costs %(cost)s, more than the whole envelope.", cost=cost)
    if reason == "rule_stopped":
        other = e.get("stopped_by", "")
        return _("Not funded: the rule stopped when %(other)s no longer fitted in the %(remaining)s left.",
                 other=titles.get(other, other), remaining=_money(e.get("remaining"), currency))
    return _("Funded.") if e.get("funded") else _("Not funded.")


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
    for p in proposals:
        e = main["explanations"].get(p.code, {})
        sentence = explain(e, cycle.currency, titles)
        if p.code in override.get("added", []):
            sentence += " " + _("Added to the allocation by the budget director (see the reason above).")
        if p.code in override.get("removed", []):
            sentence += " " + _("Removed from the allocation by the budget director (see the reason above).")
        rows.append({"proposal": p, "code": p.code, "computed": p.code in computed, "funded": p.code in final,
                     "votes": e.get("votes", 0), "score": e.get("score", 0), "cost_minor": p.cost_minor,
                     "explanation": sentence, "reason": e.get("reason")})
    rows.sort(key=lambda r: (not r["funded"], -r["score"], r["code"]))
    return rows
