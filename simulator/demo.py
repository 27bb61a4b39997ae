"""Demo data: hebron's simulation of next year's budget, open, and nablus's, closed, each with
a few dozen citizens' submissions (some from one address, flagged). Idempotent: a council's
simulation of the year is made once."""
from __future__ import annotations

import random
from datetime import date, timedelta

from budget_app.auth.models import User
from budget_app.cycles.models import BudgetCycle
from budget_app.extensions import db
from budget_app.reference.models import Governorate, Locality
from budget_app.tenancy import Council
from simulator import services
from simulator.models import AGE_BANDS, GENDERS, Simulation

SUBMISSIONS = {"hebron": 48, "nablus": 30}
TITLES = {"hebron": ("كيف تقسّمون موازنة الخدمات الاجتماعية في الخليل؟", "How would you divide Hebron's social services budget?"),
          "nablus": ("موازنة نابلس كما يراها المواطنون", "Nablus's budget as citizens see it")}


def _amounts(simulation, rng) -> dict[int, int]:
    """A plausible citizen's budget: last year's amounts (or an even share) moved at random,
    scaled to the envelope in whole hundreds of shekels, the rest on the largest line."""
    lines = list(simulation.lines)
    base = [line.baseline_minor or simulation.envelope_minor // len(lines) for line in lines]
    weights = [max(1.0, b * rng.uniform(0.3, 1.9)) for b in base]
    total = sum(weights)
    amounts = [int(simulation.envelope_minor * w / total) // 10_000 * 10_000 for w in weights]
    amounts[amounts.index(max(amounts))] += simulation.envelope_minor - sum(amounts)
    return {line.id: a for line, a in zip(lines, amounts)}


def seed(ctx) -> None:

    today = date.today()
    year = today.year + 1
    director = User.query.filter_by(email="director@sharaka.test").first()
    governorates = {g.code: g.id for g in Governorate.query}
    localities = [loc for loc in Locality.query.order_by(Locality.id)]
    for slug, count in SUBMISSIONS.items():
        council = Council.query.filter_by(slug=slug).first()
        if council is None or Simulation.query.filter_by(council_id=council.id, fiscal_year=year).first():
            continue
        _y, baseline = services.starting_points(council, year)
        planned = BudgetCycle.query.filter_by(council_id=council.id, fiscal_year=year).first()
        envelope = planned.envelope_minor if planned else max(sum(baseline.values()) * 105 // 100, 1_000_000_00)
        title_ar, title_en = TITLES[slug]
        simulation = services.open_simulation(council, director, fiscal_year=year, title_ar=title_ar,
                                              title_en=title_en, envelope_minor=envelope,
                                              closes_on=today + timedelta(days=30), today=today)
        rng = random.Random(f"simulator-{slug}")
        local = [loc for loc in localities if loc.governorate_id == governorates.get(slug)] or localities
        for i in range(count):
            address = f"192.0.2.{i % (count - 3) + 1}"  # the last three reuse an address: flagged
            submission = services.submit(
                simulation, _amounts(simulation, rng), address=address, governorate_id=governorates.get(slug),
                locality_id=rng.choice(local).id if local and rng.random() < 0.7 else None,
                age_band=rng.choice(("",) + AGE_BANDS), gender=rng.choice(("",) + GENDERS),
                uses_services=rng.choice(("", "yes", "no")), today=today)
            submission.created_at = submission.created_at - timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 8))
            ctx.count("budget_simulation_submission")
        ctx.count("budget_simulation")
        if slug == "nablus":
            services.close_simulation(simulation, director)
        db.session.flush()
