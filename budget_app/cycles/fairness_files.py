"""The fairness report and the per-proposal margins as files (CSV and Excel), for the results page
and the citizen budget's open data, with the Data Package schema of their columns.

One builder for both: the results page reads the cycle's stored tally (``entries_from_tally``,
``margin_rows_from_tally``), the open data the published snapshot (``entries_from_snapshot``,
``margin_rows_from_snapshot``); both give the same columns. The CSV headers are the field names
(machine-readable, described by ``schema``); the Excel headers are "Arabic / English". Money is in
currency units as exact decimal strings ("1234.50"), shares between 0 and 1.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from flask_babel import force_locale
from flask_babel import gettext as _

from budget_app.cycles.fairness_text import margin_minor
from budget_app.tally.rules import TALLY_RULES

if TYPE_CHECKING:  # annotations only: the module itself imports it where it is used
    import pandas as pd

# name, Table Schema type, Arabic header, English header, description
FAIRNESS_FIELDS = [
    ("rule", "string", "القاعدة (رمز)", "Rule (code)", "Tally rule: greedy, mes, mes-add1 or phragmen"),
    ("rule_name_ar", "string", "القاعدة بالعربية", "Rule (Arabic)", "The rule's name in Arabic"),
    ("rule_name_en", "string", "القاعدة بالإنجليزية", "Rule (English)", "The rule's name in English"),
    ("outcome", "string", "المجموعة الموصوفة", "Set described",
     "computed: the proposals the rule funded; funded: the set actually funded after the budget director's change"),
    ("cycle_rule", "boolean", "قاعدة الدورة", "The cycle's rule", "true for the rule the cycle was decided by"),
    ("num_voters", "integer", "عدد المصوّتين", "Voters", "Ballots counted"),
    ("voters_with_funded_proposal", "integer", "مصوّتون لهم مقترح ممول", "Voters with a funded proposal",
     "Voters who supported at least one funded proposal"),
    ("percent_non_empty_handed", "number", "نسبة المصوّتين الذين لهم مقترح ممول", "Share of voters with a funded proposal",
     "voters_with_funded_proposal / num_voters (0 to 1)"),
    ("avg_satisfaction", "number", "متوسط الرضا", "Average satisfaction",
     "Mean satisfaction: the cost of the funded proposals a voter supported (currency units) for approval "
     "ballots, the points a voter gave funded proposals for points ballots"),
    ("satisfaction_kind", "string", "نوع الرضا", "Satisfaction measured as", "cost or points"),
    ("gini_coefficient_of_satisfaction", "number", "معامل جيني للرضا", "Gini coefficient of satisfaction",
     "0 when every voter gets the same, near 1 when a few get everything"),
    ("budget", "number", "المخصص الإجمالي", "Envelope", "The envelope (currency units)"),
    ("spent", "number", "المبلغ المُنفق", "Spent", "Cost of the funded proposals (currency units)"),
    ("unspent", "number", "المبلغ غير المُنفق", "Not spent", "budget - spent (currency units)"),
    ("ejr_up_to_one", "string", "التمثيل المبرَّر الموسَّع حتى مقترح واحد", "EJR up to one proposal",
     "satisfied, not_satisfied or not_checked (exact check)"),
    ("pjr", "string", "التمثيل المبرَّر النسبي", "PJR", "satisfied, not_satisfied or not_checked (exact check)"),
]
MARGIN_FIELDS = [
    ("budget_line_code", "string", "رمز بند الموازنة", "Budget-line code", "The proposal's budget-line code"),
    ("title_ar", "string", "العنوان بالعربية", "Title (Arabic)", "The proposal's title in Arabic"),
    ("title_en", "string", "العنوان بالإنجليزية", "Title (English)", "The proposal's title in English"),
    ("funded", "boolean", "مموَّل", "Funded", "Funded by the rule"),
    ("cost", "number", "التكلفة", "Cost", "The proposal's cost (currency units)"),
    ("max_cost_funded", "number", "أعلى تكلفة كان سيُموَّل بها", "Highest cost at which it would have been funded",
     "Not funded: the highest cost at which it would have been funded, all else equal (checked by re-running "
     "the rule); empty when none"),
    ("extra_supporters_needed", "integer", "مؤيدون إضافيون لازمون", "Extra supporters needed",
     "Not funded: supporters to add (ballots for it alone) before it would have been funded; empty when not "
     "within the search cap"),
    ("cost_headroom", "number", "هامش التكلفة", "Cost headroom",
     "Funded: how much more it could have cost and still been funded (currency units)"),
    ("supporters_to_spare", "integer", "مؤيدون يمكن الاستغناء عنهم", "Supporters to spare",
     "Funded: how many of its supporters could have stayed home before it would have dropped out"),
    ("not_within", "integer", "حدّ البحث", "Search cap reached",
     "When set, even this many extra supporters were not enough (the search stopped there)"),
]
NUMBER_TYPES = ("number", "integer")


def _decimal(value) -> str:
    """Currency units (int, float or Fraction) as an exact decimal string with two places."""
    if value is None or value == "":
        return ""
    return str((Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction)
                else Decimal(str(value))).quantize(Decimal("0.01")))


def _minor(minor) -> str:
    return "" if minor is None else str((Decimal(int(minor)) / 100).quantize(Decimal("0.01")))


def _check(check: dict | None) -> str:
    if not check or check.get("satisfied") is None:
        return "not_checked"
    return "satisfied" if check["satisfied"] else "not_satisfied"


def _rule_names(rule: str) -> tuple[str, str]:
    label = TALLY_RULES[rule].label if rule in TALLY_RULES else rule
    with force_locale("ar"):
        arabic = _(label)
    return arabic, label


def entries_from_tally(tally: dict | None, cycle_rule: str, override: dict | None = None) -> list[dict]:
    """The reports a cycle's stored tally holds: one per rule compared (``outcome`` computed) and,
    after a director's change, the report of the set actually funded (``outcome`` funded)."""
    tally = tally or {}
    props = tally.get("proportionality") or {}
    out = [{"rule": rule, "outcome": "computed", "report": report, "proportionality": props.get(rule) or {},
            "own": rule == cycle_rule} for rule, report in (tally.get("fairness") or {}).items()]
    funded = (override or {}).get("fairness")
    if funded:
        out.append({"rule": cycle_rule, "outcome": "funded", "report": funded,
                    "proportionality": (override or {}).get("proportionality") or {}, "own": True})
    return out


def entries_from_snapshot(fairness: dict | None) -> list[dict]:
    """The reports a published snapshot keeps (``citizen_budget.snapshot``: the cycle's rule and, after
    a director's change, the set actually funded)."""
    if not fairness or not fairness.get("report"):
        return []
    out = [{"rule": fairness["rule"], "outcome": "computed", "report": fairness["report"],
            "proportionality": fairness.get("proportionality") or {}, "own": True}]
    funded = fairness.get("funded")
    if funded and funded.get("report"):
        out.append({"rule": fairness["rule"], "outcome": "funded", "report": funded["report"],
                    "proportionality": funded.get("proportionality") or {}, "own": True})
    return out


def fairness_records(entries: list[dict]) -> list[dict]:
    """One record per report, keyed by ``FAIRNESS_FIELDS``."""
    records = []
    for e in entries:
        rep, prop = e["report"], e["proportionality"]
        unspent = rep.get("unspent") or {}
        arabic, english = _rule_names(e["rule"])
        records.append({
            "rule": e["rule"], "rule_name_ar": arabic, "rule_name_en": english, "outcome": e["outcome"],
            "cycle_rule": "true" if e["own"] else "false", "num_voters": rep.get("num_voters", ""),
            "voters_with_funded_proposal": rep.get("non_empty_handed", ""),
            "percent_non_empty_handed": rep.get("percent_non_empty_handed", ""),
            "avg_satisfaction": rep.get("avg_satisfaction", ""), "satisfaction_kind": rep.get("satisfaction_kind", ""),
            "gini_coefficient_of_satisfaction": rep.get("gini_coefficient_of_satisfaction", ""),
            "budget": _decimal(unspent.get("budget")), "spent": _decimal(unspent.get("spent")),
            "unspent": _decimal(unspent.get("unspent")),
            "ejr_up_to_one": _check(prop.get("ejr_up_to_one")), "pjr": _check(prop.get("pjr")),
        })
    return records


def margin_rows_from_tally(tally: dict | None, proposals) -> list[dict]:
    """Each proposal with its stored margins (minor units, see ``fairness_text.margin_minor``)."""
    tally = tally or {}
    stored = tally.get("margins") or {}
    selected = set((tally.get("main") or {}).get("selected") or [])
    return [{"code": p.code, "title_ar": p.title_ar, "title_en": p.title_en or "", "funded": p.code in selected,
             "cost_minor": int(p.cost_minor), "margin": margin_minor(stored.get(p.code))}
            for p in sorted(proposals, key=lambda p: p.code)]


def margin_rows_from_snapshot(snapshot: dict) -> list[dict]:
    """Each allocation of a snapshot with its margins. A proposal the director added or removed has
    none (its margins were about the rule's decision); ``funded`` is the rule's decision."""
    rows = []
    for a in snapshot["allocations"]:
        funded = a["funded"] if a.get("override") not in ("added", "removed") else a["override"] == "removed"
        rows.append({"code": a["code"], "title_ar": a["title_ar"], "title_en": a.get("title_en") or "",
                     "funded": funded, "cost_minor": a["amount_minor"], "margin": a.get("margin")})
    return rows


def margin_records(rows: list[dict]) -> list[dict]:
    """One record per proposal, keyed by ``MARGIN_FIELDS``."""
    out = []
    for r in rows:
        m = r["margin"] or {}
        count = lambda key: "" if m.get(key) is None else int(m[key])  # noqa: E731
        out.append({"budget_line_code": r["code"], "title_ar": r["title_ar"], "title_en": r["title_en"],
                    "funded": "true" if r["funded"] else "false", "cost": _minor(r["cost_minor"]),
                    "max_cost_funded": _minor(m.get("max_cost_funded_minor")),
                    "extra_supporters_needed": count("extra_supporters_needed"),
                    "cost_headroom": _minor(m.get("cost_headroom_minor")),
                    "supporters_to_spare": count("supporters_to_spare"), "not_within": count("not_within")})
    return out


TABLES = {"fairness": FAIRNESS_FIELDS, "margins": MARGIN_FIELDS}


def frame(table: str, records: list[dict]) -> pd.DataFrame:
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    return pd.DataFrame(records, columns=[f[0] for f in TABLES[table]]).fillna("")


def excel_frame(table: str, records: list[dict]) -> pd.DataFrame:
    """Numbers as numbers, headers "Arabic / English"."""
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    out = frame(table, records)
    for key, ftype, *_rest in TABLES[table]:
        if ftype in NUMBER_TYPES:
            out[key] = pd.to_numeric(out[key].replace("", None), errors="coerce")
    out.columns = [f"{ar} / {en}" for _key, _type, ar, en, _d in TABLES[table]]
    return out


def schema(table: str) -> dict:
    """The Table Schema of a file's columns (for the Data Package descriptor)."""
    fields = []
    for key, ftype, _ar, en, description in TABLES[table]:
        field = {"name": key, "type": ftype, "title": en, "description": description}
        if key in ("outcome",):
            field["constraints"] = {"enum": ["computed", "funded"]}
        elif key in ("ejr_up_to_one", "pjr"):
            field["constraints"] = {"enum": ["satisfied", "not_satisfied", "not_checked"]}
        elif key == "satisfaction_kind":
            field["constraints"] = {"enum": ["cost", "points"]}
        elif ftype == "number" and key not in ("avg_satisfaction",):
            field["decimalChar"] = "."
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}
