"""The demo data of council work and priorities: present, consistent, idempotent."""
from __future__ import annotations

from helpers import PASSWORD, page_text


def _seed():
    from budget_app.demo import DemoContext
    from budget_app.extensions import db
    from councils import demo as council_demo
    from priorities import demo as priority_demo
    ctx = DemoContext(password=PASSWORD, echo=lambda *a: None)
    council_demo.seed(ctx)
    priority_demo.seed(ctx)
    db.session.commit()
    return ctx.created


def test_demo_is_complete_and_idempotent(client, world):
    from councils.models import Meeting, PartnerOrganization, Recommendation
    from priorities import services
    from priorities.models import Priority, RankingRound, RoundBallot
    created = _seed()
    assert created["meeting"] == 7 and created["priority"] == 30
    hebron = world.hebron
    assert {m.kind for m in Meeting.query.filter_by(council_id=hebron.id)} == {"workshop", "forum", "council_meeting"}
    assert Priority.query.filter_by(council_id=hebron.id).count() == 26
    assert Priority.query.filter_by(council_id=world.nablus.id).count() == 4
    assert len({p.sector_id for p in Priority.query.filter_by(council_id=hebron.id)}) >= 7
    rnd = RankingRound.query.one()
    assert rnd.is_closed() and RoundBallot.query.count() == 8
    result = services.results(rnd)
    assert result["rows"][0].score > result["rows"][-1].score
    assert Priority.query.filter_by(status="merged").count() == 1
    counts = (Meeting.query.count(), Recommendation.query.count(), PartnerOrganization.query.count(),
              Priority.query.count(), RoundBallot.query.count())
    assert _seed() == {}
    assert counts == (Meeting.query.count(), Recommendation.query.count(), PartnerOrganization.query.count(),
                      Priority.query.count(), RoundBallot.query.count())
    client.login("member1@sharaka.test")
    for url in ("/councils/hebron/", "/councils/hebron/meetings/", "/councils/hebron/recommendations/",
                "/councils/hebron/partners/", "/councils/hebron/summary/", "/councils/hebron/priorities/",
                f"/councils/hebron/priorities/rounds/{rnd.id}/", "/councils/hebron/priorities/?sort=comments"):
        assert client.get(url).status_code == 200, url
    text = page_text(client.get(f"/councils/hebron/priorities/rounds/{rnd.id}/?lang=en"))
    assert "8 ballots cast of 10 members" in text
