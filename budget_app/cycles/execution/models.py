"""The execution of an approved budget: spending per quarter, progress and milestones of each
funded allocation. Money is stored as INTEGER minor units (agorot for ILS), never as float.

The table names are those the tables had when execution lived in the citizen-budget package
(no migration: only the Python module moved)."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.extensions import db
from budget_app.i18n import localized
from budget_app.utils import utcnow

QUARTERS = (1, 2, 3, 4)

MILESTONE_STATUSES = ("planned", "in_progress", "done", "delayed", "cancelled")
MILESTONE_STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "delayed": _l("Delayed"),
    "cancelled": _l("Cancelled"),
}


class SpendingEntry(db.Model):
    """Money spent on an approved allocation in one quarter of the fiscal year."""

    __tablename__ = "spending_entry"
    __table_args__ = (CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),
                      CheckConstraint("amount_minor > 0", name="amount_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("budget_cycle.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("allocation_proposal.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    spent_on: Mapped[date] = mapped_column(Date)
    funding_source_id: Mapped[int | None] = mapped_column(ForeignKey("funding_source.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # Required when the allocation's spending goes beyond its allocated amount; the entry is flagged.
    justification: Mapped[str] = mapped_column(Text, default="")
    over_allocation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    funding_source = relationship("FundingSource")


class AllocationProgress(db.Model):
    """The director's estimate of how far an allocation's work has come, in percent."""

    __tablename__ = "allocation_progress"
    __table_args__ = (CheckConstraint("progress_pct BETWEEN 0 AND 100", name="pct"),)

    proposal_id: Mapped[int] = mapped_column(ForeignKey("allocation_proposal.id", ondelete="CASCADE"),
                                             primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    progress_pct: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Milestone(db.Model):
    """A step of an allocation's work (a tender, an opening, a training round) with its dates."""

    __tablename__ = "execution_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("allocation_proposal.id", ondelete="CASCADE"), index=True)
    title_ar: Mapped[str] = mapped_column(String(250))
    title_en: Mapped[str] = mapped_column(String(250), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def status_label(self) -> str:
        return str(MILESTONE_STATUS_LABELS.get(self.status, self.status))
