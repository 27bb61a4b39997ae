"""Every page a role may open is reachable by clicking.

On the full demo (which holds a budget cycle in every phase and with every ballot method), each
demo role starts at ``/`` and ``/dashboard`` and follows the links of every page it reaches (test
client, ``href`` and ``src`` attributes, GET only). The test fails when a GET page of
``app.url_map`` is reached by no role — except the few declared below, each with its reason — and
when a followed link answers an error.
"""
from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from helpers import PASSWORD

# GET pages that no link leads to, on purpose.
NOT_LINKED = {
    "main.healthz": "health check for the load balancer and monitoring, not for people",
    "auth.set_password": "the one-time link the administrator hands to a new user (it carries a secret token)",
    "auth.change_password": "the account page's password form posts here; a GET shows that same account page",
    "admin.user_link": "where making a one-time link redirects (Post/Redirect/Get); it shows the link once",
    "simulator.submission": "the view-only link a citizen gets after sending a simulated budget (it carries the "
                            "submission's secret token)",
    "consult.receipt": "the receipt a beneficiary gets after answering a consultation (it carries the receipt code)",
    "consult_scan.scan": "where a printed card's QR code leads (it carries the card's access code)",
    "consult_manage.cards": "the sheet of a batch of access codes: printable only for 30 minutes after the codes are "
                            "generated, from the session that generated them (the demo's were generated offline)",
    "consult_manage.cards_pdf": "the PDF of that same sheet, under the same conditions",
}
# GET pages that exist only for a while, so the demo may or may not hold them when the crawl runs.
SOMETIMES_LINKED = {
    "priorities.comment_edit": "its author may edit a comment for 15 minutes after writing it",
}

# Who clicks: the demo's roles (see README, "Demo accounts").
CRAWLERS = {
    "anonymous": None,
    "admin": "admin@sharaka.test",
    "director": "director@sharaka.test",
    "coordinator": "coordinator@sharaka.test",
    "coordinator-nablus": "coordinator-nablus@sharaka.test",
    "member1 (hebron and nablus)": "member1@sharaka.test",
    "member4 (hebron)": "member4@sharaka.test",
}
# Pages of one endpoint in one council that are worth opening (the rest are more of the same:
# the 30th priority of a list has the same links as the first).
PER_ENDPOINT_AND_COUNCIL = 2
# Public pages show every visitor the same links (but the header's): once one role has opened
# them, the others count them as reached without rendering them again.
PUBLIC_PREFIXES = ("citizen_budget.", "api.", "assets.", "main.favicon")
LINK = re.compile(r"""<(?:a|link|script|img|iframe|area)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"'#]*)""", re.I)


@pytest.fixture
def demo(app):
    from budget_app import demo as demo_module
    from budget_app.extensions import db

    demo_module.run_seeders(demo_module.DemoContext(password=PASSWORD, echo=lambda *a: None))
    db.session.commit()
    return app


def _links(html: str) -> list[str]:
    return [unescape(m) for m in LINK.findall(html)]


def _normalized(url: str) -> str | None:
    """Same-site path and query without the language switch; None for what is not a page of ours."""
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # mailto:, tel:, javascript:, data:
    if parts.netloc and parts.netloc not in ("localhost", ""):
        return None
    if not parts.path.startswith("/") or parts.path.startswith("/static/"):
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("lang", "next")]
    return parts.path + ("?" + urlencode(query) if query else "")


def crawl(app, email: str | None, public_done: set):
    """BFS over the links a role sees. Returns ({endpoint: first url}, pages opened, [broken links]).
    ``public_done``: public pages already opened by another role (updated)."""
    client = app.test_client()
    if email:
        client.login(email)
    adapter = app.url_map.bind("localhost")
    queue = deque([("/", "start"), ("/dashboard", "start")] if email else [("/", "start")])
    seen, reached, per_key, broken, opened = set(), {}, {}, [], 0
    while queue:
        url, source = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            endpoint, args = adapter.match(urlsplit(url).path, method="GET")
        except Exception:  # noqa: BLE001 - a link to no route at all
            broken.append(f"{url} (no route; linked from {source})")
            continue
        key = (endpoint, args.get("slug"))
        if per_key.get(key, 0) >= PER_ENDPOINT_AND_COUNCIL:
            continue
        if endpoint.startswith(PUBLIC_PREFIXES):
            if url in public_done:
                reached.setdefault(endpoint, url)
                continue
            public_done.add(url)
        per_key[key] = per_key.get(key, 0) + 1
        response = client.get(url)
        opened += 1
        if response.status_code in (301, 302, 303):
            target = _normalized(response.headers["Location"])
            if target and "/login" not in target:
                queue.append((target, url))
            reached.setdefault(endpoint, url)
            continue
        if response.status_code >= 400:
            broken.append(f"{url} answered {response.status_code} (linked from {source})")
            continue
        reached.setdefault(endpoint, url)
        if "text/html" in response.content_type:
            for link in _links(response.get_data(as_text=True)):
                target = _normalized(link)
                if target and target not in seen:
                    queue.append((target, url))
    return reached, opened, broken


def get_pages(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.endpoint != "static" and not rule.endpoint.endswith(".static")}


def test_every_page_is_reachable_by_clicking(demo, capsys):
    app = demo
    reached_by: dict[str, list[str]] = {}
    report, all_broken, public_done = [], [], set()
    for role, email in CRAWLERS.items():
        reached, opened, broken = crawl(app, email, public_done)
        for endpoint in reached:
            reached_by.setdefault(endpoint, []).append(role)
        report.append(f"{role}: {opened} pages opened, {len(reached)} kinds of page")
        all_broken += [f"{role}: {b}" for b in broken]
    with capsys.disabled():
        print("\npages crawled per role:\n  " + "\n  ".join(report))

    pages = get_pages(app)
    orphans = sorted(pages - set(reached_by) - set(NOT_LINKED) - set(SOMETIMES_LINKED))
    assert not orphans, "pages that no role reaches by clicking: " + ", ".join(orphans)
    stale = sorted(set(NOT_LINKED) & set(reached_by))
    assert not stale, f"declared unreachable but linked (remove from NOT_LINKED): {stale}"
    unknown = sorted((set(NOT_LINKED) | set(SOMETIMES_LINKED)) - pages)
    assert not unknown, f"NOT_LINKED names endpoints that do not exist: {unknown}"
    assert not all_broken, "links that lead to an error:\n" + "\n".join(all_broken)


def test_the_director_reaches_execution_and_citizen_budget_from_the_cycle_page(demo):
    """The pages that were orphans: after "start execution" the cycle page offers execution,
    spending import and the citizen budget's texts and preview; the coordinator's tab bar has
    the feedback moderation."""
    from budget_app.cycles.models import BudgetCycle

    client = demo.test_client()
    client.login("director@sharaka.test")
    cycle = BudgetCycle.query.filter_by(phase="executing").one()
    html = client.get(f"/councils/{cycle.council.slug}/cycles/{cycle.id}/").get_data(as_text=True)
    links = set(_links(html))
    assert f"/councils/{cycle.council.slug}/cycles/{cycle.id}/execution/" in links
    assert f"/councils/{cycle.council.slug}/cycles/{cycle.id}/execution/import" in links
    assert f"/councils/{cycle.council.slug}/citizen-budget/{cycle.fiscal_year}/edit" in links
    assert f"/councils/{cycle.council.slug}/citizen-budget/{cycle.fiscal_year}/preview" in links

    coordinator = demo.test_client()
    coordinator.login("coordinator@sharaka.test")
    assert "/councils/hebron/feedback/" in set(_links(coordinator.get("/councils/hebron/").get_data(as_text=True)))
