"""One council layout, the activity feed, the public links (citizen page, home cards) and the favicon."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent.parent
sys.path.insert(0, str(TESTS / "cycles"))
sys.path.insert(0, str(TESTS / "citizen_budget"))
from cb_testlib import approved_cycle  # noqa: E402
from cycles_testlib import make_cycle  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_caches():
    from citizen_budget import render
    for cache in (render.SNAPSHOTS, render.BODIES, render.PAGES):
        cache.clear()
    yield


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _current_tab(html):
    nav = re.search(r'<nav class="subnav tabs council-nav".*?</nav>', html, re.S)
    assert nav, "the page has no council tab bar"
    current = re.findall(r'<a href="([^"]+)" aria-current="page"', nav.group(0))
    return current


def test_favicon_exists_and_is_cached(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.content_type == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=604800" in response.headers["Cache-Control"]
    assert 'href="/favicon.ico"' in client.get("/").get_data(as_text=True)


def test_every_council_scoped_page_has_the_council_tabs(app, world, client):
    """Cycle pages, execution and the citizen-budget management sit in the council layout, with
    the right tab marked."""
    with app.test_request_context("/?lang=en"):
        cycle = approved_cycle(world)
    client.login("director@sharaka.test")
    base = f"/councils/hebron/cycles/{cycle.id}"
    for url in ("/councils/hebron/cycles/", f"{base}/", f"{base}/results", f"{base}/execution/",
                f"{base}/execution/import", f"{base}/proposals/{cycle.proposals[0].id}"):
        assert _current_tab(_html(client, url)) == ["/councils/hebron/cycles/"], url
    for url in ("/councils/hebron/citizen-budget/", f"/councils/hebron/citizen-budget/{cycle.fiscal_year}/edit"):
        assert _current_tab(_html(client, url)) == ["/councils/hebron/citizen-budget/"], url
    coordinator = app.test_client()
    coordinator.login("coordinator@sharaka.test")
    html = _html(coordinator, "/councils/hebron/feedback/")
    assert _current_tab(html) == ["/councils/hebron/feedback/"]
    # The director's tabs hold the citizen budget, not the moderation; the coordinator's the reverse.
    director_home = _html(client, "/councils/hebron/")
    assert "/councils/hebron/citizen-budget/" in director_home and "/councils/hebron/feedback/" not in director_home
    coordinator_home = _html(coordinator, "/councils/hebron/")
    assert "/councils/hebron/feedback/" in coordinator_home
    assert "/councils/hebron/citizen-budget/" not in coordinator_home


def test_cycle_overview_marks_the_final_allocation(app, world, client):
    with app.test_request_context("/?lang=en"):
        cycle = make_cycle(world, "decided")
        final = set(cycle.final_selected_codes())
    client.login("member4@sharaka.test")
    html = _html(client, f"/councils/hebron/cycles/{cycle.id}/?lang=en")
    rows = re.findall(r'<tr( class="final-in")?>\s*<td dir="ltr">([^<]+)</td>', html)
    assert final and {code for marked, code in rows if marked} == final
    assert {code for marked, code in rows if not marked} == {p.code for p in cycle.proposals} - final
    assert html.count("In the final allocation</span>") == len(final)


def test_activity_feed_says_who_did_what_to_which_item(app, world, client):
    from flask_login import login_user

    from budget_app.cycles.lifecycle import create_cycle
    from budget_app.extensions import db

    director = world.users["director"]
    with app.test_request_context("/?lang=en"):
        login_user(director)
        cycle = create_cycle(world.hebron, director, fiscal_year=2031, title_ar="موازنة تجريبية",
                             title_en="Trial budget", envelope_minor=100_000)
        db.session.commit()
    client.login("member4@sharaka.test")
    html = _html(client, "/councils/hebron/?lang=en")
    feed = re.search(r'<ul class="activity">.*?</ul>', html, re.S).group(0)
    entry = next(li for li in re.findall(r"<li>.*?</li>", feed, re.S) if "Budget cycle opened" in li)
    assert director.display_name in entry
    assert f'href="/councils/hebron/cycles/{cycle.id}/"' in entry and "Trial budget" in entry


@pytest.mark.parametrize("lang,words", [("en", "Recount it yourself"), ("ar", "أعِد الفرز بنفسك")])
def test_citizen_page_links_the_receipts_and_the_anonymized_ballots(app, world, client, lang, words):
    from citizen_budget import services

    with app.test_request_context("/?lang=en"):
        cycle = approved_cycle(world)
        services.publish_version(world.hebron, cycle.fiscal_year)
        from budget_app.extensions import db
        db.session.commit()
    html = _html(client, f"/citizen-budget/hebron/{cycle.fiscal_year}/?lang={lang}")
    assert words in html
    receipts = f"/councils/hebron/cycles/{cycle.id}/receipts"
    ballots = f"/councils/hebron/cycles/{cycle.id}/ballots.pb"
    assert f'href="{receipts}"' in html and f'href="{ballots}"' in html
    # Both are public: a citizen without an account opens them.
    assert client.get(receipts).status_code == 200
    assert client.get(ballots).status_code == 200


def test_home_page_council_cards_link_to_their_citizen_budget(app, world, client):
    from citizen_budget import services

    with app.test_request_context("/?lang=en"):
        cycle = approved_cycle(world)
        services.publish_version(world.hebron, cycle.fiscal_year)
        from budget_app.extensions import db
        db.session.commit()
    html = _html(client, "/?lang=en")
    cards = re.findall(r'<li class="card">.*?</li>', html, re.S)
    hebron = next(c for c in cards if world.hebron.name_en in c)
    assert f'href="/citizen-budget/hebron/{cycle.fiscal_year}/"' in hebron
    nablus = next(c for c in cards if world.nablus.name_en in c)
    assert "/citizen-budget/" not in nablus  # nothing published there
