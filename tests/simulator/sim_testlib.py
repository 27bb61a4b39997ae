"""Shared helpers of the simulator tests: a simulation of hebron with three lines."""
from __future__ import annotations

from datetime import date, timedelta


def make_simulation(world, *, year: int = 2027, envelope: int = 900_000_00, limits=None, closes_in: int = 10,
                    sector_codes=("disability", "elderly", "youth")):
    from budget_app.extensions import db
    from budget_app.reference.models import Sector
    from simulator import services

    # Only the named sectors stay active, so the simulation has exactly these lines.
    for sector in Sector.query:
        sector.active = sector.code in sector_codes
    db.session.flush()
    director = world.users["director"]
    sim = services.open_simulation(world.hebron, director, fiscal_year=year, title_ar="محاكاة الموازنة",
                                   title_en="Budget simulation", envelope_minor=envelope,
                                   closes_on=date.today() + timedelta(days=closes_in), limits=limits or {})
    db.session.commit()
    return sim


def balanced(sim) -> dict[int, int]:
    """Equal shares (the remainder on the first line)."""
    lines = list(sim.lines)
    share = sim.envelope_minor // len(lines)
    amounts = {line.id: share for line in lines}
    amounts[lines[0].id] += sim.envelope_minor - share * len(lines)
    return amounts


def form_data(sim, amounts: dict[int, int], **extra) -> dict:
    return {**{f"line_{k}": str(v // 100) if v % 100 == 0 else f"{v / 100:.2f}" for k, v in amounts.items()}, **extra}


def shortlisted(world, year: int = 2027, titles=("مركز نهاري", "نقل الأطفال", "ورشة مهنية")):
    """Shortlisted priorities of hebron for ``year`` (and one submitted, not shortlisted)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent.parent / "priorities"))
    from priority_factories import make_priority

    author = world.users["member1"]
    rows = [make_priority(world.hebron, author, title=t, title_en=f"Priority {i + 1}", status="shortlisted",
                          year=year) for i, t in enumerate(titles)]
    make_priority(world.hebron, author, title="ليست في القائمة", status="submitted", year=year)
    return rows
