"""Consultations for tests: hebron's shortlist of three priorities and a consultation on it
with a few codes (returned in readable form, as the coordinator sees them once)."""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "priorities"))

from priority_factories import make_priority  # noqa: E402


def make_consultation(world, *, method="points", codes=5, opens_in=-1, closes_in=7 * 24, round_id=None,
                      n_priorities=3, commit=True):
    """(consultation, [codes]) — opens ``opens_in`` hours from now (negative: already open)."""
    from budget_app.extensions import db
    from budget_app.utils import utcnow
    from priorities.consultations import services

    coordinator = world.users["coordinator"]
    if round_id is None:
        for i in range(n_priorities):
            make_priority(world.hebron, coordinator, title=f"أولوية للاستشارة {i + 1}", status="shortlisted")
    now = utcnow()
    consultation, _batch, plain = services.create_consultation(
        world.hebron, coordinator, question_ar="ما الأهم لكم؟", question_en="What matters most to you?",
        fiscal_year=now.year, method=method, points_budget=10, top_n=2,
        opens_at=now + timedelta(hours=opens_in), closes_at=now + timedelta(hours=closes_in), codes_count=codes,
        round_id=round_id)
    if commit:
        db.session.commit()
    return consultation, plain


def points_ballot(consultation, *amounts):
    ids = [p.id for p in consultation.priorities]
    return {pid: a for pid, a in zip(ids, amounts or (6, 4))}


def form_of(consultation, values: dict) -> dict:
    return {f"p-{pid}": str(v) for pid, v in values.items()}
