"""Spreadsheet imports of a cycle: the column specs (with their help texts) of proposals and
paper ballots, the preview plan, and the all-or-nothing import itself."""
from __future__ import annotations

import hashlib
import json
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from budget_app import audit
from budget_app.cycles.ballots import enter_paper_ballot, validate_choices
from budget_app.cycles.codes import normalize_budget_line_code
from budget_app.cycles.errors import CycleError
from budget_app.cycles.forms import parse_amount
from budget_app.cycles.models import PHASE_VOTING, AllocationProposal, BudgetCycle
from budget_app.cycles.proposals import save_proposal
from budget_app.cycles.rules import ensure_not_frozen
from budget_app.extensions import db
from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup
from budget_app.spreadsheets import Column, Importer, RowError, fiscal_year_column
from priorities.models import Priority


class ImportFailed(CycleError):
    """The file had problems; nothing was imported. ``errors``: list of ``imports.RowError``."""

    def __init__(self, errors):
        super().__init__(ngettext("Nothing was imported: the file has %(num)s problem. Correct it and send the file again.",
                                  "Nothing was imported: the file has %(num)s problems. Correct them and send the file "
                                  "again.", len(errors)))
        self.errors = errors


def _split_list(raw: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,،\n]+", raw or "") if part.strip()]


def _reference_lookup(model) -> dict[str, int]:
    out = {}
    for item in model.query.all():
        for key in (item.code, item.name_ar, item.name_en):
            if key:
                out[key.strip().casefold()] = item.id
    return out


def proposal_columns(cycle: BudgetCycle | None = None):
    """The columns of the proposal import (and of its template)."""
    lookups = {}

    def ref(model, what):
        def parse(raw):
            table = lookups.setdefault(model, _reference_lookup(model))
            key = raw.strip().casefold()
            if key not in table:
                raise ValueError(_("Unknown %(what)s “%(value)s”; use a code or a name from the reference list.",
                                   what=what, value=raw))
            return table[key]
        return parse

    def target_groups(raw):
        table = lookups.setdefault(TargetGroup, _reference_lookup(TargetGroup))
        out = []
        for part in _split_list(raw):
            if part.casefold() not in table:
                raise ValueError(_("Unknown target group “%(value)s”.", value=part))
            out.append(table[part.casefold()])
        return out

    def money(raw):
        try:
            value = parse_amount(raw)
        except Exception:
            raise ValueError(_("“%(value)s” is not an amount; write it like 120000 or 120000.50.", value=raw))
        if value is None or value <= 0:
            raise ValueError(_("The cost must be more than zero."))
        return value

    def funding(raw):
        table = lookups.setdefault(FundingSource, _reference_lookup(FundingSource))
        out = []
        for part in _split_list(raw.replace("،", ";")):
            name, sep, amount = part.rpartition(":")
            if not sep or name.strip().casefold() not in table:
                raise ValueError(_("Write the funding as source: amount; source: amount (e.g. treasury: 50000; "
                                   "eu: 30000)."))
            try:
                value = parse_amount(amount)
            except Exception:
                value = None
            if value is None:
                raise ValueError(_("“%(value)s” is not an amount; write it like 120000 or 120000.50.",
                                   value=amount.strip()))
            out.append((table[name.strip().casefold()], value))
        return out

    def priorities(raw):
        ids = []
        for part in _split_list(raw):
            if not part.lstrip("#").isdigit():
                raise ValueError(_("Write priority numbers separated by commas, e.g. 12, 15."))
            ids.append(int(part.lstrip("#")))
        return ids

    return [
        Column("code", _l("Budget-line code"), True, normalize_budget_line_code,
               _l("Programme/activity code, unique in the cycle; "
                                                             "re-importing a code updates that proposal."),
               "P01-A01"),
        Column("title_ar", _l("Title (Arabic)"), True, None, _l("Short title in Arabic."),
               "تأهيل مركز الإرشاد الأسري في يطا"),
        Column("title_en", _l("Title (English)"), False, None, _l("Optional."), "Family counselling centre, Yatta"),
        Column("description_ar", _l("Description (Arabic)"), False, None, _l("Optional."), ""),
        Column("description_en", _l("Description (English)"), False, None, _l("Optional."), ""),
        Column("sector", _l("Sector"), False, ref(Sector, _("sector")),
               _l("Code or name from the sectors list."), "women-protection"),
        Column("target_groups", _l("Target groups"), False, target_groups,
               _l("Codes or names separated by commas."), "women, children"),
        Column("locality", _l("Locality"), False, ref(Locality, _("locality")),
               _l("Code or name from the localities list."), "yatta"),
        Column("cost", _l("Cost"), True, money, _l("Amount in the cycle's currency, e.g. 120000."), "120000"),
        Column("funding", _l("Funding split"), False, funding,
               _l("source: amount; source: amount — must not exceed the cost."), "treasury: 80000; eu: 40000"),
        Column("exclusive_group", _l("Mutually exclusive group"), False, None,
               _l("Proposals with the same group label exclude each other (e.g. the same site)."), ""),
        Column("priorities", _l("Priorities"), False, priorities,
               _l("Numbers of the priorities it answers, separated by commas."), ""),
    ]


def record_import_refusal(action: str, cycle: BudgetCycle, errors, actor=None, **details) -> None:
    """The audit entry of a refused import (the only row a refused file adds); the caller has
    rolled back the import's work and commits this entry alone."""
    audit.record(action, cycle, council_id=cycle.council_id, actor=actor, cycle_id=cycle.id,
                 problems=len(errors), rows=sorted({e.row for e in errors})[:50], **details)


def table_fingerprint(table: list[list[str]]) -> str:
    """A digest of a file's rows (whatever its format), to recognise the same file sent again."""
    canonical = json.dumps([[c.strip() for c in row] for row in table[1:]], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def already_imported(action: str, cycle: BudgetCycle, fingerprint: str):
    """The audit entry of an earlier successful import of the same rows into ``cycle``, if any."""
    return (audit.AuditLog.query.filter(audit.AuditLog.action == action,
                                        audit.AuditLog.object_type == BudgetCycle.__tablename__,
                                        audit.AuditLog.object_id == str(cycle.id),
                                        audit.AuditLog.details.like(f'%"fingerprint": "{fingerprint}"%'))
            .order_by(audit.AuditLog.id.desc()).first())


def _proposal_values(proposal: AllocationProposal) -> dict:
    return {"title_ar": proposal.title_ar or "", "title_en": proposal.title_en or "",
            "description_ar": proposal.description_ar or "", "description_en": proposal.description_en or "",
            "sector": proposal.sector_id, "locality": proposal.locality_id, "cost": proposal.cost_minor,
            "exclusive_group": proposal.exclusive_group or "",
            "target_groups": sorted(t.id for t in proposal.target_groups),
            "priorities": sorted(p.id for p in proposal.priorities),
            "funding": sorted((f.funding_source_id, f.amount_minor) for f in proposal.funding if f.amount_minor)}


def _record_values(record: dict) -> dict:
    return {"title_ar": record["title_ar"] or "", "title_en": record["title_en"] or "",
            "description_ar": record["description_ar"] or "", "description_en": record["description_en"] or "",
            "sector": record["sector"], "locality": record["locality"], "cost": record["cost"],
            "exclusive_group": (record["exclusive_group"] or "").strip(),
            "target_groups": sorted(set(record["target_groups"] or [])),
            "priorities": sorted(set(record["priorities"] or [])),
            "funding": sorted((s, a) for s, a in (record["funding"] or []) if a)}


def plan_proposal_import(cycle: BudgetCycle, table: list[list[str]]) -> dict:
    """Check every row of a proposal file without writing anything, and say what importing it
    would do: ``{"records", "to_create": [codes], "to_update": [{"code", "changes": [(key, old, new)]}],
    "unchanged": [codes], "samples": [row numbers]}``. Raises :class:`ImportFailed` with all the
    file's problems at once."""
    ensure_not_frozen(cycle)
    seen: dict[str, int] = {}
    council_governorate = cycle.council.governorate_id if cycle.council else None

    def row_check(record, number, errors):
        code = record["code"]
        if code:
            if code in seen:
                errors.append(RowError(number, str(importer.column("code").label),
                                       _("The code %(code)s is also on row %(row)s.", code=code, row=seen[code])))
            seen.setdefault(code, number)
        spent = sum(a for _, a in record.get("funding") or [])
        if record.get("cost") and spent > record["cost"]:
            errors.append(RowError(number, str(importer.column("funding").label),
                                   _("The funding split adds up to more than the cost.")))
        if record.get("locality") and council_governorate:
            locality = db.session.get(Locality, record["locality"])
            if locality is not None and locality.governorate_id and locality.governorate_id != council_governorate:
                errors.append(RowError(number, str(importer.column("locality").label), _(
                    "The locality %(locality)s is in the governorate of %(other)s, not in this council's "
                    "governorate (%(own)s).", locality=locality.name,
                    other=locality.governorate.name if locality.governorate else "?",
                    own=cycle.council.governorate.name if cycle.council.governorate else "?")))
        if record.get("priorities"):
            found = {p.id for p in Priority.query.filter(Priority.id.in_(record["priorities"]),
                                                         Priority.council_id == cycle.council_id)}
            missing = [str(i) for i in record["priorities"] if i not in found]
            if missing:
                errors.append(RowError(number, str(importer.column("priorities").label),
                                       _("No priority %(ids)s in this council.", ids=", ".join(missing))))

    importer = Importer(proposal_columns(cycle) + [fiscal_year_column(cycle.fiscal_year)], row_check=row_check)
    records, errors = importer.parse(table)
    if errors:
        raise ImportFailed(errors)
    existing = {p.code: p for p in cycle.proposals}
    plan = {"records": records, "to_create": [], "to_update": [], "unchanged": [], "samples": importer.skipped_samples}
    for number, record in records:
        proposal = existing.get(record["code"])
        if proposal is None:
            plan["to_create"].append(record["code"])
            continue
        old, new = _proposal_values(proposal), _record_values(record)
        changes = [(key, old[key], new[key]) for key in old if old[key] != new[key]]
        if changes:
            plan["to_update"].append({"code": record["code"], "row": number, "title": proposal.title,
                                   "changes": changes})
        else:
            plan["unchanged"].append(record["code"])
    return plan


def plan_digest(plan: dict) -> str:
    """What a preview showed, as a digest: a confirmation applies only if nothing moved since."""
    shown = {"create": plan["to_create"], "update": [(u["code"], u["changes"]) for u in plan["to_update"]]}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()


def import_proposals(cycle: BudgetCycle, table: list[list[str]], plan: dict | None = None) -> dict:
    """Validate every row, then create or update proposals by budget-line code — or nothing at all.

    Raises :class:`ImportFailed` with every row's problems; the caller must then roll back.
    Callers that let the user confirm updates first pass the ``plan`` they showed."""

    plan = plan or plan_proposal_import(cycle, table)
    existing = {p.code: p for p in cycle.proposals}
    created = updated = 0
    for number, r in plan["records"]:
        proposal = existing.get(r["code"])
        try:
            save_proposal(cycle, proposal, record=False, code=r["code"], title_ar=r["title_ar"],
                          title_en=r["title_en"] or "", description_ar=r["description_ar"] or "",
                          description_en=r["description_en"] or "", sector_id=r["sector"],
                          locality_id=r["locality"], cost_minor=r["cost"],
                          exclusive_group=r["exclusive_group"] or "", target_group_ids=r["target_groups"] or [],
                          priority_ids=r["priorities"] or [], funding=r["funding"] or [])
        except CycleError as exc:
            raise ImportFailed([RowError(number, "", exc.message)])
        if proposal is None:
            created += 1
        elif r["code"] not in plan["unchanged"]:
            updated += 1
    audit.record("proposal.import", cycle, created=created, updated=updated, samples_skipped=len(plan["samples"]),
                 updated_codes=[u["code"] for u in plan["to_update"]][:100])
    return {"created": created, "updated": updated, "unchanged": len(plan["unchanged"]),
            "samples": len(plan["samples"])}


def paper_ballot_columns(cycle: BudgetCycle):
    codes = {p.code.casefold(): p.id for p in cycle.ballot_proposals}

    def code_id(raw):
        key = raw.strip().casefold()
        if key not in codes:
            raise ValueError(_("Unknown proposal code “%(code)s”.", code=raw.strip()))
        return codes[key]

    def choices(raw):
        return method.parse_paper(_split_list(raw), code_id)

    method = cycle.method
    return [
        Column("choices", _l("Choices"), True, choices, method.paper_help, method.paper_example),
        Column("paper_ref", _l("Paper number"), False, None, _l("Optional: the number written on the paper."),
               "17"),
    ]


def import_paper_ballots(cycle: BudgetCycle, table, entered_by, **meeting) -> int:
    """Enter many paper ballots of one meeting from a spreadsheet — all of them or none.

    Every row is checked first (choices against the frozen rules, paper numbers unique in the
    file) and all problems are reported together; the same rows sent again are refused, so a
    re-sent file cannot count the same papers twice."""

    if cycle.phase != PHASE_VOTING:
        raise CycleError(_("Paper ballots can be entered only while voting is open."))
    papers: dict[str, int] = {}

    def row_check(record, number, errors):
        if record["choices"] is not None:
            try:
                validate_choices(cycle, record["choices"])
            except CycleError as exc:
                errors.append(RowError(number, str(importer.column("choices").label), exc.message))
        ref = (record.get("paper_ref") or "").strip()
        if ref:
            if ref in papers:
                errors.append(RowError(number, str(importer.column("paper_ref").label),
                                       _("The paper number %(ref)s is also on row %(row)s.", ref=ref,
                                         row=papers[ref])))
            papers.setdefault(ref, number)

    importer = Importer(paper_ballot_columns(cycle) + [fiscal_year_column(cycle.fiscal_year)], row_check=row_check)
    records, errors = importer.parse(table)
    fingerprint = table_fingerprint(table)
    earlier = already_imported("ballot.paper_import", cycle, fingerprint) if not errors else None
    if earlier is not None:
        errors.append(RowError(2, "", _("These ballots were already imported on %(when)s: the same rows are not "
                                        "counted twice.", when=earlier.created_at.strftime("%Y-%m-%d %H:%M"))))
    if errors:
        raise ImportFailed(errors)
    for number, record in records:
        enter_paper_ballot(cycle, entered_by, record["choices"], record=False, **meeting)
    audit.record("ballot.paper_import", cycle, ballots=len(records), meeting=meeting.get("meeting_label") or
                 meeting.get("meeting_id"), fingerprint=fingerprint, samples_skipped=len(importer.skipped_samples))
    return len(records)

