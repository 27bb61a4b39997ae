"""The citizen budget of a year shows, once that year's simulation has closed, what citizens
proposed (the median per line) beside what the council decided (the citizen budget's own funded
allocations), with a chart and its table, and the page's cache follows the simulation."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "citizen_budget"))

from cb_testlib import publish_snapshot  # noqa: E402
from helpers import page_text  # noqa: E402
from sim_testlib import make_simulation  # noqa: E402

PAGE = "/citizen-budget/hebron/2026/"


def _budgets(sim, world):
    from budget_app.extensions import db
    from simulator import services

    lines = {line.code: line.id for line in sim.lines}
    for i, (disability, elderly) in enumerate([(300_000, 500_000), (200_000, 600_000), (100_000, 500_000)]):
        services.submit(sim, {lines["disability"]: disability * 100, lines["elderly"]: elderly * 100,
                              lines["youth"]: (900_000 - disability - elderly) * 100}, address=f"192.0.2.{i}")
    services.submit(sim, {lines["disability"]: 900_000_00, lines["elderly"]: 0, lines["youth"]: 0},
                    address="192.0.2.0")  # flagged: not counted
    db.session.commit()


def test_the_section_appears_once_the_simulation_of_the_year_closes(app, world, client):
    from budget_app.extensions import db
    from citizen_budget import render
    from simulator import services

    publish_snapshot(world.hebron)
    sim = make_simulation(world, year=2026)
    _budgets(sim, world)
    other = make_simulation(world, year=2027)  # another year: a link only
    client.get("/?lang=en")
    open_page = client.get(PAGE)
    text = page_text(open_page)
    assert "What citizens proposed, and what the council decided" not in text
    assert "Divide the 2026 budget yourself" in text and "Divide the 2027 budget yourself" in text
    etag = open_page.headers["ETag"]

    services.close_simulation(sim, world.users["director"])
    db.session.commit()
    closed = client.get(PAGE, headers={"If-None-Match": etag})
    assert closed.status_code == 200 and closed.headers["ETag"] != etag  # not a stale 304
    text = page_text(closed)
    assert "What citizens proposed, and what the council decided" in text
    assert "3 budgets were counted" in text
    assert "Divide the 2026 budget yourself" not in text and "Divide the 2027 budget yourself" in text
    html = closed.get_data(as_text=True)
    table = html[html.index("cb-simulation-"):]
    table = table[table.index("<tbody>"):table.index("</tbody>")]
    rows = [re.sub(r"<[^>]+>", " ", row).split() for row in table.split("<tr>")[1:]]
    # The median of 300k, 200k, 100k; the council funded 200k (P03) for disability, 400k (P01)
    # for the elderly, nothing for youth (childhood is not a line of this simulation).
    assert rows == [["Disability", "₪200,000", "₪200,000"], ["Elderly", "₪500,000", "₪400,000"],
                    ["Youth", "₪100,000", "₪0"]]
    payload = json.loads(re.search(rf'id="chart-simulation-{sim.id}-data">(.*?)</script>', html, re.S).group(1))
    assert [t["name"] for t in payload["data"]] == ["Citizens' median", "The council's decision"]
    assert payload["data"][1]["x"] == [200_000.0, 400_000.0, 0.0]
    assert f'href="/simulator/hebron/{sim.id}/results"' in html
    assert other.id != sim.id

    # In Arabic too, and the anonymous page is cached without recomputing the medians.
    client.get("/?lang=ar")
    arabic = page_text(client.get(PAGE))
    assert "ما اقترحه المواطنون، وما قرّره المجلس" in arabic and "الوسيط" in arabic
    calls = []
    original = services.closed_medians
    services.CLOSED_MEDIANS.clear()
    render.PAGES.clear()

    def counting(simulation):
        calls.append(simulation.id)
        return original(simulation)

    import simulator.services as module
    module.closed_medians = counting
    try:
        client.get(PAGE)
        client.get(PAGE)
    finally:
        module.closed_medians = original
    assert calls == [sim.id]  # the second request was the cached page


def test_a_closed_simulation_without_budgets_shows_only_its_link(app, world, client):
    from budget_app.extensions import db
    from simulator import services

    publish_snapshot(world.hebron)
    sim = make_simulation(world, year=2026)
    services.close_simulation(sim, world.users["director"])
    db.session.commit()
    text = page_text(client.get(PAGE + "?lang=en"))
    assert "What citizens proposed for 2026, and what the council decided" in text  # the link
    assert "budgets were counted" not in text
