"""Demo data: a Hebron cycle of the current year, voted, tallied and approved; idempotent."""
from __future__ import annotations

from datetime import date


def test_demo_cycle(app, world):
    from budget_app import demo
    from budget_app.cycles.demo import seed
    from budget_app.cycles.models import Ballot, BudgetCycle
    from budget_app.extensions import db

    ctx = demo.DemoContext(password="x" * 12, echo=lambda *a: None)
    try:
        from priorities.demo import seed as seed_priorities
        seed_priorities(ctx)
    except Exception:  # the priorities seeder may need its own prerequisites; ours works without
        db.session.rollback()
    seed(ctx)
    seed(ctx)
    db.session.commit()
    cycle = BudgetCycle.query.one()
    assert cycle.fiscal_year == date.today().year and cycle.council.slug == "hebron"
    assert cycle.phase == "approved" and cycle.tally and cycle.approval_result["approved"]
    assert Ballot.query.filter_by(cycle_id=cycle.id, source="online").count() == 9
    assert Ballot.query.filter_by(cycle_id=cycle.id, source="paper").count() == 3
    assert cycle.funding_gap_minor == 0
    from priorities.models import Priority
    if Priority.query.filter_by(council_id=cycle.council_id).count():
        assert sum(len(p.priorities) for p in cycle.proposals) > 0
