"""The spending import: Excel or CSV, every row checked first, all rows recorded or none."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from budget_app import audit
from budget_app.cycles.execution.models import SpendingEntry
from budget_app.cycles.execution.services import (CycleNotApproved, ExecutionError, funded_allocations, is_executable,
                                                  record_spending, spending_problems)
from budget_app.cycles.forms import parse_amount
from budget_app.reference.models import FundingSource
from budget_app.spreadsheets import Column, Importer, RowError


class ImportFailed(ExecutionError):
    """The file had problems; nothing was imported. ``errors``: list of ``RowError``."""

    def __init__(self, errors):
        super().__init__(ngettext("Nothing was imported: the file has %(num)s problem. Correct it and send the file again.",
                                  "Nothing was imported: the file has %(num)s problems. Correct them and send the file "
                                  "again.", len(errors)))
        self.errors = errors


def spending_columns():
    """The columns of the spending import and of its template."""

    def money(raw):
        try:
            value = parse_amount(raw)
        except Exception:
            value = None
        if value is None or value <= 0:
            raise ValueError(_("“%(value)s” is not an amount more than zero; write it like 12000 or 12000.50.",
                               value=raw))
        return value

    def day(raw):
        try:
            return date.fromisoformat(raw.strip()[:10])
        except ValueError:
            raise ValueError(_("“%(value)s” is not a date; write it like 2026-03-31.", value=raw))

    def quarter(raw):
        value = raw.strip().upper().lstrip("Q")
        if value not in ("1", "2", "3", "4"):
            raise ValueError(_("The quarter is 1, 2, 3 or 4."))
        return int(value)

    sources = {}

    def source(raw):
        if not sources:
            for s in FundingSource.query:
                for key in (s.code, s.name_ar, s.name_en):
                    sources[key.strip().casefold()] = s.id
        key = raw.strip().casefold()
        if key not in sources:
            raise ValueError(_("Unknown funding source “%(value)s”; use a code or a name from the reference list.",
                               value=raw))
        return sources[key]

    return [
        Column("code", _l("Budget-line code"), True, None, _l("The code of an approved allocation."), "P01-A01"),
        Column("spent_on", _l("Date"), True, day, _l("The date of the spending, e.g. 2026-03-31."), "2026-03-31"),
        Column("amount", _l("Amount"), True, money, _l("Amount spent, in the cycle's currency."), "12000"),
        Column("quarter", _l("Quarter"), False, quarter, _l("1 to 4; taken from the date when left empty."), "1"),
        Column("funding_source", _l("Funding source"), False, source,
               _l("Code or name of the funding source; left empty, the spending is “Not yet tied to a source”."),
               "treasury"),
        Column("note", _l("Note"), False, None, _l("Optional: what the money paid for."), ""),
        Column("justification", _l("Justification"), False, None,
               _l("Required when the spending goes beyond the allocated amount."), ""),
    ]


def import_spending(cycle, table: list[list[str]], user) -> int:
    """Check every row, then record all the spending — or nothing at all (raises :class:`ImportFailed`
    listing every problem of the file at once; the caller rolls back). A row identical to an entry
    already recorded (same allocation, date, amount, source and note) is refused, so a file sent
    again cannot record the same spending twice."""

    if not is_executable(cycle):
        raise CycleNotApproved()
    allocations = {p.code: p for p in funded_allocations(cycle)}
    pending: dict[int, int] = {}
    seen: dict[tuple, int] = {}
    recorded = {(e.proposal_id, e.spent_on, e.amount_minor, e.funding_source_id, (e.note or "").strip())
                for e in SpendingEntry.query.filter_by(cycle_id=cycle.id)}
    labels = {"spent_on": "spent_on", "quarter": "quarter", "justification": "justification", "amount": "amount"}

    def row_check(r, number, errors):
        if not r["code"]:
            return
        proposal = allocations.get(r["code"])
        if proposal is None:
            errors.append(RowError(number, str(importer.column("code").label),
                                   _("No approved allocation with the code %(code)s.", code=r["code"])))
            return
        for field, message in spending_problems(cycle, proposal, amount_minor=r["amount"], spent_on=r["spent_on"],
                                                quarter=r["quarter"], justification=r["justification"] or "",
                                                pending_minor=pending.get(proposal.id, 0)):
            if not (field == "amount" and r["amount"] is None) and not (field == "spent_on" and r["spent_on"] is None):
                errors.append(RowError(number, str(importer.column(labels[field]).label), message))
        pending[proposal.id] = pending.get(proposal.id, 0) + (r["amount"] or 0)
        key = (proposal.id, r["spent_on"], r["amount"], r["funding_source"], (r["note"] or "").strip())
        if key in seen:
            errors.append(RowError(number, "", _("This row repeats row %(row)s. If it is a second payment, write a "
                                                 "note that tells them apart.", row=seen[key])))
        elif key in recorded:
            errors.append(RowError(number, "", _("This spending is already recorded (same allocation, date, amount, "
                                                 "source and note): the file may have been sent before.")))
        seen.setdefault(key, number)

    importer = Importer(spending_columns(), row_check=row_check)
    records, errors = importer.parse(table)
    if errors:
        raise ImportFailed(errors)
    for number, r in records:
        try:
            record_spending(cycle, allocations[r["code"]], user, amount_minor=r["amount"], spent_on=r["spent_on"],
                            quarter=r["quarter"], funding_source_id=r["funding_source"], note=r["note"] or "",
                            justification=r["justification"] or "", record=False)
        except ExecutionError as exc:  # checked above; kept so a missed case still refuses the whole file
            raise ImportFailed([RowError(number, "", str(exc))])
    audit.record("execution.import", cycle, council_id=cycle.council_id, actor=user, cycle_id=cycle.id,
                 rows=len(records), samples_skipped=len(importer.skipped_samples))
    return len(records)
