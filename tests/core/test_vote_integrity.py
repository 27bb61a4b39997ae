"""Vote integrity under load: 200 members vote at once through the web while citizens read;
no ballot is lost or doubled, and the stored tally equals pabutools' recount of the exported
.pb file."""
from __future__ import annotations

import random
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests

from helpers import PASSWORD

VOTERS = 200


@pytest.fixture
def served(app, world):
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def token_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_200_members_vote_concurrently_while_citizens_read(app, world, served, make_user, tmp_path):
    from budget_app.cycles.ballots import ballot_choices
    from budget_app.cycles.lifecycle import close_voting, create_cycle, open_voting
    from budget_app.cycles.proposals import save_proposal
    from budget_app.cycles.models import Ballot
    from budget_app.extensions import db
    from budget_app.tally import parse_pb
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare

    director = world.users["director"]
    cycle = create_cycle(world.hebron, director, fiscal_year=date.today().year, title_ar="موازنة",
                         title_en="Budget", envelope_minor=1_000_000 * 100, ballot_method="approval",
                         tally_rule="greedy", mes_completion=False)
    costs = [120_000, 90_000, 250_000, 300_000, 60_000, 180_000, 400_000, 75_000]
    for i, cost in enumerate(costs, 1):
        save_proposal(cycle, code=f"L{i:02d}", title_ar=f"مقترح {i}", title_en=f"Proposal {i}",
                      cost_minor=cost * 100)
    from budget_app.cycles.review import review_all_feasible  # beside the other cycle services here
    review_all_feasible(cycle, director, "ممكن التنفيذ")
    open_voting(cycle, director)
    db.session.commit()
    proposal_ids = [p.id for p in cycle.proposals]
    emails = [f"voter{i:03d}@sharaka.test" for i in range(VOTERS)]
    for email in emails:
        make_user(email, roles={"hebron": "member"})
    cycle_id, base = cycle.id, served

    rng = random.Random(2026)
    choices = {email: rng.sample(proposal_ids, rng.randint(1, 4)) for email in emails}
    done = threading.Event()
    read_statuses: list[int] = []

    def citizen():
        session = requests.Session()
        while not done.is_set():
            for path in ("/", "/citizen-budget/", "/healthz"):
                read_statuses.append(session.get(base + path, timeout=30).status_code)

    def voter(email):
        session = requests.Session()
        page = session.get(base + "/login", timeout=60).text
        response = session.post(base + "/login", data={"email": email, "password": PASSWORD,
                                                       "csrf_token": token_of(page)}, timeout=60,
                                allow_redirects=False)
        assert response.status_code == 302, response.status_code
        page = session.get(f"{base}/councils/hebron/cycles/{cycle_id}/vote", timeout=60).text
        data = [("csrf_token", token_of(page))] + [("proposal", str(pid)) for pid in choices[email]]
        response = session.post(f"{base}/councils/hebron/cycles/{cycle_id}/vote", data=data, timeout=60,
                                allow_redirects=False)
        return response.status_code

    readers = [threading.Thread(target=citizen) for _ in range(4)]
    for r in readers:
        r.start()
    try:
        with ThreadPoolExecutor(max_workers=25) as pool:
            statuses = list(pool.map(voter, emails))
    finally:
        done.set()
        for r in readers:
            r.join()
    assert statuses == [302] * VOTERS
    assert read_statuses and set(read_statuses) <= {200, 404}  # 404: no citizen budget published yet

    db.session.expire_all()
    online = Ballot.query.filter(Ballot.cycle_id == cycle_id, Ballot.user_id.isnot(None)).all()
    assert len(online) == VOTERS
    assert len({b.user_id for b in online}) == VOTERS
    stored = {email: sorted(ballot_choices(cycle, b)) for b in online
              for email in [db.session.get(type(director), b.user_id).email]}
    assert stored == {email: sorted(ids) for email, ids in choices.items()}

    close_voting(db.session.get(type(cycle), cycle_id), director)
    db.session.commit()
    cycle = db.session.get(type(cycle), cycle_id)
    ours = sorted(cycle.tally_json["main"]["selected"])

    exported = requests.get(f"{base}/councils/hebron/cycles/{cycle_id}/ballots.pb", timeout=60)
    assert exported.status_code == 200
    path = tmp_path / "export.pb"
    path.write_bytes(exported.content)
    assert parse_pb(path).num_voters == VOTERS
    instance, profile = parse_pabulib(str(path))
    recount = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    assert sorted(p.name for p in recount) == ours
