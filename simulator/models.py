"""Budget simulations: the director's envelope and lines, and citizens' anonymous submissions.

Money is INTEGER minor units (agorot), as everywhere. A submission holds one amount per line
(``amounts_json``: ``{line id: minor units}``) and only optional, unverified context — never a
name, phone or national ID. The address a submission came from is kept only as a keyed hash,
to flag a second submission from it (not counted twice).
"""
from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budget_app.extensions import db
from budget_app.i18n import localized
from budget_app.utils import utcnow

STATUS_OPEN = "open"
STATUS_CLOSED = "closed"
STATUS_LABELS = {STATUS_OPEN: _l("Open"), STATUS_CLOSED: _l("Closed")}

AGE_BANDS = ("under-18", "18-29", "30-44", "45-59", "60-plus")
AGE_BAND_LABELS = {"under-18": _l("Under 18"), "18-29": _l("18 to 29"), "30-44": _l("30 to 44"),
                   "45-59": _l("45 to 59"), "60-plus": _l("60 or older")}
GENDERS = ("female", "male")
GENDER_LABELS = {"female": _l("Woman"), "male": _l("Man")}
USES_SERVICES = ("yes", "no")
USES_SERVICES_LABELS = {"yes": _l("Yes"), "no": _l("No")}

# What the lines of a simulation are: the sectors (starting from last year's allocation) or the
# council's shortlisted priorities of the year (each with an estimated cost).
LINES_SECTORS = "sectors"
LINES_PRIORITIES = "priorities"
LINE_SOURCES = (LINES_SECTORS, LINES_PRIORITIES)
LINE_SOURCE_LABELS = {LINES_SECTORS: _l("The sectors, from last year's allocation"),
                      LINES_PRIORITIES: _l("The council's shortlisted priorities of the year, each with an "
                                           "estimated cost")}


class Simulation(db.Model):
    """A council's budget simulation for one fiscal year (one per council and year)."""

    __tablename__ = "budget_simulation"
    __table_args__ = (UniqueConstraint("council_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    title_ar: Mapped[str] = mapped_column(String(250))
    title_en: Mapped[str] = mapped_column(String(250), default="")
    currency: Mapped[str] = mapped_column(String(3), default="ILS")
    envelope_minor: Mapped[int] = mapped_column(BigInteger)
    closes_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=STATUS_OPEN)
    line_source: Mapped[str] = mapped_column(String(12), default=LINES_SECTORS, server_default=LINES_SECTORS)
    # Where the starting points came from: the fiscal year of the decided cycle, or None (zero,
    # or the estimated costs for priority lines).
    baseline_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                      nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    council = relationship("Council")
    lines = relationship("SimulationLine", back_populates="simulation", cascade="all, delete-orphan",
                         order_by="SimulationLine.position")

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    def is_open(self, today: date | None = None) -> bool:
        """Accepting submissions: not closed by the director and the closing day not past."""
        return self.status == STATUS_OPEN and (today or date.today()) <= self.closes_on

    @property
    def of_priorities(self) -> bool:
        return self.line_source == LINES_PRIORITIES

    @property
    def baseline_total_minor(self) -> int:
        return sum(line.baseline_minor for line in self.lines)

    @property
    def reference_total_minor(self) -> int:
        return sum(line.reference_minor for line in self.lines)


class SimulationLine(db.Model):
    """One line a citizen allocates money to: a sector, with last year's amount as the start, or
    a shortlisted priority, with its estimated cost (the start is the costs scaled to the
    envelope: ``services.scaled_to``)."""

    __tablename__ = "budget_simulation_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    simulation_id: Mapped[int] = mapped_column(ForeignKey("budget_simulation.id", ondelete="CASCADE"), index=True)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"), nullable=True)
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priority.id", ondelete="SET NULL"), nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(60))
    label_ar: Mapped[str] = mapped_column(String(250))
    label_en: Mapped[str] = mapped_column(String(250), default="")
    baseline_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    min_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    max_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    estimated_cost_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    simulation = relationship("Simulation", back_populates="lines")

    @property
    def label(self) -> str:
        return localized(self, "label")

    @property
    def reference_minor(self) -> int:
        """What the line is shown beside: its estimated cost (a priority) or last year's amount."""
        return (self.estimated_cost_minor or 0) if self.simulation.of_priorities else self.baseline_minor


class SimulationSubmission(db.Model):
    """A citizen's allocation of the envelope. ``duplicate``: a later one from an address that
    had already submitted (kept and shown to the council, left out of the results)."""

    __tablename__ = "budget_simulation_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    simulation_id: Mapped[int] = mapped_column(ForeignKey("budget_simulation.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)  # the view-only link
    amounts_json: Mapped[str] = mapped_column(Text)
    governorate_id: Mapped[int | None] = mapped_column(ForeignKey("governorate.id"), nullable=True)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"), nullable=True)
    age_band: Mapped[str] = mapped_column(String(20), default="")
    gender: Mapped[str] = mapped_column(String(20), default="")
    uses_services: Mapped[str] = mapped_column(String(10), default="")
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    simulation = relationship("Simulation")
    governorate = relationship("Governorate")
    locality = relationship("Locality")

    @property
    def amounts(self) -> dict[int, int]:
        return {int(k): int(v) for k, v in json.loads(self.amounts_json).items()}
