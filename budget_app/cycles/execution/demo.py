"""Demo execution of an approved cycle: spending, progress and milestones for its first
quarters. The citizen budget's seeder calls it between the two versions it publishes of
hebron's budget (approved, then executed until the end of the second quarter)."""
from __future__ import annotations

from datetime import date

from budget_app.cycles.execution.services import (funded_allocations, has_spending, record_spending, save_milestone,
                                                  set_progress)
from budget_app.cycles.execution.evidence import OWNER
from budget_app.reference.models import FundingSource
from budget_app.uploads import demo as upload_demo
from budget_app.uploads import services as uploads


def seed_execution(cycle, quarters: int) -> bool:
    """Spending, progress and milestones for the first ``quarters`` quarters of every funded
    allocation. Idempotent: nothing is added to a cycle that has spending already (returns
    whether anything was added)."""

    if quarters <= 0 or has_spending(cycle):
        return False
    treasury = FundingSource.query.filter_by(code="treasury").one()
    for i, proposal in enumerate(funded_allocations(cycle)):
        for q in range(1, quarters + 1):
            share = (0.15 + 0.05 * (i % 3)) if q == 1 else (0.2 + 0.04 * (i % 4))
            record_spending(cycle, proposal, None, amount_minor=int(proposal.cost_minor * share),
                            spent_on=date(cycle.fiscal_year, 3 * q, 15),
                            funding_source_id=treasury.id if i % 2 == 0 else None,
                            note="دفعة للمورّد" if q == 1 else "رواتب ومستلزمات")
        set_progress(cycle, proposal, None, min(100, 20 * quarters + 5 * i))
        signed = save_milestone(cycle, proposal, None, title_ar="توقيع الاتفاقية مع الجهة المنفذة",
                                title_en="Agreement signed with the implementing partner", status="done",
                                due_on=date(cycle.fiscal_year, 2, 1), done_on=date(cycle.fiscal_year, 1, 28))
        starts = save_milestone(cycle, proposal, None, title_ar="بدء تقديم الخدمة", title_en="Service starts",
                                status="in_progress" if i % 2 else "delayed", due_on=date(cycle.fiscal_year, 7, 1))
        if i < 2:  # the director's evidence: the signed agreement, and the place where the service starts
            uploads.attach(OWNER, signed, data=upload_demo.report_pdf(100 + i, pages=1), user=None,
                           filename=f"اتفاقية {proposal.code}.pdf")
            uploads.attach(OWNER, starts, data=upload_demo.site_photo(100 + i), user=None, filename="site.jpg",
                           alt_text_ar="مقر تقديم الخدمة بعد تجهيزه", alt_text_en="The premises of the service, fitted out")
    return True
