"""Single use under concurrency: many threads (each its own connection and transaction) send
the same code at once; exactly one answer is counted, the others are refused as used. Runs on
the test database: SQLite by default, PostgreSQL with TEST_DATABASE_URL."""
from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from consult_testlib import make_consultation, points_ballot  # noqa: E402


def _race(app, work, n: int) -> list:
    """Run ``work(i)`` in ``n`` threads released together; each commits or rolls back."""
    from budget_app.extensions import db

    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i):
        with app.app_context():
            barrier.wait()
            try:
                outcomes[i] = work(i)
                db.session.commit()
            except Exception as exc:  # the refusal (or error) is the outcome
                db.session.rollback()
                outcomes[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_one_code_sent_by_eight_at_once_counts_once(app, world):
    from budget_app.extensions import db
    from priorities.consultations import services
    from priorities.consultations.models import AccessCode, ConsultationAnswer

    consultation, plain = make_consultation(world, codes=1)
    values = points_ballot(consultation)
    db.session.remove()
    outcomes = _race(app, lambda i: services.answer(plain[0], values).receipt, 8)
    won = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, services.CodeRefused)]
    assert len(won) == 1, outcomes
    assert len(refused) == 7 and all(r.reason == services.USED for r in refused), outcomes
    assert ConsultationAnswer.query.count() == 1
    assert AccessCode.query.filter(AccessCode.used_at.is_not(None)).count() == 1


def test_many_codes_each_sent_twice_at_once(app, world):
    from budget_app.extensions import db
    from priorities.consultations import services
    from priorities.consultations.models import ConsultationAnswer

    consultation, plain = make_consultation(world, codes=6)
    values = points_ballot(consultation)
    db.session.remove()
    outcomes = _race(app, lambda i: services.answer(plain[i // 2], values).receipt, 12)
    won = [o for o in outcomes if isinstance(o, str)]
    assert len(won) == 6 and all(isinstance(o, (str, services.CodeRefused)) for o in outcomes), outcomes
    assert ConsultationAnswer.query.count() == 6
