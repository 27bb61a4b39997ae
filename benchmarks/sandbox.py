"""The rule sandbox on a council-size cycle: 60 proposals answering 40 priorities, 200 ranking-round
ballots, every tally rule. Times the first computation (NumPy already loaded) and a second showing
of the same inputs (the cached rows).

Usage::

    python benchmarks/sandbox.py [--ballots 200] [--proposals 60] [--repeat 5] [--database URL]

Builds a throw-away SQLite database (or uses ``--database``, an empty PostgreSQL database) with
the demo's reference lists; prints the minimum, median and maximum of ``--repeat`` runs, each on
fresh inputs (the cache is cleared between runs).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2099


def build(args, rng):
    """A preparing cycle of hebron and a closed points round over the priorities its proposals answer."""
    from budget_app.auth.models import User
    from budget_app.cycles.lifecycle import create_cycle
    from budget_app.cycles.proposals import save_proposal
    from budget_app.extensions import db
    from budget_app.reference.models import Sector
    from budget_app.tenancy import Council
    from budget_app.utils import utcnow
    from priorities import services
    from priorities.models import RankingRound, RoundBallot, RoundBallotItem

    council = Council.query.filter_by(slug="hebron").one()
    sector = Sector.query.first()
    priorities = []
    for i in range(40):
        p = services.save_priority(council, None, data={
            "fiscal_year": YEAR, "title_ar": f"حاجة {i}", "title_en": f"need {i}", "description_ar": "حاجة",
            "description_en": "", "sector_id": sector.id, "locality_id": None, "estimated_beneficiaries": 10,
            "evidence_type": "field_visit", "evidence_details": "زيارة", "evidence_meeting_id": None,
            "proposing_organization": ""}, target_groups=[], author=None)
        services.submit_priority(p)
        services.shortlist_priority(p)
        priorities.append(p)
    db.session.flush()
    cycle = create_cycle(council, None, fiscal_year=YEAR, title_ar="قياس", title_en="benchmark",
                         envelope_minor=5_000_000 * 100, ballot_method="approval", tally_rule="greedy")
    for i in range(args.proposals):
        save_proposal(cycle, code=f"Q{i:03d}", title_ar=f"مقترح {i}", cost_minor=rng.randrange(50, 600) * 100_000,
                      priority_ids=[p.id for p in rng.sample(priorities, rng.randint(1, 2))])
    rnd = RankingRound(council_id=council.id, fiscal_year=YEAR, title="benchmark", method="points", points_budget=10,
                       closes_at=utcnow() - timedelta(days=1))
    rnd.priorities = priorities
    db.session.add(rnd)
    users = [User(email=f"bench{v}@sharaka.test", name=f"voter {v}", password_hash="x") for v in range(args.ballots)]
    db.session.add_all(users)
    db.session.flush()
    for user in users:
        ballot = RoundBallot(round_id=rnd.id, user_id=user.id)
        ballot.items = [RoundBallotItem(priority_id=p.id, points=2) for p in rng.sample(priorities, 5)]
        db.session.add(ballot)
    db.session.commit()
    return cycle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", type=int, default=200)
    parser.add_argument("--proposals", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="sharaka-sandbox-bench-")
    os.environ["SHARAKA_INSTANCE_PATH"] = tmp
    url = args.database or f"sqlite:///{tmp}/bench.db"

    from budget_app import create_app, demo
    from budget_app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark", "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context(), app.test_request_context("/?lang=en"):
        db.create_all()  # a throw-away benchmark database, as the tests build theirs
        demo.seed_core(demo.DemoContext(password="benchmark-only", echo=lambda *a: None))
        db.session.commit()
        import budget_app.tally.api  # noqa: F401  (NumPy loads once per process; not what is timed)
        from budget_app.cycles import sandbox

        cycle = build(args, random.Random(12))
        first, again = [], []
        for _ in range(args.repeat):
            sandbox._RESULTS.clear()  # a first showing each time
            db.session.expire_all()
            start = time.perf_counter()
            found = sandbox.rule_sandbox(cycle, cycle.proposals)
            first.append(time.perf_counter() - start)
            db.session.expire_all()
            start = time.perf_counter()
            sandbox.rule_sandbox(cycle, cycle.proposals)
            again.append(time.perf_counter() - start)
        rules = len(found["rows"])
        for label, values in (("first", first), ("again", again)):
            print(f"sandbox {args.proposals} proposals x {args.ballots} ballots, {rules} rules, {label}: "
                  f"min {min(values) * 1000:.0f} ms, median {statistics.median(values) * 1000:.0f} ms, "
                  f"max {max(values) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
