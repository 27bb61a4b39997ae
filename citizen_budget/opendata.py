"""Open data of a published version: CSV, Excel, JSON and a Fiscal Data Package.

Everything is built from the frozen snapshot. Text cells are neutralized against formula
injection (``budget_app.exports.safe_frame``). No personal data is in a snapshot.
"""
from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal
from typing import TYPE_CHECKING


from flask_babel import force_locale
from flask_babel import gettext as _

from budget_app.cycles import fairness_files
from budget_app.exports import safe_frame, xlsx_bytes
from citizen_budget.figures import compute, name
from citizen_budget.labels import REASON_CODEBOOK, explanation_sentence
from citizen_budget.records import allocation_record

if TYPE_CHECKING:  # annotations only: the module itself imports it where it is used
    import pandas as pd

LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}


def major(minor: int | None) -> str:
    """Minor units as a decimal string in major units ("1234.50"): exact, never a float."""
    if minor is None:
        return ""
    return str((Decimal(int(minor)) / 100).quantize(Decimal("0.01")))


def _ref_code(ref) -> str:
    return ref["code"] if ref else ""


def version_meta(snapshot: dict, version) -> dict:
    return {"council": snapshot["council"]["slug"], "fiscal_year": snapshot["fiscal_year"],
            "version": version.number, "content_hash": version.content_hash,
            "published_at": version.published_at.isoformat(timespec="seconds") + "Z", "note": version.note or "",
            "currency": snapshot["currency"]}


def reason_code(allocation: dict) -> str:
    """The ``decision_reason`` code (see the codebook); a director's change has its own code."""
    if allocation.get("override") in ("added", "removed"):
        return f"override_{allocation['override']}"
    return (allocation.get("explanation") or {}).get("reason", "")


def _sentences(snapshot: dict, lang: str) -> dict[str, str]:
    """Each allocation's plain-language reason in ``lang``; a director's change carries the reason itself."""
    titles = {a["code"]: a.get(f"title_{lang}") or a["title_ar"] for a in snapshot["allocations"]}
    override_reason = (snapshot.get("cycle") or {}).get("override_reason") or ""
    with force_locale(lang):
        out = {}
        for a in snapshot["allocations"]:
            if a.get("override") in ("added", "removed") and override_reason:
                text = str(REASON_CODEBOOK[f"override_{a['override']}"])
                out[a["code"]] = " ".join((text, _("Reason given:"), override_reason))
            else:
                out[a["code"]] = explanation_sentence(a, snapshot["currency"], titles)
    return out


def allocations_frame(snapshot: dict) -> pd.DataFrame:
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    rows = []
    why_ar, why_en = _sentences(snapshot, "ar"), _sentences(snapshot, "en")
    for a in snapshot["allocations"]:
        execution = a.get("execution") or {}
        rows.append({
            "budget_line_code": a["code"], "title_ar": a["title_ar"], "title_en": a["title_en"],
            "funded": "yes" if a["funded"] else "no",
            "sector_code": _ref_code(a["sector"]), "sector_ar": name(a["sector"], "ar"),
            "sector_en": name(a["sector"], "en"),
            "locality_code": _ref_code(a["locality"]), "locality_ar": name(a["locality"], "ar"),
            "locality_en": name(a["locality"], "en"),
            "target_groups": ", ".join(t["code"] for t in a["target_groups"] if t),
            "amount": major(a["amount_minor"]),
            "executed": major(execution.get("executed_minor")) if a["funded"] else "",
            "progress_pct": execution.get("progress_pct") if execution.get("progress_pct") is not None else "",
            "over_allocation": ("yes" if execution.get("over_allocation") else "no") if a["funded"] else "",
            "beneficiaries": a.get("beneficiaries") if a.get("beneficiaries") is not None else "",
            "votes": a.get("votes", 0),
            "decision_reason": reason_code(a),
            "decision_reason_ar": why_ar[a["code"]],
            "decision_reason_en": why_en[a["code"]],
            "currency": snapshot["currency"],
        })
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else ["budget_line_code"])


def funding_frame(snapshot: dict) -> pd.DataFrame:
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    return pd.DataFrame([{"funding_source_code": s["code"], "name_ar": s["name_ar"], "name_en": s["name_en"],
                          "amount": major(s["amount_minor"]), "currency": snapshot["currency"]}
                         for s in snapshot["funding_sources"]],
                        columns=["funding_source_code", "name_ar", "name_en", "amount", "currency"])


def execution_frame(snapshot: dict) -> pd.DataFrame:
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    rows = []
    for a in snapshot["allocations"]:
        for s in (a.get("execution") or {}).get("spending", []):
            rows.append({"budget_line_code": a["code"], "quarter": s["quarter"],
                         "funding_source_code": s["funding_source"] or "", "amount": major(s["amount_minor"]),
                         "currency": snapshot["currency"]})
    return pd.DataFrame(rows, columns=["budget_line_code", "quarter", "funding_source_code", "amount", "currency"])


def timeline_frame(snapshot: dict) -> pd.DataFrame:
    """Every allocation record's timeline (citizen_budget.records), one row per dated event."""
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    columns = ["budget_line_code", "date", "event", "title_ar", "title_en", "status", "amount", "spent_so_far",
               "currency"]
    rows = []
    for a in snapshot["allocations"]:
        for r in allocation_record(snapshot, a["code"])["timeline"]:
            rows.append({"budget_line_code": a["code"], "date": r["on"], "event": r["kind"],
                         "title_ar": r["title_ar"], "title_en": r["title_en"], "status": r["status"] or "",
                         "amount": major(r["amount_minor"]), "spent_so_far": major(r["cumulative_minor"]),
                         "currency": snapshot["currency"]})
    return pd.DataFrame(rows, columns=columns)


def records_document(snapshot: dict) -> list[dict]:
    """Every allocation's public record, as the record page and the API show it."""
    return [allocation_record(snapshot, a["code"]) for a in snapshot["allocations"]]


# Fiscal Data Package -----------------------------------------------------------------
FDP_FIELDS = [
    ("fiscal_year", "year", "date:fiscal-year", "Fiscal year (calendar year)"),
    ("fiscal_period_start", "date", "date:fiscal-period:start", "First day of the fiscal period"),
    ("fiscal_period_end", "date", "date:fiscal-period:end", "Last day of the fiscal period"),
    ("quarter", "integer", "date:fiscal-period:quarter", "Quarter of the spending (executed rows only)"),
    ("direction", "string", "direction", "expenditure or revenue"),
    ("phase", "string", "phase", "approved or executed"),
    ("amount", "number", "value", "Amount in the currency of the row"),
    ("currency", "string", "currency", "ISO 4217 currency code"),
    ("administrative_code", "string", "administrative-classification:generic:level1:code",
     "The joint planning council"),
    ("functional_code", "string", "functional-classification:generic:level1:code", "Sector (code)"),
    ("functional_label_ar", "string", "functional-classification:generic:level1:label", "Sector (Arabic)"),
    ("functional_label_en", "string", "functional-classification:generic:level1:label", "Sector (English)"),
    ("programme_code", "string", "activity:generic:program:code", "Budget-line code of the allocation"),
    ("programme_label_ar", "string", "activity:generic:program:label", "Allocation title (Arabic)"),
    ("programme_label_en", "string", "activity:generic:program:label", "Allocation title (English)"),
    ("funding_source_code", "string", "fin-source:generic:code", "Funding source (code)"),
    ("funding_source_label_ar", "string", "fin-source:generic:label", "Funding source (Arabic)"),
    ("funding_source_label_en", "string", "fin-source:generic:label", "Funding source (English)"),
    ("location_code", "string", "geo-source:target:code", "Locality (code)"),
    ("location_label_ar", "string", "geo-source:target:label", "Locality (Arabic)"),
    ("location_label_en", "string", "geo-source:target:label", "Locality (English)"),
]


def fdp_frame(snapshot: dict) -> pd.DataFrame:
    """Long format: one row per approved amount (by funding source) and per executed amount (by quarter)."""
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    year, currency, council = snapshot["fiscal_year"], snapshot["currency"], snapshot["council"]["slug"]
    sources = {s["code"]: s for s in snapshot["funding_sources"]}
    common = {"fiscal_year": year, "fiscal_period_start": f"{year}-01-01", "fiscal_period_end": f"{year}-12-31",
              "currency": currency, "administrative_code": council}
    rows = []
    for s in snapshot["funding_sources"]:
        rows.append({**common, "quarter": "", "direction": "revenue", "phase": "approved",
                     "amount": major(s["amount_minor"]), "funding_source_code": s["code"],
                     "funding_source_label_ar": s["name_ar"], "funding_source_label_en": s["name_en"]})

    def allocation_columns(a):
        return {"functional_code": _ref_code(a["sector"]), "functional_label_ar": name(a["sector"], "ar"),
                "functional_label_en": name(a["sector"], "en"), "programme_code": a["code"],
                "programme_label_ar": a["title_ar"], "programme_label_en": a["title_en"],
                "location_code": _ref_code(a["locality"]), "location_label_ar": name(a["locality"], "ar"),
                "location_label_en": name(a["locality"], "en")}

    for a in snapshot["allocations"]:
        if not a["funded"]:
            continue
        base = {**common, **allocation_columns(a), "direction": "expenditure"}
        split = 0
        for f in a.get("funding") or []:
            amount = min(f["amount_minor"], a["amount_minor"] - split)
            if amount <= 0:
                continue
            split += amount
            rows.append({**base, "quarter": "", "phase": "approved", "amount": major(amount),
                         "funding_source_code": f["code"],
                         "funding_source_label_ar": name(sources.get(f["code"]), "ar"),
                         "funding_source_label_en": name(sources.get(f["code"]), "en")})
        if a["amount_minor"] > split:
            rows.append({**base, "quarter": "", "phase": "approved", "amount": major(a["amount_minor"] - split),
                         "funding_source_code": "", "funding_source_label_ar": "", "funding_source_label_en": ""})
        for s in (a.get("execution") or {}).get("spending", []):
            rows.append({**base, "quarter": s["quarter"], "phase": "executed", "amount": major(s["amount_minor"]),
                         "funding_source_code": s["funding_source"] or "",
                         "funding_source_label_ar": name(sources.get(s["funding_source"]), "ar"),
                         "funding_source_label_en": name(sources.get(s["funding_source"]), "en")})
    columns = [f[0] for f in FDP_FIELDS]
    frame = pd.DataFrame(rows, columns=columns).fillna("")
    return frame


def fdp_csv(snapshot: dict) -> bytes:
    return safe_frame(fdp_frame(snapshot)).to_csv(index=False, lineterminator="\n").encode("utf-8")


def datapackage(snapshot: dict, version, csv_path: str = "budget.csv") -> dict:
    """The ``datapackage.json`` descriptor (Frictionless Tabular Data Package, annotated as a Fiscal
    Data Package: ``columnType`` on every field, fiscal period, currency, direction and phase)."""
    year, council = snapshot["fiscal_year"], snapshot["council"]
    fields = []
    for key, ftype, column_type, description in FDP_FIELDS:
        field = {"name": key, "type": ftype, "columnType": column_type, "description": description}
        if key == "direction":
            field["constraints"] = {"required": True, "enum": ["expenditure", "revenue"]}
        elif key == "phase":
            field["constraints"] = {"required": True, "enum": ["approved", "executed"]}
        elif key == "currency":
            field["constraints"] = {"required": True, "pattern": "[A-Z]{3}"}
        elif key == "amount":
            field["constraints"] = {"required": True, "minimum": 0}
            field["decimalChar"] = "."
        elif key == "quarter":
            field["constraints"] = {"minimum": 1, "maximum": 4}
        fields.append(field)
    return {
        "profile": "tabular-data-package",
        "name": f"citizen-budget-{council['slug']}-{year}-v{version.number}",
        "title": f"{council['name_en']} — citizen budget {year} (version {version.number})",
        "description": f"Approved allocations and execution of the joint planning council for social services "
                       f"({council['name_en']}), fiscal year {year}. Published on "
                       f"{version.published_at.date().isoformat()}; snapshot SHA-256 {version.content_hash}.",
        "version": f"{version.number}.0.0",
        "created": version.published_at.isoformat(timespec="seconds") + "Z",
        "licenses": [LICENSE],
        "keywords": ["fiscal-data-package", "citizen-budget", "participatory-budgeting", "Palestine"],
        "countryCode": "PS",
        "fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "currency": snapshot["currency"],
        "resources": [{
            "name": "budget",
            "path": csv_path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": fields, "missingValues": [""]},
        }, *report_resources(snapshot)],
        "model": {
            "measures": {"amount": {"source": "amount", "currency": snapshot["currency"]}},
            "dimensions": {
                "date": {"attributes": {"year": {"source": "fiscal_year"}}, "dimensionType": "datetime"},
                "direction": {"attributes": {"direction": {"source": "direction"}}, "dimensionType": "other"},
                "phase": {"attributes": {"phase": {"source": "phase"}}, "dimensionType": "other"},
                "functional-classification": {"attributes": {
                    "code": {"source": "functional_code"}, "label": {"source": "functional_label_en"}},
                    "primaryKey": "code", "dimensionType": "classification", "classificationType": "functional"},
                "activity": {"attributes": {
                    "code": {"source": "programme_code"}, "label": {"source": "programme_label_en"}},
                    "primaryKey": "code", "dimensionType": "activity"},
                "funding-source": {"attributes": {
                    "code": {"source": "funding_source_code"}, "label": {"source": "funding_source_label_en"}},
                    "primaryKey": "code", "dimensionType": "fact"},
                "location": {"attributes": {
                    "code": {"source": "location_code"}, "label": {"source": "location_label_en"}},
                    "primaryKey": "code", "dimensionType": "location"},
            },
        },
    }


def report_records(snapshot: dict, table: str) -> list[dict]:
    """The fairness report (``fairness``) or the margins (``margins``) of a snapshot, as records keyed by
    the columns of ``budget_app.cycles.fairness_files`` (empty when the tally had no report)."""
    if not snapshot.get("fairness"):
        return []
    if table == "fairness":
        return fairness_files.fairness_records(fairness_files.entries_from_snapshot(snapshot["fairness"]))
    return fairness_files.margin_records(fairness_files.margin_rows_from_snapshot(snapshot))


def report_csv(snapshot: dict, table: str) -> bytes:
    frame = fairness_files.frame(table, report_records(snapshot, table))
    return safe_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def report_workbook(snapshot: dict, table: str) -> bytes:
    return xlsx_bytes({table: fairness_files.excel_frame(table, report_records(snapshot, table))})


def report_resources(snapshot: dict) -> list[dict]:
    """The Data Package resources of the fairness report and the margins (none without a report)."""
    if not snapshot.get("fairness"):
        return []
    titles = {"fairness": "Fairness report: who got something, how evenly, proportionality (per rule and set)",
              "margins": "What it would have taken: per-proposal margins, checked by re-running the rule"}
    return [{"name": table, "title": titles[table], "path": f"{table}.csv", "profile": "tabular-data-resource",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": fairness_files.schema(table)}
            for table in fairness_files.TABLES]


def datapackage_zip(snapshot: dict, version) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("datapackage.json", json.dumps(datapackage(snapshot, version), ensure_ascii=False, indent=2))
        zf.writestr("budget.csv", fdp_csv(snapshot))
        for resource in report_resources(snapshot):
            zf.writestr(resource["path"], report_csv(snapshot, resource["name"]))
    return buffer.getvalue()


def json_document(snapshot: dict, version) -> dict:
    f = compute(snapshot)
    return {"version": version_meta(snapshot, version), "snapshot": snapshot, "records": records_document(snapshot),
            "totals": {"envelope": major(f.envelope_minor), "allocated": major(f.allocated_minor),
                       "executed": major(f.executed_minor), "funding": major(f.funding_total_minor)}}


# Column headers of the Excel workbook, in both languages (the CSV and JSON keep the keys).
COLUMN_LABELS = {
    "budget_line_code": ("رمز بند الموازنة", "Budget-line code"), "title_ar": ("العنوان بالعربية", "Title (Arabic)"),
    "title_en": ("العنوان بالإنجليزية", "Title (English)"), "funded": ("مموَّل", "Funded"),
    "sector_code": ("رمز القطاع", "Sector code"), "sector_ar": ("القطاع بالعربية", "Sector (Arabic)"),
    "sector_en": ("القطاع بالإنجليزية", "Sector (English)"), "locality_code": ("رمز التجمع السكاني", "Locality code"),
    "locality_ar": ("التجمع السكاني بالعربية", "Locality (Arabic)"),
    "locality_en": ("التجمع السكاني بالإنجليزية", "Locality (English)"),
    "target_groups": ("الفئات المستهدفة (رموز)", "Target groups (codes)"), "amount": ("المبلغ", "Amount"),
    "executed": ("المصروف", "Spent"), "progress_pct": ("نسبة الإنجاز %", "Work done %"),
    "over_allocation": ("صُرف أكثر من المخصّص", "Spent more than allocated"),
    "beneficiaries": ("عدد المستفيدين المتوقّع", "People expected to benefit"), "votes": ("الأصوات", "Votes"),
    "decision_reason": ("رمز سبب القرار", "Decision reason (code)"),
    "decision_reason_ar": ("سبب القرار بالعربية", "Decision reason (Arabic)"),
    "decision_reason_en": ("سبب القرار بالإنجليزية", "Decision reason (English)"),
    "currency": ("العملة", "Currency"), "funding_source_code": ("رمز مصدر التمويل", "Funding source code"),
    "name_ar": ("الاسم بالعربية", "Name (Arabic)"), "name_en": ("الاسم بالإنجليزية", "Name (English)"),
    "quarter": ("الربع", "Quarter"), "fiscal_year": ("السنة المالية", "Fiscal year"),
    "date": ("التاريخ", "Date"), "event": ("الحدث (رمز)", "Event (code)"), "status": ("الحالة", "Status"),
    "spent_so_far": ("المصروف حتى ذلك التاريخ", "Spent so far"),
    "fiscal_period_start": ("بداية الفترة المالية", "Fiscal period start"),
    "fiscal_period_end": ("نهاية الفترة المالية", "Fiscal period end"), "direction": ("الاتجاه", "Direction"),
    "phase": ("المرحلة", "Phase"), "administrative_code": ("المجلس", "Council"),
    "functional_code": ("رمز القطاع", "Sector code"), "functional_label_ar": ("القطاع بالعربية", "Sector (Arabic)"),
    "functional_label_en": ("القطاع بالإنجليزية", "Sector (English)"),
    "programme_code": ("رمز بند الموازنة", "Budget-line code"),
    "programme_label_ar": ("المخصّص بالعربية", "Allocation (Arabic)"),
    "programme_label_en": ("المخصّص بالإنجليزية", "Allocation (English)"),
    "funding_source_label_ar": ("مصدر التمويل بالعربية", "Funding source (Arabic)"),
    "funding_source_label_en": ("مصدر التمويل بالإنجليزية", "Funding source (English)"),
    "location_code": ("رمز التجمع السكاني", "Locality code"),
    "location_label_ar": ("التجمع السكاني بالعربية", "Locality (Arabic)"),
    "location_label_en": ("التجمع السكاني بالإنجليزية", "Locality (English)"),
}
NUMBER_COLUMNS = ("amount", "executed", "progress_pct", "beneficiaries", "votes", "quarter", "fiscal_year",
                  "spent_so_far")


def _for_excel(frame: pd.DataFrame) -> pd.DataFrame:
    """Amounts and counts as numbers (not text), headers "Arabic / English"."""
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    out = frame.copy()
    for column in NUMBER_COLUMNS:
        if column in out.columns:
            out[column] = pd.to_numeric(out[column].replace("", None), errors="coerce")
    out.columns = [" / ".join(COLUMN_LABELS.get(c, (c, c))) for c in out.columns]
    return out


def codebook_frame() -> pd.DataFrame:
    """What each ``decision_reason`` code means, in Arabic and English."""
    import pandas as pd  # pandas: imported when a download is built, not at start-up
    rows = []
    for code, text in REASON_CODEBOOK.items():
        with force_locale("ar"):
            arabic = str(text)
        with force_locale("en"):
            english = str(text)
        rows.append({"رمز / Code": code, "المعنى / Meaning (Arabic)": arabic, "Meaning (English)": english})
    return pd.DataFrame(rows)


def workbook(snapshot: dict) -> bytes:
    return xlsx_bytes({"allocations": _for_excel(allocations_frame(snapshot)),
                       "funding_sources": _for_excel(funding_frame(snapshot)),
                       "execution": _for_excel(execution_frame(snapshot)),
                       "timeline": _for_excel(timeline_frame(snapshot)),
                       "fiscal_data": _for_excel(fdp_frame(snapshot)),
                       "decision_reasons": codebook_frame()})
