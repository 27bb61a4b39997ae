"""The demo seeder publishes hebron (with two quarters of execution) and nablus; idempotent."""
from __future__ import annotations


def test_seed_publishes_hebron_and_nablus_idempotently(app, world, client):
    from budget_app.demo import DemoContext
    from budget_app.extensions import db
    from citizen_budget import demo
    from citizen_budget.models import CitizenBudgetVersion

    ctx = DemoContext(password="x", echo=lambda *a: None)
    demo.seed(ctx)
    db.session.commit()
    demo.seed(ctx)
    db.session.commit()
    year = demo.demo_year()
    hebron = CitizenBudgetVersion.query.filter_by(council_id=world.hebron.id, fiscal_year=year).count()
    nablus = CitizenBudgetVersion.query.filter_by(council_id=world.nablus.id, fiscal_year=year).count()
    assert (hebron, nablus) == (2, 1)
    page = client.get(f"/citizen-budget/hebron/{year}/?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Allocated and spent so far" in text and "Version 2" in text
    assert client.get(f"/citizen-budget/nablus/{year}/").status_code == 200
