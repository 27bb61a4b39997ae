"""Demo data: hebron's beneficiaries' consultation on its ranking round's priorities, open for
two weeks, with a few answers online and on paper from the consultative forum, and ten demo
codes that are printed in the README (demo codes only: real codes are random and never shown
again). Idempotent: made once per council."""
from __future__ import annotations

import random
from datetime import timedelta

from budget_app.auth.models import User
from budget_app.extensions import db
from budget_app.tenancy import Council
from budget_app.utils import utcnow
from councils.models import Meeting
from priorities.consultations import codes, services
from priorities.consultations.models import CHANNEL_PAPER, Consultation
from priorities.models import RankingRound

QUESTION = ("ما الأولويات الأهم لأسركم في الخليل هذا العام؟",
            "Which priorities matter most to your families in Hebron this year?")
# Published in the README so that a `make run` user can answer; a demo database only.
DEMO_BODIES = ("DEM0HEBR0N01", "DEM0HEBR0N02", "DEM0HEBR0N03", "DEM0HEBR0N04", "DEM0HEBR0N05",
               "DEM0HEBR0N06", "DEM0HEBR0N07", "DEM0HEBR0N08", "DEM0HEBR0N09", "DEM0HEBR0N10")
CLOSED_QUESTION = ("كيف توزعون عشر نقاط على أولويات الخليل؟", "How would you share ten points between Hebron's priorities?")
CLOSED_ANSWERS = 36
ANSWERED = 14  # random codes answered in the demo, besides the published ones (left unused)


def demo_codes() -> list[str]:
    return [body + codes.check_char(body) for body in DEMO_BODIES]


def seed(ctx) -> None:
    council = Council.query.filter_by(slug="hebron").first()
    coordinator = User.query.filter_by(email="coordinator@sharaka.test").first()
    if council is None or coordinator is None or Consultation.query.filter_by(council_id=council.id).first():
        return
    rnd = (RankingRound.query.filter_by(council_id=council.id).order_by(RankingRound.opened_at.desc()).first())
    if rnd is None or len(rnd.priorities) < 2:
        return
    now = utcnow()
    consultation, _batch, _plain = services.create_consultation(
        council, coordinator, question_ar=QUESTION[0], question_en=QUESTION[1], fiscal_year=rnd.fiscal_year,
        method="ranking", top_n=3, opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=14),
        codes_count=len(DEMO_BODIES), round_id=rnd.id, chosen=demo_codes())
    _batch.label = "README"
    _batch2, answered = services.generate_batch(consultation, coordinator, ANSWERED, "الملتقى التشاوري")
    forum = Meeting.query.filter_by(council_id=council.id, kind="forum").first()
    rng = random.Random("consultation-hebron")
    ids = [p.id for p in consultation.priorities]
    for i, code in enumerate(answered):
        picked = rng.sample(ids, 3)
        values = {pid: rank for rank, pid in enumerate(picked, start=1)}
        paper = i % 3 == 0
        services.answer(code, values, channel=CHANNEL_PAPER if paper else "online",
                        meeting_id=forum.id if (paper and forum) else None,
                        entered_by=coordinator if paper else None)
        ctx.count("consultation_answer")
    ctx.count("consultation")
    _closed_consultation(ctx, council, coordinator, forum, rnd.fiscal_year)
    db.session.flush()


def _closed_consultation(ctx, council, coordinator, forum, year: int) -> None:
    """An earlier consultation of the year on the shortlist (points), closed: the citizen budget
    shows its ranking beside the council's."""
    now = utcnow()
    consultation, _batch, plain = services.create_consultation(
        council, coordinator, question_ar=CLOSED_QUESTION[0], question_en=CLOSED_QUESTION[1], fiscal_year=year,
        method="points", points_budget=10, opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=1),
        codes_count=CLOSED_ANSWERS + 6)
    rng = random.Random("consultation-hebron-closed")
    ids = [p.id for p in consultation.priorities]
    weights = [len(ids) - i + rng.random() * 3 for i in range(len(ids))][::-1]  # not the council's order
    for i, code in enumerate(plain[:CLOSED_ANSWERS]):
        picked = rng.choices(ids, weights=weights, k=3)
        values: dict[int, int] = {}
        for pid, points in zip(picked, (5, 3, 2)):
            values[pid] = values.get(pid, 0) + points
        paper = i % 4 == 0
        services.answer(code, values, channel=CHANNEL_PAPER if paper else "online",
                        meeting_id=forum.id if (paper and forum) else None, entered_by=coordinator if paper else None)
    services.void_unused(consultation, coordinator)
    services.close_consultation(consultation, coordinator)
    consultation.closed_early_at = now - timedelta(days=8)
    ctx.count("consultation")
