"""The fairness report and the per-proposal margins stored with a tally, as sentences and tables in
the page language (translated templates, numbers through Babel).

Reads only the tally snapshot (``fairness``, ``proportionality`` and ``margins``, see
``budget_app.tally.report``) and the reference lists for group names.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from budget_app.cache import LRU
from budget_app.cycles.models import RULE_LABELS
from budget_app.cycles.tallying import funded_report, units_to_minor
from budget_app.i18n import format_money, format_number, format_pct, localized
from budget_app.reference.models import Locality, Sector, TargetGroup
from budget_app.tally.design import check_design
from budget_app.tally.rules import completes

DIMENSIONS = ("target_group", "sector", "locality")


def _minor(units) -> int | None:
    return None if units is None else units_to_minor(units)


def margin_minor(rec: dict | None) -> dict | None:
    """A stored margins record (currency units) in integer minor units, for the citizen snapshot."""
    if not rec or rec.get("not_computed"):
        return None
    return {"max_cost_funded_minor": _minor(rec.get("max_cost_funded")),
            "extra_supporters_needed": rec.get("extra_supporters_needed"),
            "cost_headroom_minor": _minor(rec.get("cost_headroom")),
            "supporters_to_spare": rec.get("supporters_to_spare"),
            "not_within": rec.get("not_within")}


def margin_sentence(m: dict | None, cost_minor: int, funded: bool, currency: str) -> str:
    """"Would have been funded with 3 more supporters, or at ₪40,000 less." (``m``: see
    :func:`margin_minor`; empty when there is nothing checked to say)."""
    if not m:
        return ""
    if not funded:
        k = m.get("extra_supporters_needed")
        c = m.get("max_cost_funded_minor")
        less = None if c is None else format_money(cost_minor - c, currency)
        if k is not None and less is not None:
            return ngettext("Would have been funded with %(n)s more supporter, or at %(amount)s less.",
                            "Would have been funded with %(n)s more supporters, or at %(amount)s less.",
                            k, n=format_number(k), amount=less)
        if k is not None:
            text = ngettext("Would have been funded with %(n)s more supporter.",
                            "Would have been funded with %(n)s more supporters.", k, n=format_number(k))
        elif less is not None:
            text = _("Would have been funded at %(amount)s less.", amount=less)
        else:
            text = ""
        if m.get("not_within"):
            text = (text + " " if text else "") + ngettext(
                "Not even %(n)s more supporter would have been enough.",
                "Not even %(n)s more supporters would have been enough.", m["not_within"],
                n=format_number(m["not_within"]))
        if not text:
            text = _("It would not have been funded even at no cost.")
        return text
    parts = []
    h = m.get("cost_headroom_minor")
    if h:
        parts.append(_("It could have cost %(amount)s more and still been funded.", amount=format_money(h, currency)))
    elif h == 0:
        parts.append(_("At any higher cost it would not have been funded."))
    s = m.get("supporters_to_spare")
    if s:
        parts.append(ngettext("%(n)s of its supporters could have stayed home and it would still have been funded.",
                              "%(n)s of its supporters could have stayed home and it would still have been funded.",
                              s, n=format_number(s)))
    elif s == 0:
        parts.append(_("One supporter fewer would have left it out."))
    return " ".join(parts)


def _group_names(dim: str, keys) -> dict[str, str]:
    model = {"target_group": TargetGroup, "sector": Sector, "locality": Locality}[dim]
    ids = [int(k) for k in keys if str(k).isdigit()]
    rows = model.query.filter(model.id.in_(ids)).all() if ids else []
    return {str(r.id): localized(r) for r in rows}


def _proportionality_sentence(check: dict, guarantee: str | None, titles: dict, currency: str, cardinal: bool) -> str:
    name = {"ejr_up_to_one": _("extended justified representation up to one proposal (EJR)"),
            "pjr": _("proportional justified representation (PJR)")}[check["property"]]
    if check.get("satisfied") is True:
        return _("Checked exactly: the outcome satisfies %(property)s: no group of like-minded voters got less than "
                 "the share of the envelope its size entitles it to.", property=name)
    if check.get("satisfied") is False:
        g = check["group"]
        proposals = "، ".join(titles.get(c, c) for c in g["projects"]) if titles else ", ".join(g["projects"])
        claim = format_number(g["claim"]) if cardinal else format_money(_minor(g["claim"]), currency)
        return ngettext("Checked exactly: %(property)s is not satisfied. A group of %(n)s voter who all supported "
                        "%(proposals)s was large enough to claim %(claim)s, but got less.",
                        "Checked exactly: %(property)s is not satisfied. A group of %(n)s voters who all supported "
                        "%(proposals)s was large enough to claim %(claim)s, but got less.",
                        g["size"], property=name, n=format_number(g["size"]), proposals=proposals, claim=claim)
    if check.get("reason") == "too_large":
        text = _("Not checked exactly: the election is too large for the exact check of %(property)s.", property=name)
    else:
        text = _("Not decided: the exact check of %(property)s did not finish in the time allowed.", property=name)
    if guarantee == check["property"]:
        text += " " + _("The Method of Equal Shares is proven to satisfy it.")
    return text


def report_sentences(report: dict, prop: dict, rule: str, currency: str, completion: bool,
                     titles: dict, *, of_rule: bool = True) -> tuple[list[str], list[str]]:
    """The fairness report's sentences and the proportionality sentences, in the page language
    (``of_rule`` False: of a set the director chose, which no rule's guarantee covers)."""
    n = report["num_voters"]
    cardinal = report["satisfaction_kind"] == "points"
    sentences = [ngettext("%(pct)s of the voters (%(got)s of %(n)s) supported at least one funded proposal.",
                          "%(pct)s of the voters (%(got)s of %(n)s) supported at least one funded proposal.",
                          n, pct=format_pct(report["percent_non_empty_handed"]),
                          got=format_number(report["non_empty_handed"]), n=format_number(n))]
    if cardinal:
        sentences.append(_("On average a voter gave %(points)s points to proposals that were funded.",
                           points=format_number(round(report["avg_satisfaction"], 1))))
    else:
        sentences.append(_("On average, the funded proposals a voter supported cost %(amount)s together.",
                           amount=format_money(_minor(round(report["avg_satisfaction"])), currency)))
    sentences.append(_("Gini coefficient of this satisfaction: %(gini)s (0 when every voter gets the same, "
                       "near 1 when a few get everything).",
                       gini=format_number(round(report["gini_coefficient_of_satisfaction"], 2), 2)))
    unspent = report.get("unspent") or {}
    if unspent.get("unspent"):
        text = _("%(amount)s of the envelope was not spent.", amount=format_money(_minor(unspent["unspent"]), currency))
        if completes(rule) and unspent.get("fits") and not completion:
            text += " " + ngettext(
                "The Method of Equal Shares stopped when the supporters of the remaining proposals had spent their "
                "share, although %(n)s proposal would still have fitted; a completion step would fund it.",
                "The Method of Equal Shares stopped when the supporters of the remaining proposals had spent their "
                "share, although %(n)s proposals would still have fitted; a completion step would fund them.",
                len(unspent["fits"]), n=format_number(len(unspent["fits"])))
        sentences.append(text)
    proportionality = [_proportionality_sentence(prop[k], prop.get("guarantee"), titles, currency, cardinal)
                       for k in ("ejr_up_to_one", "pjr") if k in prop]
    if prop and not prop.get("guarantee") and of_rule:
        proportionality.append(_("This rule has no proven proportionality guarantee."))
    return sentences, proportionality


SNAPSHOT_KEYS = ("percent_non_empty_handed", "avg_satisfaction", "gini_coefficient_of_satisfaction",
                 "satisfaction_kind", "num_voters", "non_empty_handed", "unspent")


def snapshot_fairness(tally: dict | None, rule: str, override: dict | None = None) -> dict | None:
    """What the citizen snapshot keeps of the fairness report of ``rule``: the numbers of the
    sentences (no histogram, no group tables) and the proportionality checks; after a director's
    change (``override`` holding the funded set's report), ``funded``: the same for the set funded."""
    tally = tally or {}
    report = (tally.get("fairness") or {}).get(rule)
    if not report:
        return None
    out = {"rule": rule, "completion": bool((tally.get("main") or {}).get("completion")),
           "report": {k: report[k] for k in SNAPSHOT_KEYS if k in report},
           "proportionality": (tally.get("proportionality") or {}).get(rule) or {}}
    funded = (override or {}).get("fairness")
    if funded:
        out["funded"] = {"report": {k: funded[k] for k in SNAPSHOT_KEYS if k in funded},
                         "proportionality": (override or {}).get("proportionality") or {}}
    return out


# The funded set's measures of an override stored before it had them, kept per override and tally:
# a city-wide cycle's ballots take seconds to read, and neither changes once the council decided.
_OLD_OVERRIDES = LRU(16)


def funded_side_by_side(cycle, rule_report: dict, rule_prop: dict) -> dict | None:
    """After a director's change: the rule's allocation and the allocation funded, measure by measure
    (``{"rows": [{"measure", "rule", "funded"}], "sentences": [...]}``), None without a change. An
    override stored before the funded set had its report is measured now (without the exact checks)."""
    override = cycle.override
    if not override:
        return None
    funded, prop = override.get("fairness"), override.get("proportionality") or {}
    if not funded:
        key = cycle.decision_key()
        funded = _OLD_OVERRIDES.get(key)
        if funded is None:
            funded = funded_report(cycle, override["selected"], check=False)["fairness"]
            _OLD_OVERRIDES.set(key, funded)
    currency, cardinal = cycle.currency, rule_report["satisfaction_kind"] == "points"

    def measures(rep, checks):
        avg = (format_number(round(rep["avg_satisfaction"], 1)) if cardinal
               else format_money(_minor(round(rep["avg_satisfaction"])), currency))
        return [format_pct(rep["percent_non_empty_handed"]), avg,
                format_number(round(rep["gini_coefficient_of_satisfaction"], 2), 2),
                format_money(_minor((rep.get("unspent") or {}).get("unspent") or 0), currency),
                _short_check(checks.get("ejr_up_to_one")), _short_check(checks.get("pjr"))]

    names = [_("Voters with a funded proposal"), _("Average satisfaction"), _("Gini"), _("Not spent"), "EJR", "PJR"]
    rows = [{"measure": m, "rule": a, "funded": b}
            for m, a, b in zip(names, measures(rule_report, rule_prop), measures(funded, prop))]
    sentences, checks = report_sentences(funded, prop, "", currency, False, {}, of_rule=False)
    return {"rows": rows, "sentences": sentences + checks}


def _short_check(check) -> str:
    if not check or check.get("satisfied") is None:
        return _("not checked")
    return _("yes") if check["satisfied"] else ngettext("no (%(n)s voter left out)", "no (%(n)s voters left out)",
                                                        check["group"]["size"], n=format_number(check["group"]["size"]))


def fairness_view(cycle, proposals) -> dict | None:
    """What the results page shows of the fairness report of the cycle's rule (None for a tally
    stored before the report existed)."""
    snapshot = cycle.tally or {}
    rule = cycle.tally_rule
    report = (snapshot.get("fairness") or {}).get(rule)
    if not report:
        return None
    currency = cycle.currency
    cardinal = report["satisfaction_kind"] == "points"
    titles = {p.code: p.title for p in proposals}
    prop = (snapshot.get("proportionality") or {}).get(rule) or {}
    sentences, proportionality = report_sentences(report, prop, rule, currency,
                                                  bool((snapshot.get("main") or {}).get("completion")), titles)
    bins = report["satisfaction_histogram"]
    last = len(bins) - 1
    hist = [{"label": _("nothing") if i == 0 else format_pct(i / last), "share": share,
             "share_text": format_pct(share)} for i, share in enumerate(bins)]
    groups = []
    titles_dim = {"target_group": _("Target groups"), "sector": _("Sectors"), "locality": _("Localities")}
    for dim in DIMENSIONS:
        rows = (report.get("groups") or {}).get(dim) or []
        if not rows:
            continue
        names = _group_names(dim, [r["label"] for r in rows])
        groups.append({"dim": dim, "title": titles_dim[dim], "rows": [
            {"name": names.get(r["label"], r["label"]), "money_share": r["money_share"],
             "vote_share": r["vote_share"],
             "sentence": _("%(group)s: %(money)s of the money, supported by %(votes)s of the ballots.",
                           group=names.get(r["label"], r["label"]), money=format_pct(r["money_share"]),
                           votes=format_pct(r["vote_share"]))} for r in rows]})
    max_sat = report["max_satisfaction"]
    hist_help = (_("Share of voters by the points they gave to funded proposals, out of the most any voter gave "
                   "(%(max)s).", max=format_number(max_sat)) if cardinal else
                 _("Share of voters by the cost of the funded proposals they supported, as a share of the envelope "
                   "(%(max)s).", max=format_money(_minor(max_sat), currency)))

    short = _short_check
    by_rule = []
    for r, rep in (snapshot.get("fairness") or {}).items():
        checks = (snapshot.get("proportionality") or {}).get(r) or {}
        by_rule.append({
            "rule": r, "label": str(RULE_LABELS.get(r, r)), "own": r == rule,
            "non_empty": format_pct(rep["percent_non_empty_handed"]),
            "avg": (format_number(round(rep["avg_satisfaction"], 1)) if cardinal
                    else format_money(_minor(round(rep["avg_satisfaction"])), currency)),
            "gini": format_number(round(rep["gini_coefficient_of_satisfaction"], 2), 2),
            "unspent": format_money(_minor((rep.get("unspent") or {}).get("unspent") or 0), currency),
            "ejr": short(checks.get("ejr_up_to_one")), "pjr": short(checks.get("pjr")),
        })
    return {"sentences": sentences, "proportionality": proportionality, "histogram": hist, "hist_help": hist_help,
            "groups": groups, "overridden": bool(cycle.override), "by_rule": by_rule, "cardinal": cardinal,
            "funded": funded_side_by_side(cycle, report, prop)}


def margin_texts(cycle, proposals) -> dict[str, str]:
    """code -> margin sentence of every proposal (empty when not computed)."""
    stored = (cycle.tally or {}).get("margins") or {}
    selected = set(((cycle.tally or {}).get("main") or {}).get("selected") or [])
    return {p.code: margin_sentence(margin_minor(stored.get(p.code)), p.cost_minor, p.code in selected, cycle.currency)
            for p in proposals}


def design_warnings(cycle, proposals) -> list[dict]:
    """The ballot-design check of a cycle being prepared, worded: ``[{"text", "fix"}]``."""
    groups: dict[str, list[str]] = {}
    for p in proposals:
        if p.exclusive_group:
            groups.setdefault(p.exclusive_group, []).append(p.code)
    found = check_design({p.code: int(p.cost_minor) for p in proposals}, int(cycle.envelope_minor),
                         method=cycle.method, rule=cycle.tally_rule, max_choices=cycle.max_choices,
                         min_spend_pct=cycle.min_spend_pct, groups=groups)
    money = lambda minor: format_money(minor, cycle.currency)  # noqa: E731
    out = []
    for w in found:
        code = w["code"]
        if code == "equal_costs":
            text = _("%(codes)s cost the same (%(cost)s): if they tie, the budget-line code order decides.",
                     codes="، ".join(w["projects"]), cost=money(w["cost"]))
            fix = _("Check that the costs are right; if a tie is possible, tell the council how it is broken.")
        elif code == "over_half":
            text = _("%(code)s costs %(cost)s, more than half the envelope: funding it leaves little for the rest.",
                     code=w["project"], cost=money(w["cost"]))
            fix = _("Split it into phases, or check that the council accepts it taking most of the money.")
        elif code == "envelope_below_cheapest":
            text = _("The envelope is smaller than the cheapest proposal (%(cost)s): nothing can be funded.",
                     cost=money(w["cheapest"]))
            fix = _("Raise the envelope or add cheaper proposals.")
        elif code == "envelope_covers_all":
            text = _("The envelope covers every proposal together (%(total)s): all are funded whatever the votes.",
                     total=money(w["total"]))
            fix = _("Add proposals or lower the envelope, so that the vote decides something.")
        elif code == "min_spend_unreachable":
            text = _("No ballot can reach the minimum spending of %(minimum)s: the most a ballot can spend is "
                     "%(reachable)s.", minimum=money(w["minimum"]), reachable=money(w["reachable"]))
            fix = _("Lower the minimum share of spending, or allow more choices.")
        elif code == "lonely_group":
            text = _("The exclusive group “%(group)s” has only one proposal (%(code)s): it excludes nothing.",
                     group=w["group"], code=w["project"])
            fix = _("Add its alternatives to the group, or clear the group of this proposal.")
        elif code == "method_ignored":
            text = _("%(rule)s counts approvals only: the points or ranks of this ballot cannot be used.",
                     rule=str(RULE_LABELS.get(w["rule"], w["rule"])))
            fix = _("Choose greedy or the Method of Equal Shares, or an approval ballot.")
        elif code == "too_few_proposals":
            text = ngettext("The ballot allows %(choices)s choices but there is only %(n)s proposal.",
                            "The ballot allows %(choices)s choices but there are only %(n)s proposals.",
                            w["proposals"], choices=format_number(w["max_choices"]), n=format_number(w["proposals"]))
            fix = _("Add proposals or lower the maximum number of choices.")
        else:  # pragma: no cover - a new check without its words
            continue
        out.append({"code": code, "text": text, "fix": fix})
    return out
