"""No N+1 queries: a page's SQL statement count does not grow with the number of rows.

Two councils of the demo get the same kind of data, built by the large demo's seeder: ramallah
10 members, meetings and priorities and a cycle of 10 proposals, jerusalem 1,000 of each and a
cycle of 80 proposals (with their attendance, recommendations, comments, a ranking round and a
budget cycle voted by its members, reviewed, tallied, approved, executed with spending and
milestones, and published). Every main page is requested for both, as the same role, and
the statements counted with SQLAlchemy's ``before_cursor_execute`` event. A list, a detail page or
a cycle page that loads something per row shows as a count that grows with the rows (lists are
paginated, so 10 rows against 50 a page is enough to show it).
"""
from __future__ import annotations

import pytest
from sqlalchemy import event

SMALL, LARGE = 10, 1000
# Proposals in the council's cycle: the citizen budget and the allocation records are built per
# proposal (reviews, interests, milestones, spending), so the cycle must grow too. Łódź's real
# election on the large demo has 163; 80 shows a per-proposal query as clearly.
SMALL_PROPOSALS, LARGE_PROPOSALS = 10, 80
# Statements a page may add between the small and the large council: a pager ("page 2") and the
# like. A per-row query adds dozens.
SLACK = 2


def _seed(slug: str, n: int, proposals: int, year: int, monkeypatch) -> None:
    """The large demo's data for one council and one year, ``n`` members, meetings and priorities
    and a cycle of ``proposals`` proposals."""
    from budget_app import demo_large
    from budget_app.demo import DemoContext
    from budget_app.extensions import db
    from budget_app.reference.models import FundingSource, Locality, Sector, TargetGroup
    from budget_app.tenancy import Council
    from helpers import PASSWORD

    monkeypatch.setattr(demo_large, "MEMBERS_PER_COUNCIL", n)
    monkeypatch.setattr(demo_large, "MEETINGS_PER_YEAR", n)
    monkeypatch.setattr(demo_large, "PRIORITIES_PER_YEAR", max(n, proposals))
    monkeypatch.setattr(demo_large.Large, "PROPOSALS", (proposals, proposals))
    council = Council.query.filter_by(slug=slug).one()
    large = demo_large.Large(DemoContext(password=PASSWORD, echo=lambda *a: None))
    large.councils = [council]
    large.sectors = {s.code: s.id for s in Sector.query}
    large.groups = {g.code: g.id for g in TargetGroup.query}
    large.sources = {s.code: s.id for s in FundingSource.query}
    large.localities = {council.id: list(Locality.query.filter_by(governorate_id=council.governorate_id))}
    large.members = large.seed_people()
    large.seed_partners(council)
    meetings = large.seed_meetings(council, year)
    priorities = large.seed_priorities(council, year, meetings)
    # Enough shortlisted priorities for a cycle of ``proposals`` proposals.
    for p in priorities[:proposals]:
        p["status"] = "shortlisted"
    large.seed_round(council, year, priorities)
    large.seed_cycle(council, year, 0, priorities, meetings)
    monkeypatch.setattr(demo_large, "AUDIT_MINIMUM", 10 * n)  # sign-ins on top of what was seeded
    large.seed_audit_trail()
    db.session.commit()


def _urls(slug: str, year: int) -> dict[str, str]:
    from budget_app.cycles.models import BudgetCycle
    from budget_app.tenancy import Council
    from councils.models import Meeting
    from priorities.models import Priority, PriorityComment, RankingRound

    council = Council.query.filter_by(slug=slug).one()
    cycle = BudgetCycle.query.filter_by(council_id=council.id, fiscal_year=year).one()
    meeting = Meeting.query.filter_by(council_id=council.id).order_by(Meeting.id).first()
    commented = (Priority.query.join(PriorityComment).filter(Priority.council_id == council.id)
                 .order_by(Priority.id).first())
    rnd = RankingRound.query.filter_by(council_id=council.id).first()
    base = f"/councils/{slug}"
    c = f"{base}/cycles/{cycle.id}"
    funded = set(cycle.final_selected_codes())
    allocation = next(p for p in sorted(cycle.proposals, key=lambda p: p.code) if p.code in funded)
    return {
        "council home": f"{base}/",
        "members": f"{base}/members/",
        "meetings": f"{base}/meetings/",
        "meeting": f"{base}/meetings/{meeting.id}/",
        "recommendations": f"{base}/recommendations/",
        "partners": f"{base}/partners/",
        "yearly summary": f"{base}/summary/?year={year}",
        "priorities": f"{base}/priorities/?year={year}",
        "priority": f"{base}/priorities/{commented.id}/",
        "ranking rounds": f"{base}/priorities/rounds/",
        "ranking round": f"{base}/priorities/rounds/{rnd.id}/",
        "cycles": f"{base}/cycles/",
        "cycle": f"{c}/",
        "proposal": f"{c}/proposals/{allocation.id}",
        "review list": f"{c}/review",
        "results": f"{c}/results",
        "receipts": f"{c}/receipts",
        "paper ballots": f"{c}/paper",
        "execution": f"/councils/{slug}/cycles/{cycle.id}/execution/",
        "execution of a proposal": f"{c}/execution/{allocation.id}",
        "citizen budget preview": f"{base}/citizen-budget/{year}/preview",
        "citizen budget": f"/citizen-budget/{slug}/{year}/",
        "allocation record": f"/citizen-budget/{slug}/{year}/allocations/{allocation.code}/",
        "API council": f"/api/v1/councils/{slug}",
        "API citizen budget": f"/api/v1/citizen-budgets/{slug}/{year}",
        "API allocations": f"/api/v1/citizen-budgets/{slug}/{year}/allocations",
    }


class _Counter:
    def __init__(self):
        self.n = 0
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, *args, **kwargs):
        self.n += 1
        self.statements.append(statement)

    def most_repeated(self, start: int) -> str:
        """The statement run most often since ``start`` (where an N+1 query shows), shortened."""
        from collections import Counter

        seen = Counter(" ".join(s.split())[:160] for s in self.statements[start:])
        if not seen:
            return ""
        statement, times = seen.most_common(1)[0]
        return f"{times}× {statement}"


def _counts(app, slug: str, year: int, counter: _Counter, repeated: dict | None = None) -> dict[str, int]:
    from budget_app.cycles.models import BudgetCycle
    from budget_app.tenancy import Council

    urls = _urls(slug, year)
    council = Council.query.filter_by(slug=slug).one()
    cycle = BudgetCycle.query.filter_by(council_id=council.id, fiscal_year=year).one()
    out = {}
    admin = app.test_client()
    admin.login("admin@sharaka.test")
    for name, url in urls.items():
        before = counter.n
        response = admin.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        out[name] = counter.n - before
        if repeated is not None:
            repeated[name] = counter.most_repeated(before)
    from budget_app.auth.models import User
    from budget_app.cycles.models import Ballot

    voter = (User.query.join(Ballot, Ballot.user_id == User.id).filter(Ballot.cycle_id == cycle.id)
             .order_by(User.id).first())
    member = app.test_client()
    member.login(voter.email)
    for name, url in (("dashboard", "/dashboard"), ("ballot", f"/councils/{slug}/cycles/{cycle.id}/vote/receipt")):
        before = counter.n
        response = member.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        out[name] = counter.n - before
    for name, url in (("users", "/admin/users"), ("audit log", "/admin/audit")):
        before = counter.n
        assert admin.get(url).status_code == 200, url
        out[name] = counter.n - before
    return out


@pytest.mark.slow
def test_statement_count_does_not_grow_with_rows(app, world, monkeypatch):
    from budget_app.extensions import db
    from budget_app.utils import utcnow

    year = utcnow().year - 1
    counter = _Counter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        _seed("ramallah", SMALL, SMALL_PROPOSALS, year, monkeypatch)
        small = _counts(app, "ramallah", year, counter)
        _seed("jerusalem", LARGE, LARGE_PROPOSALS, year, monkeypatch)
        repeated: dict[str, str] = {}
        large = _counts(app, "jerusalem", year, counter, repeated)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    grown = {name: (small[name], large[name]) for name in small if large[name] > small[name] + SLACK}
    assert not grown, ("SQL statements per page, %d rows and %d proposals vs %d rows and %d proposals "
                       "(an N+1 query): " % (SMALL, SMALL_PROPOSALS, LARGE, LARGE_PROPOSALS)
                       + "; ".join(f"{name} {a} → {b} (most repeated: {repeated.get(name, '?')})"
                                   for name, (a, b) in grown.items()))
