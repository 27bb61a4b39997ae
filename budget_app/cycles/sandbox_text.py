"""The rule sandbox (``budget_app.cycles.sandbox``) in the page language: how the vote was mapped and
its limits as sentences, one table row per rule, and the chart of the same numbers."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from budget_app.cycles import charts
from budget_app.cycles.models import RULE_LABELS
from budget_app.cycles.sandbox import SOURCES, rule_sandbox
from budget_app.i18n import current_language, format_money, format_number, format_pct


def _join(codes) -> str:
    return ("، " if current_language() == "ar" else ", ").join(codes)


def _isolate(text: str) -> str:
    """A title typed in either language kept whole inside a sentence of the other (first-strong isolate)."""
    return "\u2068" + str(text) + "\u2069"


def source_label(source: str) -> str:
    return {"round": _("The ranking round"), "last_year": _("Last year's ballots")}[source]


def _origin_sentence(data) -> str:
    n = len(data.ballots)
    origin = data.origin
    if data.source == "round":
        return ngettext(
            "Estimated from the %(n)s ballot of the ranking round “%(title)s” (%(year)s): each ballot is read as "
            "supporting every proposal of this cycle that answers a priority the voter gave points to or ranked.",
            "Estimated from the %(n)s ballots of the ranking round “%(title)s” (%(year)s): each ballot is read as "
            "supporting every proposal of this cycle that answers a priority the voter gave points to or ranked.",
            n, n=format_number(n), title=_isolate(origin.title), year=origin.fiscal_year)
    return ngettext(
        "Estimated from the %(n)s ballot of the cycle “%(title)s” (%(year)s): each ballot is read as supporting "
        "every proposal of this cycle that answers a priority also answered by a proposal the voter chose then.",
        "Estimated from the %(n)s ballots of the cycle “%(title)s” (%(year)s): each ballot is read as supporting "
        "every proposal of this cycle that answers a priority also answered by a proposal the voter chose then.",
        n, n=format_number(n), title=_isolate(origin.title), year=origin.fiscal_year)


def _limits(data, rows, currency) -> list[str]:
    out = [_("This is an estimate from a different vote, not a forecast: people voted on priorities or on other "
             "proposals, not on these proposals and their costs, and points and ranks are read as simple support. "
             "It shows how each rule behaves with this envelope, not who will be funded.")]
    if data.unlinked:
        out.append(ngettext("%(n)s proposal answers no priority, so no one supports it here: %(codes)s.",
                            "%(n)s proposals answer no priority, so no one supports them here: %(codes)s.",
                            len(data.unlinked), n=format_number(len(data.unlinked)),
                            codes=_join(data.unlinked)))
    if data.empty:
        out.append(ngettext("%(n)s ballot supports none of this cycle's proposals: its voter counts among those "
                            "who get nothing.",
                            "%(n)s ballots support none of this cycle's proposals: their voters count among those "
                            "who get nothing.", data.empty, n=format_number(data.empty)))
    step = next((r["step"] for r in rows if r.get("step")), None)
    if step and step > 1:
        out.append(_("The add-one variant of the Method of Equal Shares raises the voters' shares in steps of "
                     "%(step)s here (one unit of money at a time in the real count), so its estimate may differ "
                     "a little.", step=format_money(step * 100, currency)))
    return out


def sandbox_view(cycle, proposals, source: str | None = None) -> dict:
    """What the cycle page shows of the sandbox: ``{"empty": True}`` when there is nothing to run,
    else the sentences, the rows, the chart payload and the links to the other source."""
    found = rule_sandbox(cycle, proposals, source if source in SOURCES else None)
    data = found["data"]
    if data is None:
        return {"empty": True}
    envelope = cycle.envelope_minor or 1
    rows = []
    for r in found["rows"]:
        rows.append({
            "rule": r["rule"], "label": str(RULE_LABELS.get(r["rule"], r["rule"])), "own": r["rule"] == cycle.tally_rule,
            "selected": r["selected"], "funded": _join(r["selected"]) if r["selected"] else _("none"),
            "count": ngettext("%(n)s proposal", "%(n)s proposals", len(r["selected"]),
                              n=format_number(len(r["selected"]))),
            "spent": format_money(r["spent_minor"], cycle.currency), "spent_share": r["spent_minor"] / envelope,
            "spent_pct": format_pct(r["spent_minor"] / envelope),
            "non_empty_share": r["percent_non_empty_handed"], "non_empty": format_pct(r["percent_non_empty_handed"]),
            "non_empty_count": format_number(r["non_empty_handed"]),
            "gini": format_number(round(r["gini"], 2), 2),
        })
    links = [{"key": s, "label": source_label(s), "current": s == data.source,
              "url": url_for("cycles.cycle_detail", slug=cycle.council.slug, cycle_id=cycle.id, sandbox=s)
              + "#sandbox-title"} for s in found["sources"]]
    return {"empty": False, "source": data.source, "source_label": source_label(data.source),
            "origin": _origin_sentence(data), "limits": _limits(data, found["rows"], cycle.currency), "rows": rows, "sources": links,
            "voters": len(data.ballots), "chart": charts.payload(charts.sandbox_chart(rows))}
