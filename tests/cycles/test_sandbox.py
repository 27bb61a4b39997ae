"""The rule sandbox before voting (budget_app/cycles/sandbox.py): a hand-checked small instance from a
ranking round and from last year's ballots, the page for the director and the members in both
languages, nothing to run, and a council-size cycle counted once."""
from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest

from cycles_testlib import make_cycle
from helpers import page_text

YEAR = date.today().year


def _priority(world, title):
    from budget_app.extensions import db
    from budget_app.reference.models import Sector
    from priorities import services
    p = services.save_priority(world.hebron, None, data={
        "fiscal_year": YEAR, "title_ar": title, "title_en": title, "description_ar": "حاجة", "description_en": "",
        "sector_id": Sector.query.first().id, "locality_id": None, "estimated_beneficiaries": 10,
        "evidence_type": "field_visit", "evidence_details": "زيارة", "evidence_meeting_id": None,
        "proposing_organization": ""}, target_groups=[], author=world.users["coordinator"])
    services.submit_priority(p)
    services.shortlist_priority(p)
    db.session.flush()
    return p


def _round(world, priorities, ballots, *, method="points"):
    """A closed round over ``priorities``; ``ballots``: {user key: {priority index: points or rank}}."""
    from budget_app.extensions import db
    from budget_app.utils import utcnow
    from priorities import services
    rnd = services.open_round(world.hebron, title="جولة الأولويات", fiscal_year=YEAR, method=method,
                              points_budget=10, top_n=3, closes_at=utcnow() + timedelta(days=3),
                              results_visible_before_close=False, user=world.users["coordinator"])
    for key, values in ballots.items():
        services.cast_ballot(rnd, world.users[key], {priorities[i].id: v for i, v in values.items()})
    services.close_round(rnd)
    db.session.commit()
    return rnd


def _link(cycle, links):
    from budget_app.extensions import db
    by_code = {p.code: p for p in cycle.proposals}
    for code, priorities in links.items():
        by_code[code].priorities = list(priorities)
    db.session.commit()


# The hand-checked instance. Priorities A B C D; P01 answers A, P02 answers B, P04 answers C; P03 and
# P05 answer none. Six round ballots: A, A, A+C, B, C, D (D: no proposal), so the mapped approval
# ballots are {P01} {P01} {P01,P04} {P02} {P04} {} and the votes P01 3, P04 2, P02 1.
# Envelope ₪1,200,000, no completion.
# * greedy: P01 (400k, left 800k), P04 (200k, left 600k), P02 (300k, left 300k); P03 is excluded by
#   P02's group, P05 (350k) does not fit -> P01 P02 P04, ₪900,000; 5 of 6 voters got something.
# * MES: each voter holds 200k. P01 costs its 3 supporters 133,333.33 each (rho 1/3), P04 100k each
#   (rho 1/2): P01 first; then P04 is paid by voter 3's 66,666.67 and voter 5's 133,333.33. P02's only
#   supporter holds 200k < 300k: not affordable -> P01 P04, ₪600,000; 4 of 6 voters.
#   Cost satisfaction per voter (100k): 4 4 6 0 2 0 -> Gini, sorted 0 0 2 4 4 6, weights 6..1:
#   (7 - 2 * 34/16) / 6 = 11/24.
# * Phragmén: P04 (load 100k), P01 (500k/3), P02 -> P01 P02 P04.
# * MES add-one: raising the voters' shares until voter 4 affords P02 -> P01 P02 P04.
GREEDY_SAT = [4, 4, 6, 3, 2, 0]


def _gini(values):
    values = sorted(values)
    n, total = len(values), sum(values)
    weighted = sum(v * (n - i) for i, v in enumerate(values))
    return (n + 1 - Fraction(2 * weighted, total)) / n


@pytest.fixture
def instance(app, world):
    cycle = make_cycle(world, "preparing", envelope=1_200_000, completion=False)
    a, b, c, d = (_priority(world, t) for t in ("A", "B", "C", "D"))
    _link(cycle, {"P01": [a], "P02": [b], "P04": [c]})
    rnd = _round(world, [a, b, c, d], {"member1": {0: 10}, "member2": {0: 5}, "member3": {0: 5, 2: 5},
                                       "member4": {1: 10}, "member5": {2: 3}, "member6": {3: 10}})
    return cycle, rnd, (a, b, c, d)


def test_sandbox_from_the_ranking_round_hand_checked(instance):
    from budget_app.cycles.sandbox import rule_sandbox
    cycle, rnd, _ = instance
    found = rule_sandbox(cycle, cycle.proposals)
    data = found["data"]
    assert data.source == "round" and data.origin.id == rnd.id and found["sources"] == ["round"]
    assert sorted(sorted(b) for b in data.ballots) == [[], ["P01"], ["P01"], ["P01", "P04"], ["P02"], ["P04"]]
    assert data.empty == 1 and data.unlinked == ["P03", "P05"]
    rows = {r["rule"]: r for r in found["rows"]}
    assert list(rows) == ["greedy", "mes", "mes-add1", "phragmen"]
    assert rows["greedy"]["selected"] == ["P01", "P02", "P04"] and rows["greedy"]["spent_minor"] == 90_000_000
    assert rows["greedy"]["non_empty_handed"] == 5 and rows["greedy"]["num_voters"] == 6
    assert rows["greedy"]["gini"] == pytest.approx(float(_gini(GREEDY_SAT)))
    assert rows["mes"]["selected"] == ["P01", "P04"] and rows["mes"]["spent_minor"] == 60_000_000
    assert rows["mes"]["non_empty_handed"] == 4
    assert rows["mes"]["percent_non_empty_handed"] == pytest.approx(4 / 6)
    assert rows["mes"]["gini"] == pytest.approx(11 / 24)
    assert rows["phragmen"]["selected"] == ["P01", "P02", "P04"]
    assert rows["mes-add1"]["selected"] == ["P01", "P02", "P04"]
    # shares of ₪200,000 raised in steps of ₪4,000 (a fiftieth), not one shekel at a time
    assert rows["mes-add1"]["step"] == 4_000 and rows["greedy"]["step"] is None


def test_ranked_round_counts_the_ranked_priorities(app, world):
    from budget_app.cycles.sandbox import sandbox_data
    cycle = make_cycle(world, "preparing")
    a, b, c = (_priority(world, t) for t in ("A", "B", "C"))
    _link(cycle, {"P01": [a], "P02": [b], "P04": [c, a]})
    _round(world, [a, b, c], {"member1": {0: 1, 1: 2}, "member2": {2: 1}}, method="ranking")
    data, sources = sandbox_data(cycle, cycle.proposals)
    assert sorted(sorted(x) for x in data.ballots) == [["P01", "P02", "P04"], ["P04"]]


def test_sandbox_from_last_years_ballots(app, world):
    """No round: last year's ballots, each re-mapped through the priorities its proposals answered."""
    from budget_app.cycles.ballots import cast_ballot
    from budget_app.cycles.lifecycle import close_voting, open_voting
    from budget_app.cycles.sandbox import rule_sandbox
    from budget_app.extensions import db
    a, b, c = (_priority(world, t) for t in ("A", "B", "C"))
    old = make_cycle(world, "preparing", year=YEAR - 1)
    # last year: P01 answered A, P02 answered B and C
    _link(old, {"P01": [a], "P02": [b, c]})
    open_voting(old, world.users["director"])
    ids = {p.code: p.id for p in old.proposals}
    for key, codes in {"member1": ["P01"], "member2": ["P02", "P05"], "member3": ["P05"]}.items():
        cast_ballot(old, world.users[key], [ids[x] for x in codes])
    close_voting(old, world.users["director"])
    db.session.commit()
    cycle = make_cycle(world, "preparing", envelope=1_200_000, completion=False)
    _link(cycle, {"P01": [a], "P04": [c]})
    found = rule_sandbox(cycle, cycle.proposals)
    data = found["data"]
    assert data.source == "last_year" and data.origin.id == old.id
    assert sorted(sorted(x) for x in data.ballots) == [[], ["P01"], ["P04"]]
    assert data.empty == 1
    # greedy: P01 and P04 (one vote each), then P02 with none fits in what is left (greedy funds by
    # votes as long as money is left, zero votes included); MES funds no proposal without supporters
    rows = {r["rule"]: r["selected"] for r in found["rows"]}
    assert rows["greedy"] == ["P01", "P02", "P04"] and rows["mes"] == ["P01", "P04"]
    import budget_app.cycles.sandbox as sandbox
    sandbox.MAX_BALLOTS, kept = 2, sandbox.MAX_BALLOTS  # a city-wide vote is not counted on the page
    try:
        assert rule_sandbox(cycle, cycle.proposals)["data"] is None
    finally:
        sandbox.MAX_BALLOTS = kept


def test_nothing_to_run(app, world):
    from budget_app.cycles.sandbox import rule_sandbox
    cycle = make_cycle(world, "preparing")
    assert rule_sandbox(cycle, cycle.proposals)["data"] is None  # no proposal answers a priority
    a = _priority(world, "A")
    _link(cycle, {"P01": [a]})
    assert rule_sandbox(cycle, cycle.proposals)["data"] is None  # no earlier vote over it
    assert rule_sandbox(cycle, [])["data"] is None


def _url(cycle, suffix=""):
    return f"/councils/hebron/cycles/{cycle.id}/{suffix}"


def test_sandbox_on_the_cycle_page(client, world, instance):
    from budget_app.audit import AuditLog
    cycle, _, _ = instance
    last = max([e.id for e in AuditLog.query], default=0)
    client.login("director@sharaka.test")
    text = page_text(client.get(_url(cycle, "?lang=en")))
    assert "Rule sandbox: what each rule would do" in text
    assert "Estimated from the 6 ballots of the ranking round “\u2068جولة الأولويات\u2069”" in text
    assert "2 proposals answer no priority, so no one supports them here: P03, P05." in text
    assert "1 ballot supports none of this cycle" in text
    assert "not a forecast" in text and "83.3%" in text and "₪900,000" in text and "0.46" in text
    arabic = page_text(client.get(_url(cycle, "?lang=ar")))
    assert "Rule sandbox" not in arabic and "%(" not in arabic and "الأولويات" in arabic
    client.logout()
    client.login("member1@sharaka.test")  # the council members see it too
    page = client.get(_url(cycle, "?lang=en&sandbox=nonsense"))
    assert page.status_code == 200 and "Rule sandbox" in page_text(page)
    client.logout()
    client.login("outsider@sharaka.test")
    assert client.get(_url(cycle, "?lang=en")).status_code == 404
    # a GET that changes nothing: only the logins and logouts were recorded
    actions = {e.action for e in AuditLog.query.filter(AuditLog.id > last)}
    assert actions and all(a.startswith(("auth.", "login", "logout", "user.")) for a in actions), actions


def test_sandbox_shown_only_before_voting_and_says_when_empty(client, world):
    from budget_app.cycles.lifecycle import open_voting
    from budget_app.extensions import db
    cycle = make_cycle(world, "preparing")
    client.login("director@sharaka.test")
    text = page_text(client.get(_url(cycle, "?lang=en")))
    assert "There is no earlier vote to run the rules on yet." in text
    open_voting(cycle, world.users["director"])
    db.session.commit()
    assert "Rule sandbox" not in page_text(client.get(_url(cycle, "?lang=en")))


def test_sandbox_of_a_council_size_cycle_counts_every_ballot_once_and_reuses_the_count(app, world):
    """60 proposals, 40 priorities, 200 round ballots: every rule counted, and the same inputs shown
    again reuse the rows. (Its speed is measured by benchmarks/sandbox.py, not asserted here.)"""
    import random

    from budget_app.cycles.proposals import save_proposal
    from budget_app.cycles.sandbox import rule_sandbox
    from budget_app.extensions import db
    from budget_app.tally.rules import TALLY_RULES
    from priorities.models import RankingRound, RoundBallot, RoundBallotItem
    rng = random.Random(12)
    cycle = make_cycle(world, "preparing", envelope=5_000_000)
    priorities = [_priority(world, f"need {i}") for i in range(40)]
    for i in range(60):
        save_proposal(cycle, code=f"Q{i:02d}", title_ar=f"مقترح {i}", cost_minor=rng.randrange(50, 600) * 100_000,
                      priority_ids=[p.id for p in rng.sample(priorities, rng.randint(1, 2))])
    from budget_app.utils import utcnow
    rnd = RankingRound(council_id=world.hebron.id, fiscal_year=YEAR, title="r", method="points", points_budget=10,
                       closes_at=utcnow() - timedelta(days=1))
    rnd.priorities = priorities
    db.session.add(rnd)
    db.session.flush()
    from budget_app.auth.models import User
    users = [User(email=f"voter{v}@sharaka.test", name=f"voter {v}", password_hash="x") for v in range(200)]
    db.session.add_all(users)
    db.session.flush()
    for user in users:  # ballots written directly (one per user): the count is what is timed
        ballot = RoundBallot(round_id=rnd.id, user_id=user.id)
        ballot.items = [RoundBallotItem(priority_id=p.id, points=2) for p in rng.sample(priorities, 5)]
        db.session.add(ballot)
    db.session.flush()
    db.session.expire_all()
    found = rule_sandbox(cycle, cycle.proposals)
    db.session.expire_all()
    again = rule_sandbox(cycle, cycle.proposals)
    assert again["rows"] is found["rows"]  # the same inputs: the counted rows are reused
    assert len(found["data"].ballots) == 200 and len(found["rows"]) == len(TALLY_RULES)
